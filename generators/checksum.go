package generators

import "encoding/binary"

// sum adds the big-endian 16-bit words of b to the unfolded ones'
// complement accumulator acc. An odd trailing byte is padded with zero.
// Summing 32-bit words and folding later gives the same 16-bit result.
func sum(acc uint64, b []byte) uint64 {
	for len(b) >= 8 {
		acc += uint64(binary.BigEndian.Uint32(b)) + uint64(binary.BigEndian.Uint32(b[4:]))
		b = b[8:]
	}
	for len(b) >= 2 {
		acc += uint64(binary.BigEndian.Uint16(b))
		b = b[2:]
	}
	if len(b) == 1 {
		acc += uint64(b[0]) << 8
	}
	return acc
}

// fold reduces an accumulator to 16 bits with end-around carry.
func fold(acc uint64) uint16 {
	for acc>>16 != 0 {
		acc = acc&0xffff + acc>>16
	}
	return uint16(acc)
}

// checksum is the Internet checksum of an accumulated sum.
func checksum(acc uint64) uint16 { return ^fold(acc) }
