package flows

import "github.com/pcapflow/pcapflow/internal/slotindex"

// The Table finds active flows through a slotindex.Index from the key's
// hash to the flow's slab slot, so that a lookup reads one or two
// adjacent 8-byte entries and then the flow's hot state, which holds the
// key. A Go map keyed by the tuple hashed and compared 56-byte keys
// through memory and kept its own copy of each.

// indexMin is the size of a new Table's index.
const indexMin = 1024

// find returns the position of k (hash h) in x and its slot in s, or the
// empty position where k would go and false. x must have a table.
func find(x *slotindex.Index, k *key, h uint32, s *slab) (uint32, int32, bool) {
	for i := x.Start(h); ; i = x.Next(i) {
		e := x.At(i)
		if e.Empty() {
			return i, -1, false
		}
		if e.Hash == h && s.hot(e.Slot()).k.Eq(k) {
			return i, e.Slot(), true
		}
	}
}
