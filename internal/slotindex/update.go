package slotindex

// Reserve makes room for one more entry, growing the table when it would
// become more than half full, so that the empty position a probe finds
// afterwards can take an entry (InsertAt).
func (x *Index) Reserve() {
	if 2*(x.n+1) > len(x.e) {
		x.Grow()
	}
}

// InsertAt puts slot (key hash h) at the empty position i that a probe
// found after Reserve.
func (x *Index) InsertAt(i, h uint32, slot int32) {
	x.e[i] = Entry{Hash: h, Ref: slot + 1}
	x.n++
}

// Insert puts slot (key hash h) at the empty position i that a probe
// found, then grows the table if it is more than half full, which moves
// entries: positions found before are then stale.
func (x *Index) Insert(i, h uint32, slot int32) {
	x.InsertAt(i, h, slot)
	if 2*x.n > len(x.e) {
		x.Grow()
	}
}

// Add indexes slot, whose key (hash h) is not in the index yet.
func (x *Index) Add(h uint32, slot int32) {
	x.Reserve()
	i := h & x.mask
	for x.e[i].Ref != 0 {
		i = (i + 1) & x.mask
	}
	x.InsertAt(i, h, slot)
}

// Position returns the position of the entry of slot, whose key hashes to
// h, or false when slot is not indexed under h.
func (x *Index) Position(h uint32, slot int32) (uint32, bool) {
	if len(x.e) == 0 {
		return 0, false
	}
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		switch x.e[i].Ref {
		case 0:
			return 0, false
		case slot + 1:
			return i, true
		}
	}
}

// Remove drops the entry of slot (key hash h) and reports whether there
// was one.
func (x *Index) Remove(h uint32, slot int32) bool {
	i, ok := x.Position(h, slot)
	if ok {
		x.RemoveAt(i)
	}
	return ok
}

// RemoveAt empties position i, which holds an entry, and moves back the
// entries after it whose home position is not between i and them, so
// that no probe sequence is cut short.
func (x *Index) RemoveAt(i uint32) {
	m := x.mask
	for j := (i + 1) & m; x.e[j].Ref != 0; j = (j + 1) & m {
		if home := x.e[j].Hash & m; (j-home)&m >= (j-i)&m {
			x.e[i] = x.e[j]
			i = j
		}
	}
	x.e[i] = Entry{}
	x.n--
}

// Grow doubles the table, or makes the first one of the minimum size.
func (x *Index) Grow() {
	old := x.e
	size := x.min
	if size == 0 {
		size = DefaultMin
	}
	x.e = make([]Entry, max(size, 2*len(old)))
	// Write the new table once: probes read before they write, and a read
	// of a never-written page maps the kernel's zero page, so that the
	// first insert into each page then takes a copy-on-write fault and a
	// TLB flush on every CPU of the process.
	clear(x.e)
	x.mask = uint32(len(x.e) - 1)
	for _, e := range old {
		if e.Ref != 0 {
			j := e.Hash & x.mask
			for x.e[j].Ref != 0 {
				j = (j + 1) & x.mask
			}
			x.e[j] = e
		}
	}
}

// Reset empties the index, keeping its table.
func (x *Index) Reset() {
	clear(x.e)
	x.n = 0
}
