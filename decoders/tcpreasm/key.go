package tcpreasm

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
)

// key is a connection's canonical tuple in a compact, pointer-free form:
// both addresses as 16 bytes (IPv4 mapped into IPv6, with v4 telling the
// two families apart) in two 64-bit words each, high word first, and both
// ports. (a, ap) is the lower endpoint, so both directions share the key.
// A netip.Addr pair was 56 bytes that Go's map hashed and compared byte by
// byte on every packet; this key hashes with one multiplication and
// compares in five words.
type key struct {
	a, b  [2]uint64
	ports uint32 // ap<<16 | bp
	v4    bool
}

// eq reports whether k and o are the same tuple (word by word: == on the
// struct compares its bytes through a call).
func (k *key) eq(o *key) bool {
	return k.a[0] == o.a[0] && k.a[1] == o.a[1] && k.b[0] == o.b[0] && k.b[1] == o.b[1] &&
		k.ports == o.ports && k.v4 == o.v4
}

// addrWords returns addr's 16-byte form as two words, high first.
func addrWords(addr netip.Addr) [2]uint64 {
	b := addr.As16()
	return [2]uint64{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// keyOf returns the key of the connection segment v belongs to, and
// whether v's source is the key's lower endpoint a.
func keyOf(v *view) (key, bool) {
	s, d := addrWords(v.src), addrWords(v.dst)
	sp, dp := v.sport, v.dport
	srcIsA := s[0] < d[0] || (s[0] == d[0] && (s[1] < d[1] || (s[1] == d[1] && sp <= dp)))
	if !srcIsA {
		s, d, sp, dp = d, s, dp, sp
	}
	return key{a: s, b: d, ports: uint32(sp)<<16 | uint32(dp), v4: v.src.Is4()}, srcIsA
}

// Mixing constants (odd, with bits spread: from the golden ratio and
// wyhash's primes).
const (
	mixA = 0x9e3779b97f4a7c15
	mixB = 0xa0761d6478bd642f
	mixC = 0xe7037ed1a0b428db
)

// hash returns k's 32-bit hash under seed: the low words (all of an IPv4
// tuple) and the high words are folded to one word each and multiplied
// into 128 bits, whose halves are folded again. The seed is random per
// Assembler, so that a capture cannot be crafted to make every connection
// collide.
func (k *key) hash(seed uint64) uint32 {
	x := k.a[1] ^ bits.RotateLeft64(k.b[1], 31) ^ uint64(k.ports)*mixC ^ seed
	y := k.a[0] ^ bits.RotateLeft64(k.b[0], 31)
	if k.v4 {
		y ^= 1
	}
	hi, lo := bits.Mul64(x^mixA, y^mixB)
	h := hi ^ lo
	return uint32(h ^ h>>32)
}
