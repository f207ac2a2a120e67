package mobile

import "net/netip"

// slabShift sets a slab's chunk size: 1024 elements.
const slabShift = 10

// slab is an append-only array kept in fixed-size chunks: growing never
// copies the elements, and pointers to them stay valid.
type slab[T any] struct {
	chunks [][]T
	n      int
}

func (s *slab[T]) len() int { return s.n }

// at returns element i (0 <= i < len).
func (s *slab[T]) at(i int) *T { return &s.chunks[i>>slabShift][i&(1<<slabShift-1)] }

// add appends a zero element and returns its index.
func (s *slab[T]) add() int {
	if s.n == len(s.chunks)<<slabShift {
		s.chunks = append(s.chunks, make([]T, 1<<slabShift))
	}
	s.n++
	return s.n - 1
}

// nodeIDs numbers node addresses, so that the tables' keys are small
// integers; a capture has few nodes, and a message's two are mostly the
// last message's.
type nodeIDs struct {
	ids  map[addrKey]uint32
	last [2]netip.Addr
	lid  [2]uint32
	ok   [2]bool
}

// id returns a's number, numbering it when new.
func (n *nodeIDs) id(a netip.Addr) uint32 {
	for i := range n.last {
		if n.ok[i] && n.last[i] == a {
			return n.lid[i]
		}
	}
	k := addrKeyOf(a)
	id, ok := n.ids[k]
	if !ok {
		id = uint32(len(n.ids))
		n.ids[k] = id
	}
	n.last[0], n.lid[0], n.ok[0] = n.last[1], n.lid[1], n.ok[1]
	n.last[1], n.lid[1], n.ok[1] = a, id, true
	return id
}
