// Package chunked is an append-only array kept in fixed-size chunks of
// 1024 elements: growing never copies what it holds (nor faults its pages
// in again), and pointers to elements stay valid. The session tables and
// the Parquet sink's flow cache use it for state that grows with the
// sessions or flows of a capture.
package chunked

// shift sets the chunk size: 1<<shift elements.
const shift = 10

// Array is the array; its zero value is empty and ready.
type Array[T any] struct {
	c [][]T
	n int
}

// Len returns the number of elements.
func (a *Array[T]) Len() int { return a.n }

// At returns element i (0 <= i < Len).
func (a *Array[T]) At(i int) *T { return &a.c[i>>shift][i&(1<<shift-1)] }

// Add appends a zero element and returns its index.
func (a *Array[T]) Add() int {
	if a.n == len(a.c)<<shift {
		c := make([]T, 1<<shift)
		// Memory fresh from the system is not written by make: writing it
		// now faults each page in once, where a first read (a lookup in a
		// chunk not written yet) would map the zero page and fault again,
		// with a TLB flush on every core, at the first write.
		clear(c)
		a.c = append(a.c, c)
	}
	a.n++
	return a.n - 1
}

// Grow adds zero elements until index i exists.
func (a *Array[T]) Grow(i int) {
	for a.n <= i {
		a.Add()
	}
}
