package pfcp

import "math/bits"

// idTable maps keys to int32 values (slot indexes) for the Correlator.
//
// The Correlator adds and drops keys all the time (every session adds
// and later drops a few), with a steady number live. A Go map keeps the
// slots of dropped keys as tombstones until it grows, and lookups of
// absent keys then probe long runs of them; with millions of sessions
// those probes were half of the Correlator's time. This table uses linear
// probing, stays at most half full and moves later entries back when a
// key is dropped (no tombstones), so a probe touches one or two slots.
//
// Hashes come from the caller (see seed.hash): every operation takes the
// key's hash, and the table keeps it per slot for growing and dropping.
type idTable[K comparable] struct {
	slots []idSlot[K]
	mask  uint32
	n     int
}

type idSlot[K comparable] struct {
	key  K
	hash uint32
	val  int32
	used bool
}

// len returns the number of keys.
func (t *idTable[K]) len() int { return t.n }

// find returns k's slot, or the empty slot where it would go.
func (t *idTable[K]) find(k K, h uint32) (uint32, bool) {
	if t.slots == nil {
		return 0, false
	}
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if !s.used {
			return i, false
		}
		if s.hash == h && s.key == k {
			return i, true
		}
	}
}

// get returns k's value.
func (t *idTable[K]) get(k K, h uint32) (int32, bool) {
	i, ok := t.find(k, h)
	if !ok {
		return 0, false
	}
	return t.slots[i].val, true
}

// claim returns a pointer to k's value, adding k with value -1 when it is
// absent (added is then true). The pointer is valid until the table
// changes again.
func (t *idTable[K]) claim(k K, h uint32) (v *int32, added bool) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	i, ok := t.find(k, h)
	s := &t.slots[i]
	if !ok {
		*s = idSlot[K]{key: k, hash: h, val: -1, used: true}
		t.n++
	}
	return &s.val, !ok
}

// put sets k's value to v.
func (t *idTable[K]) put(k K, h uint32, v int32) {
	p, _ := t.claim(k, h)
	*p = v
}

// remove drops k and reports whether it was there.
func (t *idTable[K]) remove(k K, h uint32) bool {
	i, ok := t.find(k, h)
	if ok {
		t.removeAt(i)
	}
	return ok
}

// removeAt empties slot i and moves back the entries after it that may
// take its place (their home slot is not between i and them), so that
// no probe sequence has a hole.
func (t *idTable[K]) removeAt(i uint32) {
	m := t.mask
	for j := (i + 1) & m; t.slots[j].used; j = (j + 1) & m {
		if home := t.slots[j].hash & m; (j-home)&m >= (j-i)&m {
			t.slots[i] = t.slots[j]
			i = j
		}
	}
	t.slots[i] = idSlot[K]{}
	t.n--
}

// grow doubles the table (from 64 slots).
func (t *idTable[K]) grow() {
	old := t.slots
	t.slots = make([]idSlot[K], max(64, 2*len(old)))
	clear(t.slots) // see index.grow
	t.mask = uint32(len(t.slots) - 1)
	for i := range old {
		if s := &old[i]; s.used {
			j := s.hash & t.mask
			for t.slots[j].used {
				j = (j + 1) & t.mask
			}
			t.slots[j] = *s
		}
	}
}

// index finds objects that hold their own keys (sessions, pending
// establishments) by key. An entry is only the key's 32-bit hash and the
// object's slot number, 8 bytes, and the caller confirms a candidate by
// comparing the object's key: the Correlator's indexes then take a
// fraction of the memory of a table holding keys, and stay in the
// processor's caches. Linear probing, at most half full (at three
// quarters, the longer probe runs and shift-backs made the Correlator of
// a 200k-message seids run execute 28% more instructions, and it missed
// a 1 MiB cache slightly more despite the smaller tables), entries moved
// back when one is dropped (no tombstones), like idTable.
type index struct {
	slots []islot
	mask  uint32
	n     int
}

type islot struct {
	hash uint32
	ref  int32 // slot number + 1; 0 is an empty entry
}

