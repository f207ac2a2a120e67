package pfcp

import "github.com/pcapflow/pcapflow/internal/slotindex"

// goneIndex finds deleted sessions by SEID key until they are dropped
// (Correlator.bySEID holds the others). Messages for a deleted session
// are rare (a retransmitted deletion, a late report), so the index is
// kept up to date lazily: a deletion lists the keys it retires, and the
// index takes the list in, in order, only when a lookup misses bySEID.
// What a lookup then finds is what it would have found had every
// retirement and drop been applied as it happened: a key refers to the
// session that retired it last, and to none once that one is dropped.
// In a capture where no message misses bySEID, deleted sessions cost
// a list entry each, written and read in order, where indexing them
// cost random accesses to a table larger than the processor's caches.
type goneIndex struct {
	x slotindex.Index
	// listed holds the retirements not applied to x yet, in order.
	listed ring[retirement]
}

// retirement is a deleted session's SEID keys taken out of bySEID.
type retirement struct {
	keys [2]seidKey
	n    uint8 // keys[:n] are meaningful
	slot int32
	// id tells whether slot still holds the session.
	id int
}

// retire takes the keys of session slot i, h, just deleted, out of the
// tables of sessions not deleted: its SEID keys that still refer to it
// (no later session took them over) are listed for c.gone, and its
// pair key goes, as a repeated establishment response no longer joins
// it.
func (c *Correlator) retire(i int32, h *sessHot) {
	r := retirement{slot: i, id: h.id}
	if h.flags&sessUPSEID != 0 {
		r.add(c, seidKey{h.cp, h.up, h.upSEID}, i)
	}
	if h.flags&sessCPSEID != 0 {
		r.add(c, seidKey{h.up, h.cp, h.cpSEID}, i)
	}
	if r.n > 0 {
		c.gone.listed.push(r)
	}
	c.byPair.Remove(c.seed.pair(h.pair()), i)
}

// add moves k from c.bySEID to r if it refers to slot i there. The
// entry is found by its key: Index.Remove finds the first entry of the
// slot on the hash's probe run, which may be the slot's other key's.
func (r *retirement) add(c *Correlator, k seidKey, i int32) {
	if pos, ok := c.seidPos(&c.bySEID, k, c.seed.seid(k)); ok && c.bySEID.At(pos).Slot() == i {
		c.bySEID.RemoveAt(pos)
		r.keys[r.n] = k
		r.n++
	}
}

// applyRetirements brings c.gone up to date.
func (c *Correlator) applyRetirements() {
	for c.gone.listed.len() > 0 {
		r := c.gone.listed.front()
		c.gone.listed.pop()
		c.applyRetirement(&r)
	}
}

// trimRetirements applies the retirements of dropped sessions at the
// front of the list (the list then holds no more than the deleted
// sessions not dropped, and the ones behind them).
func (c *Correlator) trimRetirements() {
	for c.gone.listed.len() > 0 {
		r := c.gone.listed.front()
		if c.holds(&r) {
			return
		}
		c.gone.listed.pop()
		c.applyRetirement(&r)
	}
}

// holds reports whether r's session is still in its slot.
func (c *Correlator) holds(r *retirement) bool {
	h := c.sessions.at(r.slot)
	return h.flags&sessLive != 0 && h.id == r.id
}

// applyRetirement applies r to c.gone.x: its keys refer to its session,
// or, when the session was dropped since, to none (it would have taken
// them over, and dropping it removed them).
func (c *Correlator) applyRetirement(r *retirement) {
	x := &c.gone.x
	if c.holds(r) {
		for _, k := range r.keys[:r.n] {
			c.setSEID(x, k, c.seed.seid(k), r.slot)
		}
		c.sessions.at(r.slot).flags |= sessIndexed
		return
	}
	if x.Len() == 0 {
		return
	}
	for _, k := range r.keys[:r.n] {
		if pos, ok := c.seidPos(x, k, c.seed.seid(k)); ok {
			x.RemoveAt(pos)
		}
	}
}
