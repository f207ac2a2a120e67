package pfcp

import (
	"math"
	"time"
)

// schedule sets *expires to now+d and queues e to be checked then; d zero
// means never.
func (c *Correlator) schedule(expires *int64, now int64, q *ring[expiryEntry], d time.Duration, e expiryEntry) {
	if d <= 0 {
		*expires = 0
		return
	}
	*expires = now + int64(d)
	e.at = *expires
	q.push(e)
	c.due = min(c.due, e.at)
}

// expire drops what is due at packet time now: pending establishments,
// transactions and deleted sessions whose time passed and that were not
// scheduled again since.
func (c *Correlator) expire(now int64) {
	c.expireFrom(&c.waits, now)
	c.expireFrom(&c.lingers, now)
	c.due = math.MaxInt64
	if c.waits.len() > 0 {
		c.due = c.waits.front().at
	}
	if c.lingers.len() > 0 {
		c.due = min(c.due, c.lingers.front().at)
	}
}

func (c *Correlator) expireFrom(q *ring[expiryEntry], now int64) {
	for q.len() > 0 {
		e := q.front()
		if e.at >= now {
			return
		}
		q.pop()
		if !c.current(&e) {
			continue
		}
		switch e.kind {
		case expireTx:
			tx := &c.txList[e.slot]
			if !tx.answered {
				c.expiredUnanswered++
			}
			c.txs.remove(e.key, c.seed.exch(e.key))
			tx.live = false
			c.txFree = append(c.txFree, e.slot)
		case expirePending:
			c.pending.Remove(c.seed.exch(e.key), e.slot)
			c.pendAt(e.slot).live = false
			c.free.push(e.slot)
		case expireSession:
			c.drop(e.slot, c.sessions.at(e.slot))
		}
	}
}

// current reports whether e is still due: whether its slot holds what
// it was queued for, not dropped since nor scheduled again. An entry
// that is not current never becomes current again as such: whenever
// an expiry time is set, an entry with that time is queued with it.
func (c *Correlator) current(e *expiryEntry) bool {
	switch e.kind {
	case expireTx:
		// The slot still holds the transaction if it is live with the
		// key (the txs table maps a live key to its one slot).
		tx := &c.txList[e.slot]
		return tx.live && tx.key == e.key && tx.expires == e.at
	case expirePending:
		p := c.pendAt(e.slot)
		return p.live && p.key == e.key && p.expires == e.at
	case expireSession:
		h := c.sessions.at(e.slot)
		return h.flags&sessLive != 0 && h.expires == e.at
	}
	return false
}

// trimWaits drops the entries at the front of c.waits that are no
// longer current: the waits of requests answered since (a response
// schedules its exchange again, Linger after it, in c.lingers). Without
// it, a Window longer than the capture keeps an entry for every request
// of the run (expire would skip them, unread, once due). Responses
// come in much the order of their requests, so the front is mostly an
// answered request's.
func (c *Correlator) trimWaits() {
	for c.waits.len() > 0 {
		e := c.waits.front()
		if c.current(&e) {
			return
		}
		c.waits.pop()
	}
}

// drop forgets the session in slot i, deleted (retired): its SEID keys
// go from c.gone unless a later session took them over.
func (c *Correlator) drop(i int32, h *sessHot) {
	if c.opts.ReportDropped {
		c.dropped = append(c.dropped, c.session(i))
	}
	if h.flags&sessIndexed != 0 {
		if h.flags&sessUPSEID != 0 {
			c.gone.x.Remove(c.seed.seid(seidKey{h.cp, h.up, h.upSEID}), i)
		}
		if h.flags&sessCPSEID != 0 {
			c.gone.x.Remove(c.seed.seid(seidKey{h.up, h.cp, h.cpSEID}), i)
		}
	}
	h.flags &^= sessLive
	c.sessions.free.push(i)
	c.trimRetirements()
}
