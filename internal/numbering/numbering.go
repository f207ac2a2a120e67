// Package numbering numbers keys from 0 in order of first appearance:
// the PFCP tables key their maps by small endpoint and node numbers
// rather than by netip values. A capture has few endpoints and a message's
// two are mostly the previous message's, so the last two keys are kept in
// front of the map.
package numbering

// Numbers numbers keys of type K. Make it with New.
type Numbers[K comparable] struct {
	ids  map[K]uint32
	last [2]K
	id   [2]uint32
	ok   [2]bool
}

// New returns an empty Numbers.
func New[K comparable]() *Numbers[K] { return &Numbers[K]{ids: map[K]uint32{}} }

// Len returns the number of keys numbered.
func (n *Numbers[K]) Len() int { return len(n.ids) }

// ID returns k's number, numbering it when new.
func (n *Numbers[K]) ID(k K) uint32 {
	for i := range n.last {
		if n.ok[i] && n.last[i] == k {
			return n.id[i]
		}
	}
	id, ok := n.ids[k]
	if !ok {
		id = uint32(len(n.ids))
		n.ids[k] = id
	}
	n.last[0], n.id[0], n.ok[0] = n.last[1], n.id[1], n.ok[1]
	n.last[1], n.id[1], n.ok[1] = k, id, true
	return id
}
