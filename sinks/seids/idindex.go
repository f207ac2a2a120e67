package seids

import (
	"github.com/pcapflow/pcapflow/internal/chunked"
	"github.com/pcapflow/pcapflow/internal/slotindex"
)

// idIndex maps the Correlator's session ids to slots of the sink's
// per-session records. Its hash, a multiplication by an odd constant, is
// a bijection of the 32-bit id, so an entry's hash alone confirms its id
// (no key to compare), and live sessions, whose ids are mostly
// consecutive, fall on distinct positions.
type idIndex struct{ x slotindex.Index }

func idHash(id int32) uint32 { return uint32(id) * 0x9e3779b1 }

// pos returns the position of id's entry, or of the empty one where it
// would go.
func (ix *idIndex) pos(id int32) (uint32, bool) {
	x := &ix.x
	if x.Size() == 0 {
		return 0, false
	}
	h := idHash(id)
	for i := x.Start(h); ; i = x.Next(i) {
		e := x.At(i)
		if e.Empty() {
			return i, false
		}
		if e.Hash == h {
			return i, true
		}
	}
}

// get returns id's slot.
func (ix *idIndex) get(id int32) (int32, bool) {
	i, ok := ix.pos(id)
	if !ok {
		return 0, false
	}
	return ix.x.At(i).Slot(), true
}

// put maps id, which has no slot, to slot.
func (ix *idIndex) put(id, slot int32) {
	ix.x.Reserve()
	i, _ := ix.pos(id)
	ix.x.InsertAt(i, idHash(id), slot)
}

// remove drops id's entry.
func (ix *idIndex) remove(id int32) {
	if i, ok := ix.pos(id); ok {
		ix.x.RemoveAt(i)
	}
}

// idSlots keeps one record of type T per session id, in reused slots:
// records are chunked (growth never copies; pointers stay valid) and a
// dropped record's slot goes to the next new one, so memory follows the
// records held.
type idSlots[T any] struct {
	recs chunked.Array[T]
	free []int32
	ids  idIndex
}

// find returns id's slot.
func (s *idSlots[T]) find(id int32) (int32, bool) { return s.ids.get(id) }

// add gives id, which has no record, a zeroed one and returns its slot.
func (s *idSlots[T]) add(id int32) int32 {
	var slot int32
	if n := len(s.free); n > 0 {
		slot, s.free = s.free[n-1], s.free[:n-1]
		var zero T
		*s.recs.At(int(slot)) = zero
	} else {
		slot = int32(s.recs.Add())
	}
	s.ids.put(id, slot)
	return slot
}

// at returns the record in slot.
func (s *idSlots[T]) at(slot int32) *T { return s.recs.At(int(slot)) }

// drop forgets id, whose record is in slot, and frees the slot.
func (s *idSlots[T]) drop(id, slot int32) {
	s.ids.remove(id)
	var zero T
	*s.recs.At(int(slot)) = zero
	s.free = append(s.free, slot)
}
