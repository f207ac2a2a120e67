package flows

import (
	"net/netip"
	"time"

	"github.com/pcapflow/pcapflow/pipeline"
)

var (
	hostA = netip.MustParseAddr("10.0.0.1")
	hostB = netip.MustParseAddr("10.0.0.2")
)

// seg is one hand-built TCP segment between hostA:1234 (a) and hostB:80.
type seg struct {
	fromB    bool
	flags    uint16
	seq, ack uint32
	win      uint16
	payload  uint32
	dt       time.Duration // time after the previous segment
}

const (
	S  = pipeline.TCPSyn
	SA = pipeline.TCPSyn | pipeline.TCPAck
	A  = pipeline.TCPAck
	PA = pipeline.TCPPsh | pipeline.TCPAck
	FA = pipeline.TCPFin | pipeline.TCPAck
	R  = pipeline.TCPRst
	RA = pipeline.TCPRst | pipeline.TCPAck
	F  = pipeline.TCPFin
)

// tcpPacket builds the decoded packet of s at time ts.
func tcpPacket(s seg, ts int64, frame uint64) pipeline.Packet {
	var p pipeline.Packet
	p.Timestamp = ts
	p.Frame = frame
	p.OrigLen = 54 + s.payload
	p.CapLen = p.OrigLen
	d := &p.Decoded
	d.Layers = pipeline.LayerEthernet | pipeline.LayerIPv4 | pipeline.LayerTCP
	d.IP = pipeline.Flow{Src: hostA, Dst: hostB, SrcPort: 1234, DstPort: 80, Proto: 6}
	if s.fromB {
		d.IP = d.IP.Reverse()
	}
	d.TCPFlags = s.flags
	d.TCPSeq, d.TCPAck = s.seq, s.ack
	d.TCPWindow = s.win
	d.IPOffset, d.PayloadOffset = 14, 54
	d.PayloadLen = s.payload
	return p
}

// run feeds segs through a new table and returns the records emitted.
func run(opts Options, segs []seg) []Record {
	var out []Record
	opts.Emit = func(r *Record) { out = append(out, *r) }
	t := NewTable(opts)
	ts := int64(1_700_000_000_000_000_000)
	for i, s := range segs {
		ts += int64(s.dt)
		p := tcpPacket(s, ts, uint64(i+1))
		t.Observe(&p, nil)
	}
	t.Flush()
	return out
}

// udpPacket builds a UDP datagram between hostA:5000 and hostB:dport.
func udpPacket(fromB bool, dport uint16, payload []byte, ts int64) (pipeline.Packet, []byte) {
	var p pipeline.Packet
	p.Timestamp = ts
	data := make([]byte, 42+len(payload))
	copy(data[42:], payload)
	data[12], data[13] = 0x08, 0x00
	data[14] = 0x45
	ipl := 28 + len(payload)
	data[16], data[17] = byte(ipl>>8), byte(ipl)
	p.OrigLen = uint32(len(data))
	p.CapLen = p.OrigLen
	d := &p.Decoded
	d.Layers = pipeline.LayerEthernet | pipeline.LayerIPv4 | pipeline.LayerUDP
	d.IP = pipeline.Flow{Src: hostA, Dst: hostB, SrcPort: 5000, DstPort: dport, Proto: 17}
	if fromB {
		d.IP = d.IP.Reverse()
	}
	d.IPOffset, d.PayloadOffset = 14, 42
	d.PayloadLen = uint32(len(payload))
	return p, data
}
