package decoders

import (
	"github.com/gopacket/gopacket"
	"github.com/pcapflow/pcapflow/pipeline"
)

const (
	tcpMinLen   = 20
	udpLen      = 8
	sctpLen     = 12
	icmpv4Len   = 8
	icmpv6Base  = 4
	icmpQuoteAt = 8 // ICMP errors quote the offending packet after 8 bytes
)

// decodeTransport decodes the transport header of protocol proto at
// data[off:]; data ends where the IP packet ends (or the capture does, in
// which case bounded is true).
func (d *Decoder) decodeTransport(data []byte, off int, proto uint8, bounded, inner bool, out *pipeline.Decoded) {
	switch proto {
	case protoTCP:
		d.decodeTCP(data, off, bounded, inner, out)
	case protoUDP:
		d.decodeUDP(data, off, bounded, inner, out)
	case protoSCTP:
		d.decodeSCTP(data, off, bounded, inner, out)
	case protoICMPv4:
		d.decodeICMPv4(data, off, bounded, inner, out)
	case protoICMPv6:
		d.decodeICMPv6(data, off, bounded, inner, out)
	case protoGRE:
		if !inner {
			d.innerBase = 0
			d.decodeGRE(data, off, bounded, out)
		}
	case protoIPIP, protoIPv6:
		if !inner {
			d.innerBase = 0
			d.decodeIPinIP(data, off, proto, out)
		}
	}
}

// ports copies the first four bytes of a transport header (source and
// destination port for TCP, UDP and SCTP) when they are present.
func ports(b []byte, flow *pipeline.Flow) {
	if len(b) >= 4 {
		flow.SrcPort = be16(b[0:2])
		flow.DstPort = be16(b[2:4])
	}
}

// payload records the transport payload data[start:] of the outer or the
// tunnelled (inner) packet. Inner offsets are made relative to the frame
// with innerBase, the frame offset of the tunnel's payload slice.
func (d *Decoder) payload(data []byte, start int, inner bool, out *pipeline.Decoded) {
	if inner {
		out.InnerPayloadOffset = uint32(d.innerBase + start)
		out.InnerPayloadLen = uint32(len(data) - start)
		return
	}
	out.PayloadOffset = uint32(start)
	out.PayloadLen = uint32(len(data) - start)
}

func (d *Decoder) decodeTCP(data []byte, off int, bounded, inner bool, out *pipeline.Decoded) {
	b := data[off:]
	flow, bits := level(out, inner)
	ports(b, flow)
	if len(b) < tcpMinLen {
		d.short(bounded, out)
		return
	}
	out.Layers |= bits.tcp
	if inner {
		out.InnerTCPSeq = be32(b[4:8])
		out.InnerTCPAck = be32(b[8:12])
		out.InnerTCPFlags = uint16(b[13]) | uint16(b[12]&1)<<8
		out.InnerTCPWindow = be16(b[14:16])
	} else {
		out.TCPSeq = be32(b[4:8])
		out.TCPAck = be32(b[8:12])
		out.TCPFlags = uint16(b[13]) | uint16(b[12]&1)<<8
		out.TCPWindow = be16(b[14:16])
	}
	hlen := int(b[12]>>4) * 4
	if hlen < tcpMinLen {
		out.Flags |= pipeline.FlagMalformed
		return
	}
	if hlen > len(b) {
		d.short(bounded, out)
		return
	}
	d.payload(data, off+hlen, inner, out)
}

