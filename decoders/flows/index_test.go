package flows

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/pcapflow/pcapflow/internal/slotindex"
	"github.com/pcapflow/pcapflow/internal/tuplekey"
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
		keys[i], _ = tuplekey.Make(src, hostB, uint16(i), 80, 6)
	}
	ref := map[key]int32{}
	var free []int32
	for step := 0; step < 40_000; step++ {
		k := &keys[rng.IntN(len(keys))]
		h := k.Hash(seed)
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
		_, slot, ok := find(&x, k, k.Hash(seed), &s)
		if want, in := ref[*k]; in != ok || (ok && slot != want) {
			t.Fatalf("key %d: find = %d, %v; want %d, %v", i, slot, ok, want, in)
		}
	}
}
