// Package tuplekey is the compact key of a bidirectional transport
// connection (addresses, ports, protocol) that the flow table
// (decoders/flows) and the TCP reassembler (decoders/tcpreasm) look their
// connections up by: both directions of a connection give the same Key,
// and Make says which endpoint sent the packet.
package tuplekey

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
)

// Key is a bidirectional transport tuple in canonical form, in five
// machine words, so that hashing and comparing it are a few register
// operations: netip.Addr holds a pointer (its zone), which makes a Go map
// hash and compare keys through memory. (a0, a1) and (b0, b1) are the endpoints' addresses as 128-bit
// big-endian numbers (IPv4 mapped into IPv6), a with its port the lower
// endpoint; rest packs the ports, the protocol and the address family.
//
// Zones are not part of a key: the decoder never sets them (addresses come
// from IP headers), and Addrs rebuilds addresses without one.
type Key struct {
	a0, a1 uint64
	b0, b1 uint64
	rest   uint64
}

// Address families in Key.rest.
const (
	famV4 = 4
	famV6 = 6
)

// addrWords returns addr as two big-endian words (IPv4 as its IPv6
// mapping) and its family.
func addrWords(addr netip.Addr) (hi, lo, fam uint64) {
	v := addr.As16()
	fam = famV6
	if addr.Is4() {
		fam = famV4
	}
	return binary.BigEndian.Uint64(v[:8]), binary.BigEndian.Uint64(v[8:]), fam
}

// Make returns the key of a packet from src:sport to dst:dport (both
// addresses of one family, as an IP header gives them) and whether src is
// the key's lower endpoint a.
func Make(src, dst netip.Addr, sport, dport uint16, proto uint8) (Key, bool) {
	a0, a1, fam := addrWords(src)
	b0, b1, _ := addrWords(dst)
	if b0 < a0 || (b0 == a0 && (b1 < a1 || (b1 == a1 && dport < sport))) {
		return Key{a0: b0, a1: b1, b0: a0, b1: a1, rest: uint64(dport)<<48 | uint64(sport)<<32 | uint64(proto)<<8 | fam}, false
	}
	return Key{a0: a0, a1: a1, b0: b0, b1: b1, rest: uint64(sport)<<48 | uint64(dport)<<32 | uint64(proto)<<8 | fam}, true
}

// Eq reports whether k and o are the same key, word by word (struct
// equality of five words compiles to a call of the runtime's memequal).
func (k *Key) Eq(o *Key) bool {
	return k.a0 == o.a0 && k.a1 == o.a1 && k.b0 == o.b0 && k.b1 == o.b1 && k.rest == o.rest
}

// Proto returns the key's IP protocol number.
func (k *Key) Proto() uint8 { return uint8(k.rest >> 8) }

// Addrs returns the key's addresses a and b.
func (k *Key) Addrs() (netip.Addr, netip.Addr) {
	if k.rest&0xff == famV4 {
		return addr4(k.a1), addr4(k.b1)
	}
	return addr16(k.a0, k.a1), addr16(k.b0, k.b1)
}

func addr4(w uint64) netip.Addr {
	var v [4]byte
	binary.BigEndian.PutUint32(v[:], uint32(w))
	return netip.AddrFrom4(v)
}

func addr16(hi, lo uint64) netip.Addr {
	var v [16]byte
	binary.BigEndian.PutUint64(v[:8], hi)
	binary.BigEndian.PutUint64(v[8:], lo)
	return netip.AddrFrom16(v)
}

// Hash mixes the key with seed to 32 bits: multiply-folds as in wyhash,
// one per address and one for the rest, so that with a random seed a
// capture cannot pick tuples that collide.
func (k *Key) Hash(seed uint64) uint32 {
	h1, l1 := bits.Mul64(k.a0^seed, k.a1^0x9e3779b97f4a7c15)
	h2, l2 := bits.Mul64(k.b0^0xbf58476d1ce4e5b9, k.b1^seed)
	h3, l3 := bits.Mul64(h1^l1^k.rest, h2^l2^0x94d049bb133111eb)
	x := h3 ^ l3
	return uint32(x ^ x>>32)
}
