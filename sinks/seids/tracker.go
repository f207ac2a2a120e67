package seids

import (
	"net/netip"
	"time"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/pipeline"
)

// tracker collects the session table's detail in capture order. It keeps
// nothing per message: what a row needs is recorded as each message is
// read, an exchange is folded into its session's (or node pair's) counts
// when it ends, and an establishment request waits in its own record
// only until its response decides its session. A session's record is
// dropped once its row is written (see end), so what it holds is the
// sessions not ended yet, the node pairs and node names, the
// establishment requests never answered (the incomplete rows), and the
// exchanges and requests still waiting for their answer.
type tracker struct {
	// details holds the sessions' records by id; lastID and lastSlot
	// cache the last lookup.
	details  idSlots[detail]
	lastID   int32
	lastSlot int32
	vals     valArena
	lats     latArena
	names    names
	waiting  waiting
	tx       exchanges
	pairs    pairs
	// endWait holds the sessions whose row waits for their open exchanges
	// to end, by id; ready the rows to write now, in order.
	endWait map[int32]sessionEnd
	ready   []sessionEnd
}

// newTracker returns an empty tracker forgetting an unanswered exchange
// wait after its last request, an answered one linger after its
// response.
func newTracker(wait, linger time.Duration) *tracker {
	return &tracker{tx: newExchanges(wait, linger), endWait: map[int32]sessionEnd{}}
}

// detail returns session id's record, making an empty one if it has
// none.
func (t *tracker) detail(id int) *detail {
	if d, ok := t.find(id); ok {
		return d
	}
	slot := t.details.add(int32(id))
	t.lastID, t.lastSlot = int32(id), slot
	d := t.details.at(slot)
	*d = detail{id: int32(id), slot: slot}
	return d
}

// find returns session id's record, if it has one.
func (t *tracker) find(id int) (*detail, bool) {
	if int32(id) == t.lastID && id != 0 {
		return t.details.at(t.lastSlot), true
	}
	slot, ok := t.details.find(int32(id))
	if !ok {
		return nil, false
	}
	t.lastID, t.lastSlot = int32(id), slot
	return t.details.at(slot), true
}

// end takes a session whose Correlate side ended (see sessionEnd): its
// row is ready now, or once its open exchanges end.
func (t *tracker) end(e *sessionEnd) {
	d := t.detail(e.ss.ID)
	if d.open > 0 {
		d.ended = true
		t.endWait[d.id] = *e
		return
	}
	t.ready = append(t.ready, *e)
}

// drop forgets session id's record, once its row is written.
func (t *tracker) drop(id int) {
	d, ok := t.find(id)
	if !ok {
		return
	}
	t.vals.release(&d.vals)
	t.lats.release(&d.lats)
	t.lastID = 0
	t.details.drop(int32(id), d.slot)
}

// add records message m of packet p, which the Correlator gave session
// id (Add's result), deciding the earlier requests decided (Decided).
func (t *tracker) add(m *pfcp.Message, p *pipeline.Packet, id int, decided []uint64) {
	t.tx.advance(m.Time, t.ended)
	for _, r := range decided {
		t.decide(r, id)
	}
	s := m.Summary
	if !s.HeaderOK {
		return
	}
	h := &s.Header
	var own uint8
	var owner int32
	switch {
	case !h.Type.IsSessionMessage():
		own, owner = ownPair, t.pairs.add(m.Src.Addr(), m.Dst.Addr(), s, p.Frame, &t.names)
	case s.Messages != 1:
	case h.Type == pfcp.SessionEstablishmentRequest:
		own, owner = ownEst, t.request(m, p)
	case id != 0:
		d := t.detail(id)
		own, owner = ownSession, d.slot
		t.sessionMessage(d, s, p, id)
	}
	t.transact(m, own, owner)
}

// sessionMessage records message s (of packet p) of session id, other
// than an establishment request.
func (t *tracker) sessionMessage(d *detail, s *pfcp.Summary, p *pipeline.Packet, id int) {
	typ := s.Header.Type
	at := stampOf(p)
	if !d.opened {
		// The response that opened the session.
		d.opened = true
		if typ == pfcp.SessionEstablishmentResponse {
			d.estResp = at
		}
	}
	d.last = at
	d.count(typ)
	messageValues(s, func(kind uint8, v value, _ uint8) { t.vals.add(&d.vals, kind, v) })
	switch typ {
	case pfcp.SessionEstablishmentResponse:
		if s.HasNodeID {
			d.upNode = t.names.of(s)
		}
	case pfcp.SessionModificationResponse:
		if s.HasCause && s.Cause.Accepted() {
			d.modified = true
		}
	case pfcp.SessionDeletionResponse:
		if pfcp.DeletionEnds(s.HasCause, s.Cause) {
			d.deleted = at
		}
	}
}

