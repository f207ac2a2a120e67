package flows

import (
	"encoding/binary"

	"github.com/pcapflow/pcapflow/internal/ipfrag"
	"github.com/pcapflow/pcapflow/pipeline"
)

// segment is what the table reads of one level of a packet: its outer
// headers, or the packet a tunnel (GTP-U, VXLAN, Geneve, GRE, IP in IP)
// carries. It holds no pointer into the packet (which would make the
// packet escape to the heap): its tuple, TCP and ICMP fields are read from
// the Decoded value by the methods below.
type segment struct {
	tunnelled bool
	// tcp and icmp say that a TCP or ICMP header was decoded.
	tcp, icmp bool
	// ipLen is the IP packet's length: as its header declares it when
	// ipOK, else the bytes on the wire from the IP header on.
	ipOK  bool
	ipLen uint32
	// payload is the transport payload length, from the IP length when
	// the snap length cut the packet; payOff and payLen locate the
	// captured payload in the frame.
	payload        uint32
	payOff, payLen uint32
	// frag says whether the IP packet is a fragment (fragFirst: offset 0,
	// more follow; fragLater: offset > 0); fragLo and fragHi are the range
	// of the datagram's data it holds, fragLast is set on the last one
	// (more fragments bit clear), fragID is its identification. A first
	// fragment's fragKept is the length of its headers that the
	// reassembled packet keeps (an IPv6 fragment header is dropped).
	frag           uint8
	fragLast       bool
	fragID         uint32
	fragLo, fragHi uint32
	fragKept       uint32
}

// Fragment kinds of a segment.
const (
	fragNone = iota
	fragFirst
	fragLater
)

// outer sets s to the segment of p's outer headers (captured bytes data).
func (s *segment) outer(p *pipeline.Packet, data []byte) {
	d := &p.Decoded
	*s = segment{payOff: d.PayloadOffset, payLen: d.PayloadLen,
		tcp:  d.IP.Proto == 6 && d.Layers.Has(pipeline.LayerTCP),
		icmp: (d.IP.Proto == 1 && d.Layers.Has(pipeline.LayerICMPv4)) || (d.IP.Proto == 58 && d.Layers.Has(pipeline.LayerICMPv6))}
	s.ipLen, s.ipOK = ipLen(p)
	s.setPayload(uint32(d.IPOffset), d.Layers&(pipeline.LayerTCP|pipeline.LayerUDP) != 0)
	if d.Layers.Has(pipeline.LayerFragment) {
		s.setFragment(data, int(d.IPOffset), d.Layers.Has(pipeline.LayerIPv6), d.IPID, d.FragOffset, d.MoreFragments)
	}
}

// inner sets s to the segment of p's tunnelled packet (captured bytes
// data), whose IP length is read from its header.
func (s *segment) inner(p *pipeline.Packet, data []byte) {
	d := &p.Decoded
	*s = segment{tunnelled: true, payOff: d.InnerPayloadOffset, payLen: d.InnerPayloadLen,
		tcp:  d.Inner.Proto == 6 && d.Layers.Has(pipeline.LayerInnerTCP),
		icmp: (d.Inner.Proto == 1 || d.Inner.Proto == 58) && d.Layers.Has(pipeline.LayerInnerICMP)}
	off := int(d.InnerIPOffset)
	s.ipLen = uint32(d.InnerIPLen)
	switch {
	case s.ipLen != 0:
		// The decoder read it: the packet's bytes need not be touched.
	case d.Layers.Has(pipeline.LayerInnerIPv4) && off+4 <= len(data):
		s.ipLen = uint32(binary.BigEndian.Uint16(data[off+2:]))
	case d.Layers.Has(pipeline.LayerInnerIPv6) && off+6 <= len(data):
		if n := uint32(binary.BigEndian.Uint16(data[off+4:])); n != 0 {
			s.ipLen = 40 + n
		}
	}
	s.ipOK = s.ipLen != 0
	if !s.ipOK && uint32(off) < p.OrigLen {
		s.ipLen = p.OrigLen - uint32(off)
	}
	s.setPayload(uint32(off), d.Layers&(pipeline.LayerInnerTCP|pipeline.LayerInnerUDP) != 0)
	if d.InnerFragOffset != 0 || d.InnerMoreFragments {
		s.setFragment(data, off, d.Layers.Has(pipeline.LayerInnerIPv6), d.InnerIPID, d.InnerFragOffset, d.InnerMoreFragments)
	}
}

// setFragment marks s as the fragment of datagram id at offset fragOff
// (bytes) whose IP header is at data[ipOff:]. A fragment whose data length
// cannot be told (no IP length, a first fragment's headers not captured)
// is left unmarked: it counts as a packet of its own.
func (s *segment) setFragment(data []byte, ipOff int, v6 bool, id uint32, fragOff uint16, more bool) {
	if !s.ipOK || (fragOff == 0 && !more) {
		return
	}
	var hdr int
	if fragOff != 0 {
		// The decoder located the fragment's data as its payload.
		hdr = int(s.payOff) - ipOff
	} else {
		var ok bool
		if hdr, ok = fragDataOffset(data, ipOff, v6); !ok {
			return
		}
	}
	if hdr < 0 || uint32(hdr) > s.ipLen {
		return
	}
	s.frag, s.fragLast, s.fragID = fragFirst, !more, id
	if fragOff != 0 {
		s.frag = fragLater
	}
	s.fragLo = uint32(fragOff)
	s.fragHi = s.fragLo + s.ipLen - uint32(hdr)
	s.fragKept = uint32(hdr)
	if v6 {
		s.fragKept -= 8
	}
}

// fragDataOffset returns where a first fragment's data starts, counted from
// its IP header at data[off:]: after the IPv4 header, or after the IPv6
// fragment header and the extension headers before it.
func fragDataOffset(data []byte, off int, v6 bool) (int, bool) {
	if off >= len(data) {
		return 0, false
	}
	if !v6 {
		return int(data[off]&0x0f) * 4, true
	}
	at, _, ok := ipfrag.IPv6FragmentHeader(data[off:], len(data)-off)
	return at + 8, ok
}

// tuple returns the segment's addresses, ports and protocol in d.
func (s *segment) tuple(d *pipeline.Decoded) *pipeline.Flow {
	if s.tunnelled {
		return &d.Inner
	}
	return &d.IP
}

// tcpHeader returns the segment's TCP flags, sequence and acknowledgement
// numbers and window in d.
func (s *segment) tcpHeader(d *pipeline.Decoded) (flags uint16, seq, ack uint32, win uint16) {
	if s.tunnelled {
		return d.InnerTCPFlags, d.InnerTCPSeq, d.InnerTCPAck, d.InnerTCPWindow
	}
	return d.TCPFlags, d.TCPSeq, d.TCPAck, d.TCPWindow
}

// icmpTypeCode returns the segment's ICMP type and code in d.
func (s *segment) icmpTypeCode(d *pipeline.Decoded) (uint8, uint8) {
	if s.tunnelled {
		return d.InnerICMPType, d.InnerICMPCode
	}
	return d.ICMPType, d.ICMPCode
}

// setPayload sets the payload length: the captured one, or for TCP and UDP
// what the IP length (header at frame offset ipOff) leaves after the
// headers, which counts payload cut by the snap length and never the link
// layer's padding.
func (s *segment) setPayload(ipOff uint32, l4 bool) {
	s.payload = s.payLen
	if s.ipOK && l4 && s.payOff >= ipOff {
		if hdr := s.payOff - ipOff; s.ipLen >= hdr {
			s.payload = s.ipLen - hdr
		}
	}
}
