package tcpreasm

import (
	"encoding/binary"
	"net/netip"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/internal/ipfrag"
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

// IP fragmentation splits a TCP segment over several frames in three ways:
// the segment's own IP packet is fragmented (rare: TCP sizes its segments
// to the path), the outer datagram of a G-PDU too large for the transport
// network's MTU is fragmented (the decode stage sees only the start of the
// inner packet, in the first fragment), or the tunnelled IP packet itself
// was fragmented before it entered the tunnel (each fragment travels in its
// own G-PDU, or other tunnel). tshark reassembles all of them before
// following the TCP inside, and so does the Assembler, for IPv4 and IPv6:
// it keeps the offset-0 fragment's headers (IPv6: those before the fragment
// header) and every fragment's data and, once every byte is there, decodes
// the whole packet again and observes its TCP segment as if it had arrived
// in the frame that completed it. Later fragments of outer UDP datagrams
// whose first fragment has not been seen yet are held too (they may arrive
// first), within the same bounds.

// fragDatagram is one packet waiting for fragments.
type fragDatagram struct {
	k      ipfrag.ID
	start  int64      // packet time of its first fragment seen
	hdr    []byte     // headers of the offset-0 fragment the packet keeps
	nextAt int        // IPv6: where in hdr the fragment header was named (-1: IPv4)
	next   uint8      // IPv6: the protocol after the fragment header
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

// outer reports whether d is an outer IP fragment to reassemble: a
// fragment of a TCP packet, the first fragment of a GTP-U datagram, or a
// later fragment of a UDP datagram.
func (f *defrag) outer(d *pipeline.Decoded) bool {
	if !outerFragment(d) || d.Layers&(pipeline.LayerIPv4|pipeline.LayerIPv6) == 0 ||
		(d.IP.Proto != 17 && d.IP.Proto != 6) {
		return false
	}
	if d.Flags.Has(pipeline.FlagNonFirstFragment) || d.IP.Proto == 6 {
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
		f.drop(f.find(ipfrag.ID{Src: d.IP.Src, Dst: d.IP.Dst, ID: d.IPID, Proto: 17}))
	}
	return false
}

// innerFragment returns the frame offset of the tunnelled IP header of d
// (in any tunnel) when it is a fragment of a TCP packet, else -1.
func innerFragment(d *pipeline.Decoded) int {
	if d.Layers&(pipeline.LayerInnerIPv4|pipeline.LayerInnerIPv6) == 0 || d.Inner.Proto != 6 ||
		outerFragment(d) || (d.InnerFragOffset == 0 && !d.InnerMoreFragments) {
		return -1
	}
	return int(d.InnerIPOffset)
}

// ipFragment is what one IP fragment says of itself.
type ipFragment struct {
	k ipfrag.ID
	// kept is the length of the headers the reassembled packet keeps: the
	// IPv4 header, or the IPv6 header and the extension headers before
	// the fragment header; data is the fragment's data, at offset lo.
	kept   int
	data   []byte
	lo     int
	more   bool
	nextAt int   // IPv6: offset of the byte that names the fragment header (-1: IPv4)
	next   uint8 // IPv6: the protocol after the fragment header
}

// parseFragment reads the IP fragment at b (an outer one, or a tunnelled
// one when inner). It reports false when b is not a whole fragment: cut by
// the snap length, or inconsistent.
func parseFragment(b []byte, inner bool) (ipFragment, bool) {
	switch {
	case len(b) >= 20 && b[0]>>4 == 4:
		ihl := int(b[0]&0x0f) * 4
		total := int(binary.BigEndian.Uint16(b[2:]))
		fo := binary.BigEndian.Uint16(b[6:])
		if ihl < 20 || total < ihl || total > len(b) {
			return ipFragment{}, false
		}
		return ipFragment{
			k: ipfrag.ID{Src: netip.AddrFrom4([4]byte(b[12:16])), Dst: netip.AddrFrom4([4]byte(b[16:20])),
				ID: uint32(binary.BigEndian.Uint16(b[4:])), Proto: b[9], Tunnelled: inner},
			kept: ihl, data: b[ihl:total], lo: int(fo&0x1fff) * 8, more: fo&0x2000 != 0, nextAt: -1,
		}, true
	case len(b) >= 40 && b[0]>>4 == 6:
		total := 40 + int(binary.BigEndian.Uint16(b[4:]))
		p, nextAt, ok := ipfrag.IPv6FragmentHeader(b, total)
		if total > len(b) || !ok {
			return ipFragment{}, false
		}
		fo := binary.BigEndian.Uint16(b[p+2:])
		return ipFragment{
			k: ipfrag.ID{Src: netip.AddrFrom16([16]byte(b[8:24])), Dst: netip.AddrFrom16([16]byte(b[24:40])),
				ID: binary.BigEndian.Uint32(b[p+4:]), Proto: b[p], Tunnelled: inner},
			kept: p, data: b[p+8 : total], lo: int(fo &^ 7), more: fo&1 != 0, nextAt: nextAt, next: b[p],
		}, true
	}
	return ipFragment{}, false
}

// fragment adds the IP fragment at data[ipOff:] of packet p (an outer
// one, or the tunnelled one when inner) to its packet and, when that makes
// the packet whole, observes the TCP segment it carries.
func (a *Assembler) fragment(p *pipeline.Packet, data []byte, ipOff int, inner bool) {
	f := &a.defrag
	now := p.Timestamp
	a.stats.Fragments++
	a.stats.FragmentsDropped += f.expire(now)
	fr, ok := parseFragment(data[min(ipOff, len(data)):], inner)
	if !ok {
		// Cut by the snap length (or inconsistent): its packet can
		// never be whole.
		a.stats.FragmentsDropped++
		if fr, ok := fragmentKey(&p.Decoded, inner); ok {
			f.drop(f.find(fr))
		}
		return
	}
	i := f.find(fr.k)
	if i < 0 {
		if len(f.pending) >= maxFragDatagrams {
			a.stats.FragmentsDropped += uint64(f.pending[0].pieces)
			f.drop(0)
		}
		i = f.add(fr.k, now)
	}
	g := f.pending[i]
	lo, hi := fr.lo, fr.lo+len(fr.data)
	if hi > maxIPv4-fr.kept || g.pieces >= maxFragPieces || (!fr.more && g.total >= 0 && g.total != hi) {
		a.stats.FragmentsDropped += uint64(g.pieces) + 1
		f.drop(i)
		return
	}
	if lo == 0 {
		g.hdr, g.first = append(g.hdr[:0], data[ipOff:ipOff+fr.kept]...), true
		g.nextAt, g.next = fr.nextAt, fr.next
		if d := &p.Decoded; !inner {
			g.port = d.IP.DstPort
			if d.IP.DstPort != decoders.DefaultGTPUPort && d.IP.SrcPort == decoders.DefaultGTPUPort {
				g.port = d.IP.SrcPort
			}
		}
	}
	if !fr.more {
		g.total = hi
	}
	if hi > len(g.buf) {
		g.buf = append(g.buf, make([]byte, hi-len(g.buf))...)
	}
	copy(g.buf[lo:hi], fr.data)
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
	if off := innerFragment(&pk.Decoded); !inner && off >= 0 {
		a.fragment(pk, frame, off, true)
		return
	}
	if v, ok := viewOf(&pk.Decoded); ok {
		v.tunnelled = v.tunnelled || inner
		a.observe(pk, &v, frame, nil)
	}
}

// fragmentKey returns the key of the fragment d's decoder saw at the level
// inner says, for a fragment too damaged to parse.
func fragmentKey(d *pipeline.Decoded, inner bool) (ipfrag.ID, bool) {
	if inner {
		return ipfrag.ID{Src: d.Inner.Src, Dst: d.Inner.Dst, ID: d.InnerIPID, Proto: d.Inner.Proto, Tunnelled: true}, d.Inner.Src.IsValid()
	}
	return ipfrag.ID{Src: d.IP.Src, Dst: d.IP.Dst, ID: d.IPID, Proto: d.IP.Proto}, d.IP.Src.IsValid()
}

// rebuild returns the whole packet g as an unfragmented IPv4 or IPv6
// packet (in a buffer reused by the next call).
func (f *defrag) rebuild(g *fragDatagram, level int) []byte {
	n := len(g.hdr) + g.total
	out := append(f.out[level][:0], g.hdr...)
	out = append(out, g.buf[:g.total]...)
	if g.nextAt < 0 {
		binary.BigEndian.PutUint16(out[2:], uint16(n))
		out[6], out[7] = 0, 0 // no fragment flags or offset
		out[10], out[11] = 0, 0
	} else {
		binary.BigEndian.PutUint16(out[4:], uint16(n-40))
		out[g.nextAt] = g.next // the fragment header is gone
	}
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

func (f *defrag) find(k ipfrag.ID) int {
	for i, g := range f.pending {
		if g.k == k {
			return i
		}
	}
	return -1
}

func (f *defrag) add(k ipfrag.ID, now int64) int {
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
