package tcpreasm

import (
	"net/netip"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/internal/ranges"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Bounds of the reassembly of fragmented GTP-U datagrams.
const (
	// maxFragDatagrams is how many datagrams may wait for fragments at
	// once; a new one beyond it drops the oldest.
	maxFragDatagrams = 64
	// maxFragPieces caps the fragments of one datagram.
	maxFragPieces = 64
	// fragTimeout drops a datagram whose fragments did not all arrive
	// within it (packet time, like Linux's ipfrag_time).
	fragTimeout = int64(30e9)
	// maxIPv4 is the largest IPv4 packet.
	maxIPv4 = 65535
)

// IPv4 fragmentation splits a tunnelled TCP segment over several frames in
// two ways: the outer datagram of a G-PDU too large for the transport
// network's MTU is fragmented (the decode stage sees only the start of the
// inner packet, in the first fragment), or the tunnelled IPv4 packet itself
// was fragmented before it entered the tunnel (each fragment travels in its
// own G-PDU). tshark reassembles both before following the TCP inside, and
// so does the Assembler: it keeps the offset-0 fragment's IPv4 header and
// every fragment's payload and, once every byte is there, decodes the whole
// packet again and observes its TCP segment as if it had arrived in the
// frame that completed it. Later fragments of outer UDP datagrams whose
// first fragment has not been seen yet are held too (they may arrive
// first), within the same bounds. IPv6 fragments are not reassembled.

// fragKey identifies a fragmented IPv4 packet; inner tells a tunnelled
// packet from an outer one.
type fragKey struct {
	src, dst netip.Addr
	id       uint16
	proto    uint8
	inner    bool
}

// fragDatagram is one packet waiting for fragments.
type fragDatagram struct {
	k      fragKey
	start  int64      // packet time of its first fragment seen
	hdr    []byte     // IPv4 header of the offset-0 fragment
	first  bool       // the offset-0 fragment (hdr, port) arrived
	port   uint16     // outer: the UDP port the decode stage took as GTP-U
	buf    []byte     // payload bytes by fragment offset
	spans  ranges.Set // received ranges of the payload
	pieces int        // fragments received
	total  int        // payload length, -1 until the last fragment arrives
}

// defrag is the Assembler's fragment table. Index 0 of pkt and out serves
// outer datagrams, index 1 tunnelled packets (an outer datagram, once
// whole, may hold an inner fragment).
type defrag struct {
	pending []*fragDatagram
	spare   []*fragDatagram
	decs    map[uint16]*decoders.Decoder
	pkt     [2]pipeline.Packet
	out     [2][]byte
}

// outer reports whether d is an outer IPv4 fragment to reassemble: the
// first fragment of a GTP-U datagram, or a later fragment of a UDP
// datagram.
func (f *defrag) outer(d *pipeline.Decoded) bool {
	if d.Layers&(pipeline.LayerIPv4|pipeline.LayerFragment) != pipeline.LayerIPv4|pipeline.LayerFragment ||
		d.IP.Proto != 17 {
		return false
	}
	if d.Flags.Has(pipeline.FlagNonFirstFragment) {
		return true
	}
	if d.FragOffset == 0 && d.MoreFragments && d.Layers.Has(pipeline.LayerUDP) &&
		(d.Layers.Has(pipeline.LayerGTPU) || d.IP.SrcPort == decoders.DefaultGTPUPort || d.IP.DstPort == decoders.DefaultGTPUPort) {
		// A first fragment too short to hold the GTP-U header is taken
		// on the standard port only.
		return true
	}
	if len(f.pending) > 0 && d.FragOffset == 0 {
		// The first fragment of a datagram that is not GTP-U: forget
		// the later fragments held for it.
		f.drop(f.find(fragKey{src: d.IP.Src, dst: d.IP.Dst, id: uint16(d.IPID), proto: 17}))
	}
	return false
}

// innerFragment returns the frame offset of the tunnelled IPv4 header of
// d (in any tunnel) when it is a fragment of a TCP packet, else -1.
func innerFragment(d *pipeline.Decoded, data []byte) int {
	if !d.Layers.Has(pipeline.LayerInnerIPv4) || d.Inner.Proto != 6 ||
		d.Layers.Has(pipeline.LayerFragment) {
		return -1
	}
	v := view{inner: true}
	off := v.ipOffset(d)
	if off+20 > len(data) || data[off]>>4 != 4 || (uint16(data[off+6])<<8|uint16(data[off+7]))&0x3fff == 0 {
		return -1
	}
	return off
}

// fragment adds the IPv4 fragment at data[ipOff:] of packet p (an outer
// one, or the tunnelled one when inner) to its packet and, when that makes
// the packet whole, observes the TCP segment it carries.
func (a *Assembler) fragment(p *pipeline.Packet, data []byte, ipOff int, inner bool) {
	f := &a.defrag
	now := p.Timestamp
	a.stats.Fragments++
	a.stats.FragmentsDropped += f.expire(now)
	b := data[min(ipOff, len(data)):]
	if len(b) < 20 || b[0]>>4 != 4 {
		a.stats.FragmentsDropped++
		return
	}
	ihl := int(b[0]&0x0f) * 4
	total := int(b[2])<<8 | int(b[3])
	fo := uint16(b[6])<<8 | uint16(b[7])
	k := fragKey{src: netip.AddrFrom4([4]byte(b[12:16])), dst: netip.AddrFrom4([4]byte(b[16:20])),
		id: uint16(b[4])<<8 | uint16(b[5]), proto: b[9], inner: inner}
	if ihl < 20 || total < ihl || total > len(b) {
		// Cut by the snap length (or inconsistent): the packet can
		// never be whole.
		a.stats.FragmentsDropped++
		f.drop(f.find(k))
		return
	}
	more := fo&0x2000 != 0
	i := f.find(k)
	if i < 0 {
		if len(f.pending) >= maxFragDatagrams {
			a.stats.FragmentsDropped += uint64(f.pending[0].pieces)
			f.drop(0)
		}
		i = f.add(k, now)
	}
	g := f.pending[i]
	lo := int(fo&0x1fff) * 8
	payload := b[ihl:total]
	hi := lo + len(payload)
	if hi > maxIPv4-ihl || g.pieces >= maxFragPieces || (!more && g.total >= 0 && g.total != hi) {
		a.stats.FragmentsDropped += uint64(g.pieces) + 1
		f.drop(i)
		return
	}
	if lo == 0 {
		g.hdr, g.first = append(g.hdr[:0], b[:ihl]...), true
		if d := &p.Decoded; !inner {
			g.port = d.IP.DstPort
			if d.IP.DstPort != decoders.DefaultGTPUPort && d.IP.SrcPort == decoders.DefaultGTPUPort {
				g.port = d.IP.SrcPort
			}
		}
	}
	if !more {
		g.total = hi
	}
	if hi > len(g.buf) {
		g.buf = append(g.buf, make([]byte, hi-len(g.buf))...)
	}
	copy(g.buf[lo:hi], payload)
	g.pieces++
	g.spans.Add(lo, hi)
	if !g.first || g.total < 0 || !g.spans.Whole(g.total) {
		return
	}
	a.stats.Reassembled++
	level := 0
	if inner {
		level = 1
	}
	port := g.port
	frame := f.rebuild(g, level)
	f.drop(i)
	pk := &f.pkt[level]
	pk.CaptureInfo = p.CaptureInfo
	pk.CapLen, pk.OrigLen, pk.LinkType = uint32(len(frame)), uint32(len(frame)), decoders.LinkRaw
	f.decoder(port).Decode(frame, decoders.LinkRaw, uint32(len(frame)), &pk.Decoded)
	if off := innerFragment(&pk.Decoded, frame); !inner && off >= 0 {
		a.fragment(pk, frame, off, true)
		return
	}
	if v, ok := viewOf(&pk.Decoded); ok {
		v.tunnelled = v.tunnelled || inner
		a.observe(pk, &v, frame, nil)
	}
}

// rebuild returns the whole datagram g as an unfragmented IPv4 packet (in a
// buffer reused by the next call).
func (f *defrag) rebuild(g *fragDatagram, level int) []byte {
	n := len(g.hdr) + g.total
	out := append(f.out[level][:0], g.hdr...)
	out = append(out, g.buf[:g.total]...)
	out[2], out[3] = byte(n>>8), byte(n)
	out[6], out[7] = 0, 0 // no fragment flags or offset
	out[10], out[11] = 0, 0
	f.out[level] = out
	return out
}

// decoder returns a decoder that also takes UDP port as GTP-U (0: only
// the standard port).
func (f *defrag) decoder(port uint16) *decoders.Decoder {
	if f.decs == nil {
		f.decs = map[uint16]*decoders.Decoder{}
	}
	dec := f.decs[port]
	if dec == nil {
		dec = decoders.NewDecoder(decoders.Options{GTPUPorts: []uint16{port}})
		f.decs[port] = dec
	}
	return dec
}

func (f *defrag) find(k fragKey) int {
	for i, g := range f.pending {
		if g.k == k {
			return i
		}
	}
	return -1
}

func (f *defrag) add(k fragKey, now int64) int {
	var g *fragDatagram
	if n := len(f.spare); n > 0 {
		g = f.spare[n-1]
		f.spare = f.spare[:n-1]
	} else {
		g = &fragDatagram{}
	}
	g.spans.Reset()
	*g = fragDatagram{k: k, start: now, hdr: g.hdr[:0], buf: g.buf[:0], spans: g.spans, total: -1}
	f.pending = append(f.pending, g)
	return len(f.pending) - 1
}

// drop forgets pending datagram i (no-op for -1).
func (f *defrag) drop(i int) {
	if i < 0 {
		return
	}
	g := f.pending[i]
	copy(f.pending[i:], f.pending[i+1:])
	f.pending[len(f.pending)-1] = nil
	f.pending = f.pending[:len(f.pending)-1]
	if cap(g.buf) <= maxIPv4 && len(f.spare) < 8 {
		f.spare = append(f.spare, g)
	}
}

// expire drops the datagrams older than fragTimeout at now and returns how
// many fragments they held.
func (f *defrag) expire(now int64) uint64 {
	var n uint64
	for len(f.pending) > 0 && now-f.pending[0].start > fragTimeout {
		n += uint64(f.pending[0].pieces)
		f.drop(0)
	}
	return n
}
