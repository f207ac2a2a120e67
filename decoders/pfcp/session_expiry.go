package pfcp

import "time"

// sessSlot holds one session of the Correlator and what it needs to drop
// it: its node ids and when its deletion may be forgotten.
type sessSlot struct {
	s       Session
	cp, up  uint32
	expires int64
	live    bool
}

// slab stores session slots in fixed-size chunks, so that growing never
// copies them, and reuses dropped slots.
type slab struct {
	chunks [][]sessSlot
	used   int
	free   []int32
}

const slabChunk = 1024

func (sl *slab) at(i int32) *sessSlot { return &sl.chunks[i/slabChunk][i%slabChunk] }

// alloc returns a free slot's index.
func (sl *slab) alloc() int32 {
	if n := len(sl.free); n > 0 {
		i := sl.free[n-1]
		sl.free = sl.free[:n-1]
		return i
	}
	if sl.used == len(sl.chunks)*slabChunk {
		sl.chunks = append(sl.chunks, make([]sessSlot, slabChunk))
	}
	sl.used++
	return int32(sl.used - 1)
}

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
}

// expire drops what is due at packet time now: pending establishments,
// transactions and deleted sessions whose time passed and that were not
// scheduled again since.
func (c *Correlator) expire(now int64) {
	c.expireFrom(&c.waits, now)
	c.expireFrom(&c.lingers, now)
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
			if tx, ok := c.txs[e.key]; ok && tx.expires == e.at {
				if !tx.answered {
					c.expiredUnanswered++
				}
				delete(c.txs, e.key)
			}
		case expirePending:
			if i, ok := c.pending[e.key]; ok && c.pend[i].expires == e.at {
				delete(c.pending, e.key)
				c.free = append(c.free, i)
			}
		case expireSession:
			if sl := c.sessions.at(e.slot); sl.live && sl.expires == e.at {
				c.drop(e.slot, sl)
			}
		}
	}
}

// drop forgets the session in slot i: its keys go unless a later session
// took them over.
func (c *Correlator) drop(i int32, sl *sessSlot) {
	s := &sl.s
	if s.UPSEID.Valid {
		k := seidKey{sl.cp, sl.up, s.UPSEID.SEID}
		if j, ok := c.bySEID[k]; ok && j == i {
			delete(c.bySEID, k)
		}
	}
	if s.CPSEID.Valid {
		k := seidKey{sl.up, sl.cp, s.CPSEID.SEID}
		if j, ok := c.bySEID[k]; ok && j == i {
			delete(c.bySEID, k)
		}
	}
	k := pairKey{sl.cp, sl.up, s.CPSEID, s.UPSEID}
	if j, ok := c.byPair[k]; ok && j == i {
		delete(c.byPair, k)
	}
	sl.live = false
	c.sessions.free = append(c.sessions.free, i)
}