// request records establishment request m (of packet p) to wait for its
// session, and returns its record's slot.
func (t *tracker) request(m *pfcp.Message, p *pipeline.Packet) int32 {
	s := m.Summary
	slot, r := t.waiting.add(m.Ref)
	r.at, r.input = stampOf(p), p.Input
	r.cp, r.up = m.Src.Addr(), m.Dst.Addr()
	r.node = t.names.of(s)
	if s.NumFSEIDs > 0 {
		r.cpSEID = pfcp.OptSEID{SEID: s.FSEIDs[0].SEID, Valid: true}
	}
	messageValues(s, func(kind uint8, v value, pos uint8) {
		t.vals.push(&r.vals, valItem{v: v, kind: kind, pos: pos})
	})
	return slot
}

// decide gives the waiting establishment request ref to session id.
func (t *tracker) decide(ref uint64, id int) {
	r, ok := t.waiting.take(ref)
	if !ok || id <= 0 {
		return
	}
	d := t.detail(id)
	d.count(pfcp.SessionEstablishmentRequest)
	if t.names.text(r.node) != "" && (d.cpNodeRef == 0 || r.ref < d.cpNodeRef) {
		d.cpNode, d.cpNodeRef = r.node, r.ref
	}
	for i := r.vals.head; i != 0; {
		it := t.vals.item(i)
		i = it.next
		t.vals.addReq(&d.vals, it.kind, it.v, r.ref, it.pos)
	}
	t.vals.release(&r.vals)
	if r.tx != 0 {
		tx := &t.tx.list[r.tx-1]
		tx.ownerKind, tx.owner = ownSession, d.slot
		d.open++
	}
	if r.done {
		t.exchangeDone(d, r.copies, r.answered, r.latency)
	}
}

// transact matches requests and responses by requester, responder and
// sequence number; a new exchange is counted for owner (of kind own).
func (t *tracker) transact(m *pfcp.Message, own uint8, owner int32) {
	h := &m.Summary.Header
	switch {
	case h.Type.IsRequest():
		k := txKey{t.tx.endpoint(m.Src), t.tx.endpoint(m.Dst), h.Seq}
		slot, ok := t.tx.request(k, m.Time)
		if !ok {
			return
		}
		tx := &t.tx.list[slot]
		tx.ownerKind, tx.owner = own, owner
		switch own {
		case ownEst:
			t.waiting.recs[owner].tx = slot + 1
		case ownSession:
			t.details.at(owner).open++
		}
	case h.Type.IsResponse():
		t.tx.response(txKey{t.tx.endpoint(m.Dst), t.tx.endpoint(m.Src), h.Seq}, m.Time)
	}
}

// ended folds exchange tx, which is being forgotten, into its owner.
func (t *tracker) ended(tx *exchange) {
	switch tx.ownerKind {
	case ownSession:
		// The record stays while it has open exchanges.
		d := t.details.at(tx.owner)
		t.exchangeDone(d, tx.copies, tx.answered, tx.latency)
		d.open--
		if d.ended && d.open == 0 {
			t.ready = append(t.ready, t.endWait[d.id])
			delete(t.endWait, d.id)
		}
	case ownPair:
		t.pairs.list[tx.owner].exchangeDone(tx.copies, tx.answered, tx.latency)
	case ownEst:
		// The request's session is not decided yet: the outcome waits
		// with it.
		r := &t.waiting.recs[tx.owner]
		r.tx, r.done, r.copies, r.answered, r.latency = 0, true, tx.copies, tx.answered, tx.latency
	}
}

// finish ends the exchanges still held, at the end of the run.
func (t *tracker) finish() { t.tx.endAll(t.ended) }

// incomplete is an establishment that was never answered: the waiting
// requests of one (CP, UP, CP SEID), est the first.
type incomplete struct {
	est    *estRec
	copies int
	last   stamp
}

// unassigned returns the establishment requests that got no session (no
// response was seen), one per (CP, UP, CP SEID) in order of the first,
// with the number of copies.
func (t *tracker) unassigned() []incomplete {
	var out []incomplete
	type groupKey struct {
		cp, up netip.Addr
		seid   pfcp.OptSEID
	}
	idx := map[groupKey]int{}
	for _, e := range t.waiting.left() {
		k := groupKey{e.cp, e.up, e.cpSEID}
		if j, ok := idx[k]; ok {
			out[j].copies++
			out[j].last = e.at
			continue
		}
		idx[k] = len(out)
		out = append(out, incomplete{est: e, copies: 1, last: e.at})
	}
	return out
}
