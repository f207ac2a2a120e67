package tcpreasm

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/pcapflow/pcapflow/internal/slotindex"
	"github.com/pcapflow/pcapflow/internal/tuplekey"
)

// TestConnIndex adds and removes connections at random, with hashes that
// collide on purpose (few distinct values, so probe runs are long and
// wrap around the table), and checks every lookup against a Go map.
func TestConnIndex(t *testing.T) {
	for _, hashes := range []uint32{1, 7, 1 << 30} {
		var (
			x    slotindex.Index
			s    connSlab
			free []int32
			want = map[key]int32{}
		)
		rng := rand.New(rand.NewPCG(1, uint64(hashes)))
		keys := make([]key, 3000)
		for n := range keys {
			keys[n], _ = tuplekey.Make(netip.AddrFrom4([4]byte{10, 0, byte(n >> 8), byte(n)}), netip.MustParseAddr("10.1.0.1"), 40000, 80, 6)
		}
		keyN := func(n int) key { return keys[n] }
		hashOf := func(k key) uint32 { return k.Hash(1) % hashes }
		for step := range 20000 {
			k := keyN(rng.IntN(3000))
			h := hashOf(k)
			got := find(&x, &k, h, &s)
			w, ok := want[k]
			if !ok {
				w = -1
			}
			if got != w {
				t.Fatalf("step %d: find %v = %d, want %d", step, k, got, w)
			}
			switch {
			case ok:
				x.Remove(h, got)
				delete(want, k)
				free = append(free, got)
			default:
				var i int32
				if n := len(free); n > 0 {
					i, free = free[n-1], free[:n-1]
				} else {
					i = s.grow()
				}
				s.at(i).k = k
				x.Add(h, i)
				want[k] = i
			}
			if x.Len() != len(want) {
				t.Fatalf("step %d: %d entries, want %d", step, x.Len(), len(want))
			}
		}
		for k, w := range want {
			if got := find(&x, &k, hashOf(k), &s); got != w {
				t.Fatalf("hashes %d: find %v = %d, want %d", hashes, k, got, w)
			}
		}
	}
}

// TestKeyOf checks that both directions of a connection share one key,
// that the families stay apart (an IPv4 tuple is not its IPv4-mapped IPv6
// twin) and that ports count.
func TestKeyOf(t *testing.T) {
	v := func(src, dst string) *view {
		s, d := netip.MustParseAddrPort(src), netip.MustParseAddrPort(dst)
		return &view{src: s.Addr(), dst: d.Addr(), sport: s.Port(), dport: d.Port()}
	}
	fwd, fa := keyOf(v("10.0.0.2:40000", "10.0.0.1:80"))
	rev, ra := keyOf(v("10.0.0.1:80", "10.0.0.2:40000"))
	if fwd != rev || fa == ra || fwd.Hash(7) != rev.Hash(7) {
		t.Errorf("directions: %v (%v) and %v (%v)", fwd, fa, rev, ra)
	}
	same, _ := keyOf(v("10.0.0.1:5000", "10.0.0.1:80"))
	back, _ := keyOf(v("10.0.0.1:80", "10.0.0.1:5000"))
	if same != back {
		t.Errorf("one address, two ports: %v and %v", same, back)
	}
	mapped, _ := keyOf(v("[::ffff:10.0.0.2]:40000", "[::ffff:10.0.0.1]:80"))
	other, _ := keyOf(v("10.0.0.2:40001", "10.0.0.1:80"))
	if mapped == fwd || other == fwd {
		t.Errorf("distinct tuples share a key: %v %v %v", fwd, mapped, other)
	}
}
