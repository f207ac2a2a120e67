// Package chunked is an append-only array kept in fixed-size chunks of
// 1024 elements: growing never copies what it holds (nor faults its pages
// in again), and pointers to elements stay valid. The session tables use
// it for state that grows with the sessions of a capture.
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
		a.c = append(a.c, make([]T, 1<<shift))
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
