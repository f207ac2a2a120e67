package stats

import (
	"container/heap"
	"slices"
)

// topN keeps the n best of the items offered to it, by order (negative
// when a comes before b; a total order, so the result does not depend on
// the order items are offered in): a heap whose root is the worst item
// kept, so that an item that does not make the list costs one comparison.
// Sorting every item instead cost a 1,000,000-flow capture's report 14 s.
type topN[T any] struct {
	n     int
	order func(a, b T) int
	items []T
}

func newTopN[T any](n int, order func(a, b T) int) *topN[T] {
	return &topN[T]{n: n, order: order, items: make([]T, 0, max(0, min(n, 1024)))}
}

// offer considers x for the list.
func (t *topN[T]) offer(x T) {
	switch {
	case t.n <= 0:
	case len(t.items) < t.n:
		heap.Push(t, x)
	case t.order(x, t.items[0]) < 0:
		t.items[0] = x
		heap.Fix(t, 0)
	}
}

// sorted returns the items kept, best first.
func (t *topN[T]) sorted() []T {
	slices.SortFunc(t.items, t.order)
	return t.items
}

// The heap.Interface methods order the heap worst first.

func (t *topN[T]) Len() int           { return len(t.items) }
func (t *topN[T]) Less(i, j int) bool { return t.order(t.items[i], t.items[j]) > 0 }
func (t *topN[T]) Swap(i, j int)      { t.items[i], t.items[j] = t.items[j], t.items[i] }
func (t *topN[T]) Push(x any)         { t.items = append(t.items, x.(T)) }
func (t *topN[T]) Pop() any {
	x := t.items[len(t.items)-1]
	t.items = t.items[:len(t.items)-1]
	return x
}
