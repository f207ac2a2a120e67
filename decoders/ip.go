package decoders

import (
	"math"
	"net/netip"

	"github.com/pcapflow/pcapflow/pipeline"
)

// layerBits names the Layers bits of one nesting level: the outermost
// headers, or the packet inside a tunnel.
type layerBits struct {
	ipv4, ipv6, tcp, udp, icmp4, icmp6, sctp pipeline.Layers
}

var (
	outerBits = layerBits{
		ipv4: pipeline.LayerIPv4, ipv6: pipeline.LayerIPv6,
		tcp: pipeline.LayerTCP, udp: pipeline.LayerUDP,
		icmp4: pipeline.LayerICMPv4, icmp6: pipeline.LayerICMPv6,
		sctp: pipeline.LayerSCTP,
	}
	// innerBits has no SCTP bit: pipeline.Layers defines none for tunnels.
	innerBits = layerBits{
		ipv4: pipeline.LayerInnerIPv4, ipv6: pipeline.LayerInnerIPv6,
		tcp: pipeline.LayerInnerTCP, udp: pipeline.LayerInnerUDP,
		icmp4: pipeline.LayerInnerICMP, icmp6: pipeline.LayerInnerICMP,
	}
)

// level returns the flow and layer bits that the headers of one nesting
// level fill: out.IP for the outermost packet, out.Inner for a tunnelled one.
// Fields that Decoded keeps only for the outermost packet (TTL, fragment,
// TCP and ICMP details, payload location) are written only when !inner.
func level(out *pipeline.Decoded, inner bool) (*pipeline.Flow, *layerBits) {
	if inner {
		return &out.Inner, &innerBits
	}
	return &out.IP, &outerBits
}

// IP protocol numbers the decoder acts on.
const (
	protoHopByHop = 0
	protoICMPv4   = 1
	protoTCP      = 6
	protoUDP      = 17
	protoRouting  = 43
	protoFragment = 44
	protoAH       = 51
	protoICMPv6   = 58
	protoDstOpts  = 60
	protoSCTP     = 132
)

const (
	ipv4MinLen = 20
	ipv6Len    = 40
	// maxExtHeaders bounds the IPv6 extension header walk; real packets
	// carry a handful at most.
	maxExtHeaders = 16
)

// locate records the frame offset of the IP header at off (IPOffset or
// InnerIPOffset). An offset past 65535, which only a frame of thousands of
// VLAN tags or labels could give, is malformed and ends the decoding.
func (d *Decoder) locate(off int, inner bool, out *pipeline.Decoded) bool {
	if inner {
		off += d.innerBase
	}
	if off > math.MaxUint16 {
		out.Flags |= pipeline.FlagMalformed
		return false
	}
	if inner {
		out.InnerIPOffset = uint16(off)
	} else {
		out.IPOffset = uint16(off)
	}
	return true
}

// decodeIPv4 decodes the IPv4 header at data[off:] and what it carries.
func (d *Decoder) decodeIPv4(data []byte, off int, inner bool, out *pipeline.Decoded) {
	b := data[off:]
	if len(b) > 0 && b[0]>>4 != 4 {
		out.Flags |= pipeline.FlagMalformed
		return
	}
	if len(b) < ipv4MinLen {
		d.short(true, out)
		return
	}
	if !d.locate(off, inner, out) {
		return
	}
	flow, bits := level(out, inner)
	out.Layers |= bits.ipv4
	flow.Src = netip.AddrFrom4([4]byte(b[12:16]))
	flow.Dst = netip.AddrFrom4([4]byte(b[16:20]))
	flow.Proto = b[9]
	frag := be16(b[6:8])
	fragOff := (frag & 0x1fff) << 3
	if !inner {
		out.TTL = b[8]
		out.IPID = uint32(be16(b[4:6]))
		out.IPLen = uint32(be16(b[2:4]))
		if frag&0x3fff != 0 {
			out.Layers |= pipeline.LayerFragment
			out.FragOffset = fragOff
			out.MoreFragments = frag&0x2000 != 0
		}
	} else {
		out.InnerIPLen = be16(b[2:4])
		if frag&0x3fff != 0 {
			out.InnerIPID = uint32(be16(b[4:6]))
			out.InnerFragOffset = fragOff
			out.InnerMoreFragments = frag&0x2000 != 0
		}
	}
	ihl := int(b[0]&0x0f) * 4
	if ihl < ipv4MinLen {
		out.Flags |= pipeline.FlagMalformed
		return
	}
	if ihl > len(b) {
		d.short(true, out)
		return
	}
	total := int(be16(b[2:4]))
	if total == 0 {
		total = len(b) // segmentation offload leaves the length unset
	} else if total < ihl {
		out.Flags |= pipeline.FlagMalformed
		return
	}
	end, bounded := d.ipEnd(data, off+total, out)
	if fragOff != 0 {
		if !inner {
			out.Flags |= pipeline.FlagNonFirstFragment
		}
		d.payload(data[:end], off+ihl, inner, out)
		return
	}
	d.firstFragment = frag&0x2000 != 0
	d.decodeTransport(data[:end], off+ihl, flow.Proto, bounded, inner, out)
}

