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
		switch e.kind {
		case expireTx:
			// The slot still holds the transaction if it is live with
			// the key (the txs table maps a live key to its one slot).
			if tx := &c.txList[e.slot]; tx.live && tx.key == e.key && tx.expires == e.at {
				if !tx.answered {
					c.expiredUnanswered++
				}
				c.txs.remove(e.key, c.seed.exch(e.key))
				tx.live = false
				c.txFree = append(c.txFree, e.slot)
			}
		case expirePending:
			if p := &c.pend[e.slot]; p.live && p.key == e.key && p.expires == e.at {
				c.pending.Remove(c.seed.exch(e.key), e.slot)
				p.live = false
				c.free.push(e.slot)
			}
		case expireSession:
			if h := c.sessions.at(e.slot); h.flags&sessLive != 0 && h.expires == e.at {
				c.drop(e.slot, h)
			}
		}
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
