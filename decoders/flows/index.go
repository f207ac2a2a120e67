package flows

// index maps keys to the slab slots of active flows: open addressing with
// linear probing over 8-byte entries (a key's hash and its slot), at most
// half full, with deletion by moving later entries back (no tombstones),
// so that a lookup reads one or two adjacent entries and then the flow's
// hot state, which holds the key. A Go map keyed by the tuple hashed and
// compared 56-byte keys through memory and kept its own copy of each.
type index struct {
	e    []entry
	mask uint32
	n    int
}

// entry is one index slot; slot1 is the flow's slot plus one, 0 when the
// entry is empty.
type entry struct {
	hash  uint32
	slot1 int32
}

// find returns the position of k (hash h) and its slot, or the empty
// position where k would go and false.
func (x *index) find(k *key, h uint32, s *slab) (uint32, int32, bool) {
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		e := x.e[i]
		if e.slot1 == 0 {
			return i, -1, false
		}
		if e.hash == h && s.hot(e.slot1-1).k.eq(k) {
			return i, e.slot1 - 1, true
		}
	}
}

// insert puts slot at the empty position pos that find returned for hash
// h. It may grow the index, which moves entries: pos is then stale.
func (x *index) insert(pos, h uint32, slot int32) {
	x.e[pos] = entry{hash: h, slot1: slot + 1}
	x.n++
	if 2*x.n > len(x.e) {
		x.grow()
	}
}

// remove empties position pos and moves back the entries after it whose
// home position is not between pos and them, so that no probe sequence
// is cut short.
func (x *index) remove(pos uint32) {
	m := x.mask
	for j := (pos + 1) & m; x.e[j].slot1 != 0; j = (j + 1) & m {
		if home := x.e[j].hash & m; (j-home)&m >= (j-pos)&m {
			x.e[pos] = x.e[j]
			pos = j
		}
	}
	x.e[pos] = entry{}
	x.n--
}

// position returns the position of the entry of slot (whose key hashes
// to h), which must be in the index.
func (x *index) position(h uint32, slot int32) uint32 {
	i := h & x.mask
	for x.e[i].slot1 != slot+1 {
		i = (i + 1) & x.mask
	}
	return i
}

// grow doubles the index (from 1024 entries).
func (x *index) grow() {
	old := x.e
	x.e = make([]entry, max(1024, 2*len(old)))
	// Write the new table once: probes read before they write, and a read
	// of a never-written page maps the kernel's zero page, so that the
	// first insert into each page then takes a copy-on-write fault and a
	// TLB flush on every CPU of the process.
	clear(x.e)
	x.mask = uint32(len(x.e) - 1)
	for _, e := range old {
		if e.slot1 != 0 {
			i := e.hash & x.mask
			for x.e[i].slot1 != 0 {
				i = (i + 1) & x.mask
			}
			x.e[i] = e
		}
	}
}

// reset empties the index, keeping its storage.
func (x *index) reset() {
	clear(x.e)
	x.n = 0
}
