package flows

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/pcapflow/pcapflow/internal/slotindex"
)

// TestIndexAgainstMap adds and drops random keys (from a small set, so
// that probe runs form and entries are moved back) and checks every key
// against a map after each step.
func TestIndexAgainstMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var s slab
	var x slotindex.Index
	x.Init(indexMin)
	x.Grow()
	const seed = 0x1234
	keys := make([]key, 3000)
	for i := range keys {
		src := netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)})
		keys[i], _ = makeKey(src, hostB, uint16(i), 80, 6)
	}
	ref := map[key]int32{}
	var free []int32
	for step := 0; step < 40_000; step++ {
		k := &keys[rng.IntN(len(keys))]
		h := k.hash(seed)
		pos, slot, ok := find(&x, k, h, &s)
		if want, in := ref[*k]; in != ok || (ok && slot != want) {
			t.Fatalf("step %d: find = %d, %v; want %d, %v", step, slot, ok, want, in)
		}
		if ok {
			x.Remove(h, slot)
			delete(ref, *k)
			free = append(free, slot)
			continue
		}
		var i int32
		if n := len(free); n > 0 {
			i, free = free[n-1], free[:n-1]
		} else {
			i = s.grow()
		}
		*s.hot(i) = hotState{k: *k, hash: h}
		x.Insert(pos, h, i)
		ref[*k] = i
		if x.Len() != len(ref) {
			t.Fatalf("step %d: %d keys, want %d", step, x.Len(), len(ref))
		}
	}
	for i := range keys {
		k := &keys[i]
		_, slot, ok := find(&x, k, k.hash(seed), &s)
		if want, in := ref[*k]; in != ok || (ok && slot != want) {
			t.Fatalf("key %d: find = %d, %v; want %d, %v", i, slot, ok, want, in)
		}
	}
}

func TestKey(t *testing.T) {
	v4 := netip.MustParseAddr("192.0.2.1")
	mapped := netip.AddrFrom16(v4.As16())
	v6 := netip.MustParseAddr("2001:db8::1")
	for _, tt := range []struct{ a, b netip.Addr }{{v4, hostB}, {v6, netip.MustParseAddr("2001:db8::2")}, {mapped, netip.MustParseAddr("::ffff:10.0.0.2")}, {v4, v4}} {
		k1, aIsSrc := makeKey(tt.a, tt.b, 1000, 53, 17)
		k2, bIsSrc := makeKey(tt.b, tt.a, 53, 1000, 17)
		if k1 != k2 || aIsSrc == bIsSrc {
			t.Errorf("%v, %v: keys %+v and %+v, src is a: %v %v", tt.a, tt.b, k1, k2, aIsSrc, bIsSrc)
		}
		a, b := k1.addrs()
		if !aIsSrc {
			a, b = b, a
		}
		if a != tt.a || b != tt.b || k1.proto() != 17 {
			t.Errorf("%v, %v: key gives back %v, %v, proto %d", tt.a, tt.b, a, b, k1.proto())
		}
	}
	k4, _ := makeKey(v4, hostB, 1, 2, 6)
	k6, _ := makeKey(mapped, netip.AddrFrom16(hostB.As16()), 1, 2, 6)
	if k4 == k6 {
		t.Errorf("IPv4 and IPv4-mapped IPv6 tuples share a key")
	}
}