// find returns the position of the entry with hash h whose object eq
// accepts, or of the empty entry where it would go.
func (x *index) find(h uint32, eq func(ref int32) bool) (uint32, bool) {
	if x.slots == nil {
		return 0, false
	}
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		e := x.slots[i]
		if e.ref == 0 {
			return i, false
		}
		if e.hash == h && eq(e.ref-1) {
			return i, true
		}
	}
}

// get returns the object with hash h that eq accepts.
func (x *index) get(h uint32, eq func(ref int32) bool) (int32, bool) {
	i, ok := x.find(h, eq)
	if !ok {
		return -1, false
	}
	return x.slots[i].ref - 1, true
}

// set makes the key with hash h (recognised by eq) refer to ref, adding
// an entry when there is none.
func (x *index) set(h uint32, eq func(ref int32) bool, ref int32) {
	x.reserve()
	i, ok := x.find(h, eq)
	if !ok {
		x.n++
	}
	x.slots[i] = islot{hash: h, ref: ref + 1}
}

// reserve makes room for one more entry, so that the position find
// returns for an absent key can take it (insertAt).
func (x *index) reserve() {
	if 2*(x.n+1) > len(x.slots) {
		x.grow()
	}
}

// insertAt adds an entry at position i, an empty entry find returned
// after reserve.
func (x *index) insertAt(i, h uint32, ref int32) {
	x.slots[i] = islot{hash: h, ref: ref + 1}
	x.n++
}

// removeRef drops the entry with hash h that refers to ref, if any.
func (x *index) removeRef(h uint32, ref int32) {
	if x.slots == nil {
		return
	}
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		e := x.slots[i]
		if e.ref == 0 {
			return
		}
		if e.hash == h && e.ref == ref+1 {
			x.removeAt(i)
			return
		}
	}
}

// removeAt empties entry i and moves back the entries after it that may
// take its place.
func (x *index) removeAt(i uint32) {
	m := x.mask
	for j := (i + 1) & m; x.slots[j].ref != 0; j = (j + 1) & m {
		if home := x.slots[j].hash & m; (j-home)&m >= (j-i)&m {
			x.slots[i] = x.slots[j]
			i = j
		}
	}
	x.slots[i] = islot{}
	x.n--
}

// grow doubles the index (from 256 entries).
func (x *index) grow() {
	old := x.slots
	x.slots = make([]islot, max(256, 2*len(old)))
	// Write the new table once: probes read before they write, and a read
	// of a never-written page maps the kernel's zero page, so that the
	// first insert into each page then takes a copy-on-write fault and a
	// TLB flush on every CPU of the process.
	clear(x.slots)
	x.mask = uint32(len(x.slots) - 1)
	for _, e := range old {
		if e.ref != 0 {
			j := e.hash & x.mask
			for x.slots[j].ref != 0 {
				j = (j + 1) & x.mask
			}
			x.slots[j] = e
		}
	}
}

// seed keys the Correlator's hashes, so that crafted SEIDs and sequence
// numbers cannot be chosen to collide. Lookups never depend on the order
// of keys, so output does not depend on the seed.
type seed uint64

// hash mixes two words with the seed (a multiply-fold, as in wyhash) to 32 bits.
func (s seed) hash(a, b uint64) uint32 {
	hi, lo := bits.Mul64(a^uint64(s), b^0x9e3779b97f4a7c15)
	x := hi ^ lo
	return uint32(x ^ x>>32)
}

func (s seed) exch(k exchKey) uint32 {
	return s.hash(uint64(k.a)<<32|uint64(k.b), uint64(k.seq))
}

func (s seed) seid(k seidKey) uint32 {
	return s.hash(k.seid, uint64(k.src)<<32|uint64(k.dst))
}

func (s seed) pair(k pairKey) uint32 {
	var flags uint64
	if k.cpSEID.Valid {
		flags |= 1
	}
	if k.upSEID.Valid {
		flags |= 2
	}
	return s.hash(k.cpSEID.SEID^uint64(k.cp)<<32^uint64(k.up), k.upSEID.SEID^flags<<62)
}

func (s seed) ref(r uint64) uint32 { return s.hash(r, 0) }