func (d *Decoder) decodeUDP(data []byte, off int, bounded, inner bool, out *pipeline.Decoded) {
	b := data[off:]
	flow, bits := level(out, inner)
	ports(b, flow)
	if len(b) < udpLen {
		d.short(bounded, out)
		return
	}
	out.Layers |= bits.udp
	ulen := int(be16(b[4:6]))
	if ulen != 0 && ulen < udpLen {
		out.Flags |= pipeline.FlagMalformed
		return
	}
	if ulen > len(b) && !bounded && !d.firstFragment {
		out.Flags |= pipeline.FlagMalformed // longer than its IP packet
	}
	// The payload is what the length field covers, cut at the data's
	// end; length 0 (a jumbogram) takes the rest of the data.
	body := b[udpLen:]
	if ulen != 0 {
		body = b[udpLen:min(ulen, len(b))]
	}
	start := off + udpLen
	if inner {
		out.InnerPayloadOffset = uint32(d.innerBase + start)
		out.InnerPayloadLen = uint32(len(body))
		return
	}
	out.PayloadOffset = uint32(start)
	out.PayloadLen = uint32(len(body))
	d.udpPayload(flow.SrcPort, flow.DstPort, data[:start+len(body)], start, out)
}

func (d *Decoder) decodeSCTP(data []byte, off int, bounded, inner bool, out *pipeline.Decoded) {
	b := data[off:]
	flow, bits := level(out, inner)
	ports(b, flow)
	if len(b) < sctpLen {
		d.short(bounded, out)
		return
	}
	out.Layers |= bits.sctp
	d.payload(data, off+sctpLen, inner, out)
}

// isICMPv4Error reports whether an ICMPv4 type quotes the packet that caused
// it: destination unreachable, source quench, redirect, time exceeded and
// parameter problem.
func isICMPv4Error(t uint8) bool {
	switch t {
	case 3, 4, 5, 11, 12:
		return true
	}
	return false
}

func (d *Decoder) decodeICMPv4(data []byte, off int, bounded, inner bool, out *pipeline.Decoded) {
	b := data[off:]
	if len(b) < icmpv4Len {
		d.short(bounded, out)
		return
	}
	_ = d.icmp4.DecodeFromBytes(b, gopacket.NilDecodeFeedback) // cannot fail: length checked
	_, bits := level(out, inner)
	out.Layers |= bits.icmp4
	if inner {
		out.InnerICMPType, out.InnerICMPCode = d.icmp4.TypeCode.Type(), d.icmp4.TypeCode.Code()
		return
	}
	out.ICMPType = d.icmp4.TypeCode.Type()
	out.ICMPCode = d.icmp4.TypeCode.Code()
	if isICMPv4Error(out.ICMPType) && quotesIP(b[icmpQuoteAt:]) {
		out.Flags |= pipeline.FlagInICMPError
	}
	d.payload(data, off+icmpv4Len, inner, out)
}

func (d *Decoder) decodeICMPv6(data []byte, off int, bounded, inner bool, out *pipeline.Decoded) {
	b := data[off:]
	if len(b) < icmpv6Base {
		d.short(bounded, out)
		return
	}
	_ = d.icmp6.DecodeFromBytes(b, gopacket.NilDecodeFeedback) // cannot fail: length checked
	_, bits := level(out, inner)
	out.Layers |= bits.icmp6
	if inner {
		out.InnerICMPType, out.InnerICMPCode = d.icmp6.TypeCode.Type(), d.icmp6.TypeCode.Code()
		return
	}
	out.ICMPType = d.icmp6.TypeCode.Type()
	out.ICMPCode = d.icmp6.TypeCode.Code()
	// Every ICMPv6 message has 4 type-specific bytes after the base header
	// (echo id and sequence, MTU, pointer, unused); the payload follows them.
	start := off + min(len(b), icmpQuoteAt)
	// Types below 128 are errors quoting the offending packet.
	if out.ICMPType < 128 && len(b) > icmpQuoteAt && quotesIP(b[icmpQuoteAt:]) {
		out.Flags |= pipeline.FlagInICMPError
	}
	d.payload(data, start, inner, out)
}

// quotesIP reports whether q starts like an IPv4 or IPv6 header.
func quotesIP(q []byte) bool {
	if len(q) == 0 {
		return false
	}
	v := q[0] >> 4
	return v == 4 || v == 6
}
