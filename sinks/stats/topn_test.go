package stats

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTopN: the list kept equals the first n of a full sort, whatever the
// order the items come in, with many ties on the first key.
func TestTopN(t *testing.T) {
	type item struct{ bytes, id int }
	order := func(a, b item) int { return cmp.Or(cmp.Compare(b.bytes, a.bytes), cmp.Compare(a.id, b.id)) }
	tests := []struct {
		name     string
		items, n int
		spread   int // distinct byte counts: small for many ties
	}{
		{"none kept", 50, 0, 10},
		{"negative n", 50, -1, 10},
		{"empty input", 0, 10, 10},
		{"fewer items than n", 7, 10, 3},
		{"exactly n", 10, 10, 3},
		{"ties", 10000, 10, 4},
		{"distinct", 10000, 25, 1 << 30},
		{"one", 1000, 1, 100},
		{"large n", 5000, 4000, 50},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(tc.items), uint64(tc.n)))
			items := make([]item, tc.items)
			for i := range items {
				items[i] = item{bytes: r.IntN(tc.spread), id: i}
			}
			r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
			top := newTopN(tc.n, order)
			for _, x := range items {
				top.offer(x)
			}
			got := top.sorted()
			want := slices.SortedFunc(slices.Values(items), order)[:max(0, min(tc.n, len(items)))]
			if !slices.Equal(got, want) {
				t.Errorf("kept %d items %v..., want %d %v...", len(got), got[:min(3, len(got))], len(want), want[:min(3, len(want))])
			}
		})
	}
}
