package tcpreasm

import (
	"bytes"
	"fmt"
	"net/netip"

	"github.com/pcapflow/pcapflow/pipeline"
)

// recorder is a Handler that keeps everything it is told.
type recorder struct {
	streams map[uint64]*[2]bytes.Buffer
	gaps    map[uint64]*[2]uint64 // stream positions (bytes and gaps)
	opened  []uint64
	closed  []Conn
	log     []string
}

func newRecorder() *recorder {
	return &recorder{streams: map[uint64]*[2]bytes.Buffer{}, gaps: map[uint64]*[2]uint64{}}
}

func (r *recorder) Open(c *Conn) {
	r.opened = append(r.opened, c.ID)
	r.streams[c.ID] = &[2]bytes.Buffer{}
	r.gaps[c.ID] = &[2]uint64{}
}

// at checks that a chunk starts where the previous one ended, then moves
// the position by n.
func (r *recorder) at(c *Conn, d Dir, off, n uint64) {
	if pos := r.gaps[c.ID][d]; pos != off {
		r.log = append(r.log, fmt.Sprintf("conn %d %s: chunk at offset %d, want %d", c.ID, d, off, pos))
	}
	r.gaps[c.ID][d] += n
}

func (r *recorder) Data(c *Conn, d Dir, data []byte, at Chunk) {
	r.at(c, d, at.Offset, uint64(len(data)))
	r.streams[c.ID][d].Write(data)
}

func (r *recorder) Gap(c *Conn, d Dir, n uint64, at Chunk) {
	r.at(c, d, at.Offset, n)
	fmt.Fprintf(&r.streams[c.ID][d], "<gap %d>", n)
}

func (r *recorder) Close(c *Conn) { r.closed = append(r.closed, *c) }

func (r *recorder) stream(id uint64, d Dir) string { return r.streams[id][d].String() }

var (
	cli = netip.MustParseAddrPort("10.0.0.1:40000")
	srv = netip.MustParseAddrPort("10.0.0.2:80")
)

// seg describes one hand-built segment for the tests.
type tseg struct {
	fromServer bool
	flags      uint16
	seq, ack   uint32
	data       string
	t          int64 // ms
	cut        int   // bytes the snap length removed from the end of data
	win        uint16
	zeroWin    bool // advertise a zero window
}

// packet builds the decoded packet of s; the frame is just the payload.
func (s tseg) packet(frame uint64) (pipeline.Packet, []byte) {
	src, dst := cli, srv
	if s.fromServer {
		src, dst = srv, cli
	}
	payload := []byte(s.data[:len(s.data)-s.cut])
	win := s.win
	if win == 0 && !s.zeroWin {
		win = 1000
	}
	p := pipeline.Packet{CaptureInfo: pipeline.CaptureInfo{Timestamp: s.t * 1e6, Frame: frame,
		CapLen: uint32(len(payload)), OrigLen: uint32(len(payload))}}
	p.Decoded = pipeline.Decoded{
		Layers:   pipeline.LayerIPv4 | pipeline.LayerTCP,
		IP:       pipeline.Flow{Src: src.Addr(), Dst: dst.Addr(), SrcPort: src.Port(), DstPort: dst.Port(), Proto: 6},
		TCPFlags: s.flags, TCPSeq: s.seq, TCPAck: s.ack, TCPWindow: win,
		PayloadOffset: 0, PayloadLen: uint32(len(payload)),
	}
	if s.cut > 0 {
		// A raw IPv4 frame whose total length covers the cut bytes.
		hdr := make([]byte, 40)
		hdr[0] = 0x45
		total := 40 + len(s.data)
		hdr[2], hdr[3] = byte(total>>8), byte(total)
		frameBytes := append(hdr, payload...)
		p.CapLen, p.OrigLen = uint32(len(frameBytes)), uint32(total)
		p.Decoded.PayloadOffset = 40
		return p, frameBytes
	}
	return p, payload
}

func feed(a *Assembler, segs []tseg) {
	for i, s := range segs {
		p, data := s.packet(uint64(i + 1))
		a.Observe(&p, data)
	}
}

const (
	syn    = pipeline.TCPSyn
	ack    = pipeline.TCPAck
	fin    = pipeline.TCPFin
	rst    = pipeline.TCPRst
	psh    = pipeline.TCPPsh
	synack = syn | ack
)
