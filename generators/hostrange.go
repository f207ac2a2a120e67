package generators

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"net/netip"

	"github.com/pcapflow/pcapflow/internal/splitmix"
)

// hostRange numbers the usable host addresses of a prefix 0..n-1.
//
// IPv4: the network and broadcast addresses of the prefix are skipped (for
// prefixes up to /30; /31 and /32 use every address). Addresses ending in
// .0 or .255 inside a larger prefix are ordinary hosts and are used.
// IPv6: the subnet-router anycast address (host part zero) is skipped; for
// prefixes shorter than /64 only the lowest 2^64-1 host numbers are used.
// An IPv4-mapped prefix (::ffff:a.b.c.d/n, n of 128 bits) is the IPv4
// prefix a.b.c.d/(n-96); one shorter than /96 is refused.
type hostRange struct {
	v6     bool
	hi, lo uint64 // first usable address as a 128-bit number (IPv4 in lo)
	n      uint64
	start  uint64 // index of the prefix's own address, or 0
}

var errNoPrefix = errors.New("invalid prefix")

func newHostRange(p netip.Prefix) (hostRange, error) {
	if !p.IsValid() {
		return hostRange{}, errNoPrefix
	}
	a, plen := p.Addr(), p.Bits()
	if a.Is4In6() {
		// An IPv4-mapped prefix (::ffff:a.b.c.d/n, n counted over 128
		// bits) is the IPv4 prefix of its last 32 bits; a shorter one
		// would span IPv6 space beyond the mapped addresses.
		if plen < 96 {
			return hostRange{}, fmt.Errorf("IPv4-mapped prefix %v reaches beyond the mapped IPv4 addresses: give the IPv4 prefix (::ffff:%v/%d is %v/%d)", p, a.Unmap(), 96+8, a.Unmap(), 8)
		}
		a, plen = a.Unmap(), plen-96
	}
	p = netip.PrefixFrom(a, plen)
	net := p.Masked().Addr()
	r := hostRange{v6: a.Is6()}
	hostBits := a.BitLen() - p.Bits()
	var skip uint64
	switch {
	case !r.v6 && hostBits >= 2:
		r.n, skip = 1<<hostBits-2, 1
	case !r.v6:
		r.n = 1 << hostBits
	case hostBits == 0:
		r.n = 1
	case hostBits >= 64:
		r.n, skip = math.MaxUint64, 1
	default:
		r.n, skip = 1<<hostBits-1, 1
	}
	nhi, nlo := addr128(net)
	r.lo, r.hi = bits.Add64(nlo, skip, 0)
	r.hi += nhi
	// Start at the given address when it is a usable host of the range.
	ahi, alo := addr128(a)
	dlo, borrow := bits.Sub64(alo, r.lo, 0)
	dhi, _ := bits.Sub64(ahi, r.hi, borrow)
	if dhi == 0 && dlo < r.n && !(ahi < r.hi || (ahi == r.hi && alo < r.lo)) {
		r.start = dlo
	}
	return r, nil
}

func addr128(a netip.Addr) (hi, lo uint64) {
	if a.Is4() {
		v := a.As4()
		return 0, uint64(binary.BigEndian.Uint32(v[:]))
	}
	v := a.As16()
	return binary.BigEndian.Uint64(v[:8]), binary.BigEndian.Uint64(v[8:])
}

// put writes the address of host index i (< n) into b (4 or 16 bytes).
func (r *hostRange) put(b []byte, i uint64) {
	lo, c := bits.Add64(r.lo, i, 0)
	if !r.v6 {
		binary.BigEndian.PutUint32(b, uint32(lo))
		return
	}
	binary.BigEndian.PutUint64(b, r.hi+c)
	binary.BigEndian.PutUint64(b[8:], lo)
}

// addr returns host index i as a netip.Addr.
func (r *hostRange) addr(i uint64) netip.Addr {
	var b [16]byte
	r.put(b[:], i)
	if !r.v6 {
		return netip.AddrFrom4([4]byte(b[:4]))
	}
	return netip.AddrFrom16(b)
}

// permutation is a keyed bijection of [0, n): a balanced Feistel network on
// the smallest even number of bits covering n, with cycle walking to stay
// below n. It lets a generator visit every host of a range in a random
// order without remembering which ones it used.
type permutation struct {
	n     uint64
	half  uint
	mask  uint64
	keys  [4]uint64
	ident bool
}

func newPermutation(n uint64, r *rng) permutation {
	p := permutation{n: n}
	if n <= 2 {
		p.ident = true
		return p
	}
	w := uint(bits.Len64(n - 1))
	w += w & 1
	p.half = w / 2
	p.mask = 1<<p.half - 1
	for i := range p.keys {
		p.keys[i] = r.uint64()
	}
	return p
}

func (p *permutation) round(x uint64) uint64 {
	l, rr := x>>p.half, x&p.mask
	for _, k := range p.keys {
		l, rr = rr, l^(splitmix.Mix(rr^k)&p.mask)
	}
	return l<<p.half | rr
}

// at returns the image of i (< n).
func (p *permutation) at(i uint64) uint64 {
	if p.ident {
		return i
	}
	x := p.round(i)
	for x >= p.n {
		x = p.round(x)
	}
	return x
}
