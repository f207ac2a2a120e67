package flows

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"net/netip"
)

// icmpPartner and icmp6Partner map ICMP and ICMPv6 request and response
// types to their partner type plus one (0 when a type has none): arrays,
// as ICMP packets look them up one by one.
var (
	icmpPartner  = partners(8, 0, 13, 14, 15, 16, 10, 9, 17, 18)
	icmp6Partner = partners(128, 129, 133, 134, 135, 136, 130, 131, 139, 140, 144, 145)
)

// partners builds a partner table from pairs of types.
func partners(pairs ...uint8) *[256]uint16 {
	var t [256]uint16
	for i := 0; i+1 < len(pairs); i += 2 {
		t[pairs[i]] = uint16(pairs[i+1]) + 1
		t[pairs[i+1]] = uint16(pairs[i]) + 1
	}
	return &t
}

// icmpPorts returns the Community ID port equivalents of an ICMP type and
// code, and whether the message is one-way (has no counterpart).
func icmpPorts(proto, typ, code uint8) (uint16, uint16, bool) {
	m := icmpPartner
	if proto == 58 {
		m = icmp6Partner
	}
	if c := m[typ]; c != 0 {
		return uint16(typ), c - 1, false
	}
	return uint16(typ), uint16(code), true
}

func hasPorts(proto uint8) bool {
	return proto == 6 || proto == 17 || proto == 132 || proto == 136
}

// CommunityID returns the Community ID v1 of a flow from src to dst. For
// ICMP (1) and ICMPv6 (58) sport and dport are the type and code. Protocols
// other than TCP, UDP, SCTP, UDP-Lite and ICMP hash without ports.
func CommunityID(seed uint16, src, dst netip.Addr, proto uint8, sport, dport uint16) string {
	oneWay := false
	if proto == 1 || proto == 58 {
		sport, dport, oneWay = icmpPorts(proto, uint8(sport), uint8(dport))
	}
	ported := hasPorts(proto) || proto == 1 || proto == 58
	if !oneWay {
		if c := src.Compare(dst); c > 0 || (c == 0 && ported && sport > dport) {
			src, dst, sport, dport = dst, src, dport, sport
		}
	}
	var buf [2 + 16 + 16 + 2 + 4]byte
	b := binary.BigEndian.AppendUint16(buf[:0], seed)
	b = appendAddr(b, src)
	b = appendAddr(b, dst)
	b = append(b, proto, 0)
	if ported {
		b = binary.BigEndian.AppendUint16(b, sport)
		b = binary.BigEndian.AppendUint16(b, dport)
	}
	sum := sha1.Sum(b)
	// "1:" and the base64 of the 20-byte digest, built in place so that
	// the string is the only allocation.
	var out [2 + 28]byte
	copy(out[:], "1:")
	base64.StdEncoding.Encode(out[2:], sum[:])
	return string(out[:])
}

func appendAddr(b []byte, a netip.Addr) []byte {
	if a.Is4() {
		v := a.As4()
		return append(b, v[:]...)
	}
	v := a.As16()
	return append(b, v[:]...)
}
