// Package ipfrag holds what every consumer of IP fragments shares: the
// identity of a fragmented datagram, and where an IPv6 packet's fragment
// header is.
package ipfrag

import "net/netip"

// ID identifies the fragments of one IP datagram (RFC 791, RFC 8200):
// addresses, identification and protocol. Tunnelled tells a packet a
// tunnel carries from an outer one with the same fields.
type ID struct {
	Src, Dst  netip.Addr
	ID        uint32
	Proto     uint8
	Tunnelled bool
}

// IPv6FragmentHeader finds the fragment header of the IPv6 packet ip (its
// first end bytes are read) behind the extension headers that may precede
// it (hop-by-hop, routing, destination options, authentication). It
// returns the header's offset in ip and the offset of the octet that names
// it (the IPv6 header's next header field, or the preceding extension
// header's); ok is false when there is none or it is not within end.
func IPv6FragmentHeader(ip []byte, end int) (at, nextAt int, ok bool) {
	end = min(end, len(ip))
	if end < 40 {
		return 0, 0, false
	}
	next, nextAt, p := ip[6], 6, 40
	for range 16 {
		if p+2 > end {
			return 0, 0, false
		}
		switch next {
		case 0, 43, 60: // hop-by-hop, routing, destination options
			next, nextAt, p = ip[p], p, p+(int(ip[p+1])+1)*8
		case 51: // authentication header
			next, nextAt, p = ip[p], p, p+(int(ip[p+1])+2)*4
		case 44:
			if p+8 > end {
				return 0, 0, false
			}
			return p, nextAt, true
		default:
			return 0, 0, false
		}
	}
	return 0, 0, false
}
