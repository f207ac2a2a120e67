package seids

// chunkShift sets the size of a chunks' chunk: 1024 elements.
const chunkShift = 10

// chunks is an append-only array kept in fixed-size chunks, so that
// growing never copies (nor page-faults in again) what it holds: the
// session table's per-session state grows with the capture's sessions.
type chunks[T any] struct {
	c [][]T
	n int
}

// len returns the number of elements.
func (s *chunks[T]) len() int { return s.n }

// at returns element i (0 <= i < len).
func (s *chunks[T]) at(i int) *T { return &s.c[i>>chunkShift][i&(1<<chunkShift-1)] }

// add appends a zero element and returns its index.
func (s *chunks[T]) add() int {
	if s.n == len(s.c)<<chunkShift {
		s.c = append(s.c, make([]T, 1<<chunkShift))
	}
	s.n++
	return s.n - 1
}

// grow adds zero elements until index i exists.
func (s *chunks[T]) grow(i int) {
	for s.n <= i {
		s.add()
	}
}
