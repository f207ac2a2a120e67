package tcpreasm

// connIndex finds tracked connections by key. An entry is only the key's
// hash and the connection's slab slot, 8 bytes; a candidate is confirmed
// by comparing the key the connection holds, which a hit reads anyway.
// Linear probing, at most half full, and a dropped entry's followers are
// moved back (no tombstones), so a probe touches one or two entries of a
// table that stays in the processor's caches. Go's map with the full
// tuple as its key hashed and compared 56 bytes of addresses per packet.
type connIndex struct {
	slots []islot
	mask  uint32
	n     int
}

// islot is one entry: ref is the slab slot + 1, 0 for an empty entry.
type islot struct {
	hash uint32
	ref  int32
}

// len returns the number of connections indexed.
func (x *connIndex) len() int { return x.n }

// find returns the slot of the connection with key k (hash h), or -1.
func (x *connIndex) find(k *key, h uint32, s *connSlab) int32 {
	if x.slots == nil {
		return -1
	}
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		e := x.slots[i]
		if e.ref == 0 {
			return -1
		}
		if e.hash == h && s.at(e.ref-1).k.eq(k) {
			return e.ref - 1
		}
	}
}

// add indexes slot, whose key (hash h) is not indexed yet.
func (x *connIndex) add(h uint32, slot int32) {
	if 2*(x.n+1) > len(x.slots) {
		x.grow()
	}
	i := h & x.mask
	for x.slots[i].ref != 0 {
		i = (i + 1) & x.mask
	}
	x.slots[i] = islot{hash: h, ref: slot + 1}
	x.n++
}

// remove drops the entry of slot (hash h), if any, and moves back the
// entries after it that may take its place (their home is not between
// the hole and them), so that no probe sequence has a hole.
func (x *connIndex) remove(h uint32, slot int32) {
	if x.slots == nil {
		return
	}
	m := x.mask
	i := h & m
	for {
		e := x.slots[i]
		if e.ref == 0 {
			return
		}
		if e.ref == slot+1 {
			break
		}
		i = (i + 1) & m
	}
	for j := (i + 1) & m; x.slots[j].ref != 0; j = (j + 1) & m {
		if home := x.slots[j].hash & m; (j-home)&m >= (j-i)&m {
			x.slots[i] = x.slots[j]
			i = j
		}
	}
	x.slots[i] = islot{}
	x.n--
}

// grow doubles the table (from 1024 entries).
func (x *connIndex) grow() {
	old := x.slots
	x.slots = make([]islot, max(1024, 2*len(old)))
	// Write the new table once: probes read before they write, and a read
	// of a never-written page maps the kernel's zero page, so that the
	// first insert into each page then takes a copy-on-write fault and a
	// TLB flush on every CPU of the process.
	clear(x.slots)
	x.mask = uint32(len(x.slots) - 1)
	for _, e := range old {
		if e.ref == 0 {
			continue
		}
		j := e.hash & x.mask
		for x.slots[j].ref != 0 {
			j = (j + 1) & x.mask
		}
		x.slots[j] = e
	}
}
