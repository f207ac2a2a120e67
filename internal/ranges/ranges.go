// Package ranges keeps the byte ranges of a packet that have arrived, as
// IP fragment reassembly needs them: overlapping and touching ranges merge,
// so the set tells at once whether the packet is whole.
package ranges

// Range is the half-open byte range [Lo, Hi).
type Range struct{ Lo, Hi int }

// Set is a sorted list of disjoint ranges that do not touch. The zero
// value is empty; Reset empties a Set and keeps its memory.
type Set struct{ r []Range }

// Add records that [lo, hi) arrived.
func (s *Set) Add(lo, hi int) {
	i := 0
	for i < len(s.r) && s.r[i].Hi < lo {
		i++
	}
	j := i
	for j < len(s.r) && s.r[j].Lo <= hi {
		lo, hi = min(lo, s.r[j].Lo), max(hi, s.r[j].Hi)
		j++
	}
	if i == j {
		s.r = append(s.r, Range{})
		copy(s.r[i+1:], s.r[i:])
	} else {
		n := copy(s.r[i+1:], s.r[j:])
		s.r = s.r[:i+1+n]
	}
	s.r[i] = Range{lo, hi}
}

// Whole reports whether the set is exactly [0, n): every byte of a packet
// of n bytes arrived, and none beyond.
func (s *Set) Whole(n int) bool {
	return len(s.r) == 1 && s.r[0] == Range{0, n}
}

// Ranges returns the set's ranges, in order; the slice is the Set's own.
func (s *Set) Ranges() []Range { return s.r }

// Reset empties the set.
func (s *Set) Reset() { s.r = s.r[:0] }
