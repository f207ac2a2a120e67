package forward

// Checksum returns the Internet checksum (RFC 1071) of b.
func Checksum(b []byte) uint16 {
	return ^fold(sum(b, 0))
}

// sum adds b's 16-bit big-endian words to s.
func sum(b []byte, s uint32) uint32 {
	for len(b) >= 2 {
		s += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		s += uint32(b[0]) << 8
	}
	return s
}

func fold(s uint32) uint16 {
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}

// UpdateChecksum returns checksum hc after one 16-bit word of the covered
// data changed from old to new (RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m')).
func UpdateChecksum(hc, old, new uint16) uint16 {
	s := uint32(^hc) + uint32(^old) + uint32(new)
	return ^fold(s)
}

// DecrementTTL lowers the TTL of the IPv4 header ip by one and patches its
// header checksum in place. ip must hold at least 20 bytes.
func DecrementTTL(ip []byte) {
	old := uint16(ip[8])<<8 | uint16(ip[9])
	ip[8]--
	nw := uint16(ip[8])<<8 | uint16(ip[9])
	c := UpdateChecksum(uint16(ip[10])<<8|uint16(ip[11]), old, nw)
	ip[10], ip[11] = byte(c>>8), byte(c)
}
