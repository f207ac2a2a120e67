package traceroute

import (
	"encoding/binary"
	"net/netip"
)

// Protocol numbers of probes.
const (
	ProtoICMP   = 1
	ProtoUDP    = 17
	ProtoICMPv6 = 58
)

// Key identifies one probe.
type Key struct {
	Src, Dst netip.Addr
	// Proto is ProtoICMP/ProtoICMPv6 (echo) or ProtoUDP.
	Proto uint8
	// A and B are the echo identifier and sequence number, or the UDP
	// source and destination ports.
	A, B uint16
}

// Kind says what an answer means for the trace.
type Kind uint8

// Answer kinds.
const (
	// NotAnswer: the packet answers no probe.
	NotAnswer Kind = iota
	// TimeExceeded: a router on the way (TTL ran out).
	TimeExceeded
	// Reached: the target answered (echo reply, or port unreachable to a
	// UDP probe).
	Reached
	// Unreachable: a router or the target says the target cannot be
	// reached (any other destination unreachable).
	Unreachable
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case TimeExceeded:
		return "time-exceeded"
	case Reached:
		return "reached"
	case Unreachable:
		return "unreachable"
	}
	return "none"
}

// MarshalText returns the kind's name (for JSON).
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Answer is what Classify found in an IP packet.
type Answer struct {
	Kind Kind
	// From is the answering address (the packet's source).
	From netip.Addr
	// Probe is the key of the probe answered.
	Probe Key
	// Code is the ICMP code (unreachable reasons).
	Code uint8
}

// ipInfo is the part of an IP header the matcher needs.
type ipInfo struct {
	src, dst netip.Addr
	proto    uint8
	ttl      uint8
	l4       []byte // the transport header and what follows
	first    bool   // not a non-first fragment
}

// parseIP reads an IPv4 or IPv6 header (without extension headers) at the
// start of b. It never reads past b.
func parseIP(b []byte) (ipInfo, bool) {
	if len(b) < 1 {
		return ipInfo{}, false
	}
	switch b[0] >> 4 {
	case 4:
		ihl := int(b[0]&0x0f) * 4
		if ihl < 20 || len(b) < ihl {
			return ipInfo{}, false
		}
		return ipInfo{
			src: netip.AddrFrom4([4]byte(b[12:16])), dst: netip.AddrFrom4([4]byte(b[16:20])),
			proto: b[9], ttl: b[8], l4: b[ihl:], first: binary.BigEndian.Uint16(b[6:8])&0x1fff == 0,
		}, true
	case 6:
		if len(b) < 40 {
			return ipInfo{}, false
		}
		return ipInfo{
			src: netip.AddrFrom16([16]byte(b[8:24])), dst: netip.AddrFrom16([16]byte(b[24:40])),
			proto: b[6], ttl: b[7], l4: b[40:], first: true,
		}, true
	}
	return ipInfo{}, false
}

// ProbeKeyOf returns the key of the IP packet ip when it can be a probe (an
// echo request or a UDP datagram), and its TTL.
func ProbeKeyOf(ip []byte) (Key, uint8, bool) {
	h, ok := parseIP(ip)
	if !ok || !h.first || len(h.l4) < 8 {
		return Key{}, 0, false
	}
	k := Key{Src: h.src, Dst: h.dst, Proto: h.proto}
	switch {
	case h.proto == ProtoUDP:
	case h.proto == ProtoICMP && h.src.Is4() && h.l4[0] == 8 && h.l4[1] == 0:
	case h.proto == ProtoICMPv6 && h.src.Is6() && h.l4[0] == 128 && h.l4[1] == 0:
	default:
		return Key{}, 0, false
	}
	k.A, k.B = binary.BigEndian.Uint16(h.l4[4:6]), binary.BigEndian.Uint16(h.l4[6:8])
	if h.proto == ProtoUDP {
		k.A, k.B = binary.BigEndian.Uint16(h.l4[0:2]), binary.BigEndian.Uint16(h.l4[2:4])
	}
	return k, h.ttl, true
}

// quotedKey returns the probe key of the packet quoted in an ICMP error.
func quotedKey(q []byte) (Key, bool) {
	h, ok := parseIP(q)
	if !ok || len(h.l4) < 8 {
		return Key{}, false
	}
	k := Key{Src: h.src, Dst: h.dst, Proto: h.proto}
	switch h.proto {
	case ProtoUDP:
		k.A, k.B = binary.BigEndian.Uint16(h.l4[0:2]), binary.BigEndian.Uint16(h.l4[2:4])
	case ProtoICMP, ProtoICMPv6:
		k.A, k.B = binary.BigEndian.Uint16(h.l4[4:6]), binary.BigEndian.Uint16(h.l4[6:8])
	default:
		return Key{}, false
	}
	return k, true
}

// Classify says whether the IP packet ip answers a probe, and which.
func Classify(ip []byte) Answer {
	h, ok := parseIP(ip)
	if !ok || !h.first || len(h.l4) < 8 {
		return Answer{}
	}
	m := h.l4
	a := Answer{From: h.src, Code: m[1]}
	var quoted bool
	switch {
	case h.proto == ProtoICMP && h.src.Is4():
		switch m[0] {
		case 0: // echo reply: the reverse of the request's addresses
			a.Kind = Reached
			a.Probe = Key{Src: h.dst, Dst: h.src, Proto: ProtoICMP, A: binary.BigEndian.Uint16(m[4:6]), B: binary.BigEndian.Uint16(m[6:8])}
			return a
		case 11:
			a.Kind, quoted = TimeExceeded, true
		case 3:
			a.Kind, quoted = Unreachable, true
			if m[1] == 3 {
				a.Kind = Reached
			}
		}
	case h.proto == ProtoICMPv6 && h.src.Is6():
		switch m[0] {
		case 129:
			a.Kind = Reached
			a.Probe = Key{Src: h.dst, Dst: h.src, Proto: ProtoICMPv6, A: binary.BigEndian.Uint16(m[4:6]), B: binary.BigEndian.Uint16(m[6:8])}
			return a
		case 3:
			a.Kind, quoted = TimeExceeded, true
		case 1:
			a.Kind, quoted = Unreachable, true
			if m[1] == 4 {
				a.Kind = Reached
			}
		}
	}
	if !quoted {
		return Answer{}
	}
	k, ok := quotedKey(m[8:])
	if !ok {
		return Answer{}
	}
	a.Probe = k
	if a.Kind == Reached && a.From != k.Dst {
		// A port unreachable from a router, not the target.
		a.Kind = Unreachable
	}
	return a
}
