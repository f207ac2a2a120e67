// Package slotindex is an open-addressing hash index from keys to the
// slots of objects that hold their own keys (flows, connections,
// sessions). An entry is only the key's 32-bit hash and the object's slot
// number, 8 bytes; the caller confirms a candidate by comparing the key
// its object holds, so the index takes a fraction of the memory of a
// table of keys and stays in the processor's caches.
//
// The table uses linear probing, stays at most half full, and moves later
// entries back when one is removed (no tombstones), so a probe touches one
// or two adjacent entries. Lookups are written by the caller, with the key
// comparison inline rather than through a func value:
//
//	for i := x.Start(h); ; i = x.Next(i) {
//		e := x.At(i)
//		if e.Empty() {
//			return i, false // where the key would go
//		}
//		if e.Hash == h && objects[e.Slot()].key == k {
//			return i, true
//		}
//	}
//
// Start, Next and At are small enough for the compiler to inline. A
// lookup must not start on a table without entries (Size 0): callers
// check Size first, or call Reserve or Grow.
package slotindex

// Entry is one position of the index: an object's key hash and its slot
// plus one, so that the zero Entry is empty.
type Entry struct {
	// Hash is the key's hash, kept for growing and removing.
	Hash uint32
	// Ref is the slot plus one; 0 marks an empty entry.
	Ref int32
}

// Empty reports whether the entry holds no object.
func (e Entry) Empty() bool { return e.Ref == 0 }

// Slot returns the object's slot (-1 for an empty entry).
func (e Entry) Slot() int32 { return e.Ref - 1 }

// Index is the table. Set its minimum size with Init before use; the zero
// Index grows from DefaultMin entries.
type Index struct {
	e    []Entry
	mask uint32
	n    int
	min  int
}

// DefaultMin is the first size of an Index whose Init was not called.
const DefaultMin = 16

// Init empties x and sets the size of its first table, rounded up to a
// power of two (at least 2). No memory is taken until the first Grow.
func (x *Index) Init(min int) {
	size := 2
	for size < min {
		size *= 2
	}
	*x = Index{min: size}
}

// Len returns the number of entries.
func (x *Index) Len() int { return x.n }

// Size returns the number of positions (0 before the first Grow).
func (x *Index) Size() int { return len(x.e) }

// Start returns the first position a probe for hash h reads.
func (x *Index) Start(h uint32) uint32 { return h & x.mask }

// Next returns the position after i, wrapping around.
func (x *Index) Next(i uint32) uint32 { return (i + 1) & x.mask }

// At returns the entry at position i.
func (x *Index) At(i uint32) Entry { return x.e[i] }

// SetSlot makes the entry at position i, which holds an object, refer to
// slot instead (an object that took over the key of another).
func (x *Index) SetSlot(i uint32, slot int32) { x.e[i].Ref = slot + 1 }
