package generators

import (
	"net/netip"
	"testing"
)

func TestPermutationIsBijection(t *testing.T) {
	for _, n := range []uint64{1, 2, 3, 5, 254, 255, 256, 1000, 65534} {
		r := newRNG(uint64(n), 0)
		p := newPermutation(n, &r)
		seen := make([]bool, n)
		for i := range n {
			x := p.at(i)
			if x >= n || seen[x] {
				t.Fatalf("n=%d: at(%d)=%d repeats or is out of range", n, i, x)
			}
			seen[x] = true
		}
	}
}

// FuzzHostRange checks that any prefix and start give addresses inside the
// prefix, never its IPv4 network/broadcast address, and that the random
// order never leaves the range.
func FuzzHostRange(f *testing.F) {
	f.Add([]byte{192, 168, 0, 1}, 16, uint64(0), uint64(1))
	f.Add([]byte{10, 0, 0, 0}, 31, uint64(5), uint64(2))
	f.Add([]byte{0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 64, uint64(1<<63), uint64(3))
	f.Add([]byte{0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 0, ^uint64(0), uint64(3))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 0}, 104, uint64(0), uint64(4))
	f.Fuzz(func(t *testing.T, addr []byte, bits int, i, seed uint64) {
		a, ok := netip.AddrFromSlice(addr)
		if !ok || bits < 0 || bits > a.BitLen() {
			return
		}
		pfx := netip.PrefixFrom(a, bits)
		r, err := newHostRange(pfx)
		if a.Is4In6() {
			// A mapped prefix is the IPv4 prefix of its last 32 bits;
			// a shorter one is refused.
			if bits < 96 {
				if err == nil {
					t.Fatalf("%v: no error", pfx)
				}
				return
			}
			pfx, bits = netip.PrefixFrom(a.Unmap(), bits-96), bits-96
		}
		if err != nil {
			t.Fatal(err)
		}
		if r.n == 0 || r.start >= r.n {
			t.Fatalf("%v: n=%d start=%d", pfx, r.n, r.start)
		}
		rng := newRNG(seed, 0)
		perm := newPermutation(r.n, &rng)
		for _, idx := range []uint64{i % r.n, r.start, perm.at(i % r.n), r.n - 1} {
			got := r.addr(idx)
			if !pfx.Masked().Contains(got) {
				t.Fatalf("%v: host %d is %v, outside", pfx, idx, got)
			}
			if got.Is4() && bits <= 30 {
				m := pfx.Masked().Addr()
				if got == m {
					t.Fatalf("%v: host %d is the network address", pfx, idx)
				}
			}
		}
	})
}
