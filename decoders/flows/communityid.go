package flows

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"net/netip"
)

// icmpCounterpart maps ICMP (v4) request/response types to their partner.
var icmpCounterpart = map[uint8]uint8{
	8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 10: 9, 9: 10, 17: 18, 18: 17,
}

// icmp6Counterpart maps ICMPv6 request/response types to their partner.
var icmp6Counterpart = map[uint8]uint8{
	128: 129, 129: 128, 133: 134, 134: 133, 135: 136, 136: 135,
	130: 131, 131: 130, 139: 140, 140: 139, 144: 145, 145: 144,
}

// icmpPorts returns the Community ID port equivalents of an ICMP type and
// code, and whether the message is one-way (has no counterpart).
func icmpPorts(proto, typ, code uint8) (uint16, uint16, bool) {
	m := icmpCounterpart
	if proto == 58 {
		m = icmp6Counterpart
	}
	if c, ok := m[typ]; ok {
		return uint16(typ), uint16(c), false
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