// ipEnd clips the end of an IP packet declared by its header to the captured
// bytes. bounded reports whether the capture, not the header, set the limit;
// a declared length beyond an uncut frame is malformed.
func (d *Decoder) ipEnd(data []byte, declared int, out *pipeline.Decoded) (end int, bounded bool) {
	if declared <= len(data) {
		return declared, false
	}
	if !d.cut {
		out.Flags |= pipeline.FlagMalformed
	}
	return len(data), true
}

// decodeIPv6 decodes the IPv6 header at data[off:], walks its extension
// headers and decodes the transport header.
func (d *Decoder) decodeIPv6(data []byte, off int, inner bool, out *pipeline.Decoded) {
	b := data[off:]
	if len(b) > 0 && b[0]>>4 != 6 {
		out.Flags |= pipeline.FlagMalformed
		return
	}
	if len(b) < ipv6Len {
		d.short(true, out)
		return
	}
	if !d.locate(off, inner, out) {
		return
	}
	flow, bits := level(out, inner)
	out.Layers |= bits.ipv6
	flow.Src = netip.AddrFrom16([16]byte(b[8:24]))
	flow.Dst = netip.AddrFrom16([16]byte(b[24:40]))
	next := b[6]
	flow.Proto = next
	plen := int(be16(b[4:6]))
	if inner {
		if plen != 0 && plen <= math.MaxUint16-ipv6Len {
			out.InnerIPLen = uint16(ipv6Len + plen)
		}
	} else {
		out.TTL = b[7]
		if plen != 0 {
			out.IPLen = uint32(ipv6Len + plen)
		}
	}
	var end int
	var bounded bool
	if plen == 0 && next == protoHopByHop {
		end, bounded = len(data), true // jumbogram: the length is in an option
	} else {
		end, bounded = d.ipEnd(data, off+ipv6Len+plen, out)
	}
	data = data[:end]
	p := off + ipv6Len
	d.firstFragment = false
	for range maxExtHeaders {
		var hlen int
		switch next {
		case protoHopByHop, protoRouting, protoDstOpts:
			if len(data)-p < 2 {
				d.short(bounded, out)
				return
			}
			hlen = (int(data[p+1]) + 1) * 8
		case protoAH:
			if len(data)-p < 2 {
				d.short(bounded, out)
				return
			}
			hlen = (int(data[p+1]) + 2) * 4
		case protoFragment:
			hlen = 8
			if len(data)-p < hlen {
				d.short(bounded, out)
				return
			}
			fo := be16(data[p+2 : p+4])
			if !inner {
				out.Layers |= pipeline.LayerFragment
				out.IPID = be32(data[p+4 : p+8])
				out.FragOffset = fo &^ 7
				out.MoreFragments = fo&1 != 0
			} else {
				out.InnerIPID = be32(data[p+4 : p+8])
				out.InnerFragOffset = fo &^ 7
				out.InnerMoreFragments = fo&1 != 0
			}
			d.firstFragment = fo&1 != 0
			if fo&^7 != 0 {
				flow.Proto = data[p]
				if !inner {
					out.Flags |= pipeline.FlagNonFirstFragment
				}
				d.payload(data, p+hlen, inner, out)
				return
			}
		default:
			flow.Proto = next
			d.decodeTransport(data, p, next, bounded, inner, out)
			return
		}
		if len(data)-p < hlen {
			d.short(bounded, out)
			return
		}
		next = data[p]
		flow.Proto = next
		p += hlen
	}
	out.Flags |= pipeline.FlagMalformed // extension header chain too long
}
