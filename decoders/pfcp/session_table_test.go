package pfcp

import (
	"math/rand/v2"
	"testing"
)

// TestTablesAgainstMap drives idTable with random adds,
// overwrites and removals over a small key space (so that probe runs
// collide, wrap and shift back) and checks every lookup against a Go map.
func TestTablesAgainstMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var tab idTable[seidKey]
	want := map[seidKey]int32{}
	sd := seed(rng.Uint64())
	// Even SEIDs get a weak hash, which makes long runs of equal home
	// slots; odd ones the Correlator's.
	hash := func(k seidKey) uint32 {
		if k.seid%2 == 0 {
			return uint32(k.seid%14) * 5
		}
		return sd.seid(k)
	}
	for step := range 50000 {
		k := seidKey{uint32(rng.IntN(3)), 0, uint64(rng.IntN(300))}
		h := hash(k)
		switch rng.IntN(3) {
		case 0, 1:
			v := int32(step)
			tab.put(k, h, v)
			want[k] = v
		case 2:
			_, ok := want[k]
			if tab.remove(k, h) != ok {
				t.Fatalf("step %d: idTable remove of %v says %v, map %v", step, k, !ok, ok)
			}
			if ok {
				delete(want, k)
			}
		}
		if tab.len() != len(want) {
			t.Fatalf("step %d: %d entries, map %d", step, tab.len(), len(want))
		}
		for _, probe := range []seidKey{k, {k.src, 0, uint64(rng.IntN(300))}} {
			w, ok := want[probe]
			if v, got := tab.get(probe, hash(probe)); got != ok || v != w && ok {
				t.Fatalf("step %d: idTable has %v = %d %v, map %d %v", step, probe, v, got, w, ok)
			}
		}
	}
}
