package pfcp

import (
	"math/rand/v2"
	"testing"
)

// TestRingAgainstSlice pushes and pops at random rates (so the ring
// empties, crosses chunk boundaries, reuses spare chunks and grows its
// chunk list while wrapped) and checks it against a slice.
func TestRingAgainstSlice(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var q ring[int]
	var want []int
	next := 0
	for step := range 200000 {
		// Phases that mostly grow, then mostly shrink.
		pushP := 6
		if step/20000%2 == 1 {
			pushP = 4
		}
		if rng.IntN(10) < pushP || len(want) == 0 {
			q.push(next)
			want = append(want, next)
			next++
		} else {
			if got := q.front(); got != want[0] {
				t.Fatalf("step %d: front %d, want %d", step, got, want[0])
			}
			q.pop()
			want = want[1:]
		}
		if q.len() != len(want) {
			t.Fatalf("step %d: len %d, want %d", step, q.len(), len(want))
		}
	}
	for len(want) > 0 {
		if got := q.front(); got != want[0] {
			t.Fatalf("drain: front %d, want %d", got, want[0])
		}
		q.pop()
		want = want[1:]
	}
	if q.n > 1 || q.len() != 0 {
		t.Fatalf("empty ring holds %d chunks, len %d", q.n, q.len())
	}
}

// TestRingSteadyStateAllocs: a ring whose length stays level reuses its
// chunks.
func TestRingSteadyStateAllocs(t *testing.T) {
	var q ring[expiryEntry]
	for i := range 5 * ringChunk {
		q.push(expiryEntry{at: int64(i)})
	}
	allocs := testing.AllocsPerRun(20*ringChunk, func() {
		q.push(expiryEntry{})
		q.pop()
	})
	if allocs != 0 {
		t.Errorf("%.3f allocations per push and pop", allocs)
	}
}
