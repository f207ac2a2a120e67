package tcpreasm

import (
	"cmp"
	"math"
	"net/netip"
	"slices"

	"github.com/pcapflow/pcapflow/pipeline"
)

// create starts a connection for k (hash h) with p, carrying segment v,
// as its first packet.
func (a *Assembler) create(k key, h uint32, p *pipeline.Packet, v *view, srcIsA bool) int32 {
	if a.idx.Len() >= a.opts.MaxConns {
		a.evictOldest()
	}
	var i int32
	if n := len(a.free); n > 0 {
		i = a.free[n-1]
		a.free = a.free[:n-1]
	} else {
		i = a.slab.grow()
		a.links = append(a.links, link{-1, -1})
	}
	c := a.slab.at(i)
	*c = conn{k: k, clientIsA: srcIsA}
	if v.flags&(pipeline.TCPSyn|pipeline.TCPAck) == pipeline.TCPSyn|pipeline.TCPAck {
		c.clientIsA = !srcIsA
	}
	c.ID = a.nextID
	a.nextID++
	c.First, c.Last = p.Timestamp, p.Timestamp
	c.FirstFrame, c.FirstInput = p.Frame, p.Input
	src, dst := netip.AddrPortFrom(v.src, v.sport), netip.AddrPortFrom(v.dst, v.dport)
	if c.clientIsA == srcIsA {
		c.Client, c.Server = src, dst
	} else {
		c.Client, c.Server = dst, src
	}
	a.idx.Add(h, i)
	a.push(i, listOpen)
	a.account(c, connCost)
	a.stats.Conns++
	a.h.Open(&c.Conn)
	return i
}

// finish ends connection i: holes still open become gaps, buffered data is
// delivered, the handler's Close is called and the slot freed.
func (a *Assembler) finish(i int32, reason string) {
	c := a.slab.at(i)
	for dir := ClientToServer; dir <= ServerToClient; dir++ {
		a.flushDir(c, dir)
	}
	c.EndReason = reason
	c.foldSegments()
	if a.opts.Timeline {
		c.tl.finish(c, a.opts.MaxTimeline)
	}
	a.h.Close(&c.Conn)
	for dir := range c.h {
		if h := &c.h[dir]; h.hist != nil {
			a.account(c, -int64(cap(h.hist)))
			a.pool.put(h.hist)
			h.hist = nil
		}
	}
	a.account(c, -connCost)
	a.unlink(i)
	a.idx.Remove(c.k.Hash(a.seed), i)
	*c = conn{}
	a.free = append(a.free, i)
}

// flushDir delivers every buffered segment of direction dir, holes first
// reported as gaps.
func (a *Assembler) flushDir(c *conn, dir Dir) {
	h := &c.h[dir]
	for len(h.segs) > 0 {
		a.skipTo(c, dir, h.segs[0].seq, false)
		a.drain(c, dir)
	}
}

// listEnd is why a connection at the tail of each list ends when it
// has been idle for longer than its list's timeout (Assembler.limits).
var listEnd = [numLists]string{EndIdle, EndClosed}

// expire ends the connections idle for longer than their timeout at now:
// those at the tails of the lists.
//
// It runs for every packet, and almost always finds nothing, so it
// remembers the earliest time a tail can expire (expireAt): a tail's Last
// only grows, and whatever makes another connection a tail resets the
// bound (see lru.go). The bound is only kept for sane timestamps and
// timeouts, where it cannot overflow; otherwise every call checks.
func (a *Assembler) expire(now int64) {
	if now >= 0 && now <= a.expireAt {
		return
	}
	next := int64(math.MaxInt64)
	for l := range a.lists {
		for {
			i := a.lists[l].tail
			if i < 0 {
				break
			}
			last, limit := a.slab.at(i).Last, a.limits[l]
			if now-last <= limit {
				if last < 0 || last > maxSaneTime || limit > maxSaneTimeout {
					next = noExpireBound
				} else {
					next = min(next, last+limit)
				}
				break
			}
			a.finish(i, listEnd[l])
		}
	}
	a.expireAt = next
}

// Bounds of expire's shortcut: noExpireBound makes every call check; with
// timestamps up to maxSaneTime (year 2116) and timeouts up to
// maxSaneTimeout (73 years), last+limit cannot overflow and now-last
// cannot either for a non-negative now.
const (
	noExpireBound  = math.MinInt64
	maxSaneTime    = 1 << 62
	maxSaneTimeout = 1 << 61
)

// evictOldest ends the least recently active connection.
func (a *Assembler) evictOldest() {
	best := int32(-1)
	for l := range a.lists {
		if i := a.lists[l].tail; i >= 0 && i != a.cur && (best < 0 || a.slab.at(i).Last < a.slab.at(best).Last) {
			best = i
		}
	}
	if best >= 0 {
		a.stats.Evicted++
		a.finish(best, EndEvicted)
	}
}

// shed brings memory under the total bound: the least recently active
// connections (other than keep) first give up their buffers and history,
// then whole connections are ended.
func (a *Assembler) shed(keep int32) {
	const maxWalk = 64
	for l := numLists - 1; l >= 0 && a.stats.Memory > a.opts.MaxTotal; l-- {
		walked := 0
		for i := a.lists[l].tail; i >= 0 && walked < maxWalk && a.stats.Memory > a.opts.MaxTotal; i = a.links[i].prev {
			walked++
			if i == keep {
				continue
			}
			c := a.slab.at(i)
			if c.mem <= connCost {
				continue
			}
			a.stats.Released++
			for dir := ClientToServer; dir <= ServerToClient; dir++ {
				a.flushDir(c, dir)
				if h := &c.h[dir]; h.hist != nil {
					a.account(c, -int64(cap(h.hist)))
					a.pool.put(h.hist)
					h.hist = nil
				}
			}
		}
	}
	for a.stats.Memory > a.opts.MaxTotal && a.idx.Len() > 1 {
		before := a.idx.Len()
		a.evictOldest()
		if a.idx.Len() == before {
			break
		}
	}
}

// Flush ends every remaining connection, in order of connection id.
func (a *Assembler) Flush() {
	// Sorted by (id, slot) pairs: comparing ids read through the slab
	// would touch a random connection per comparison. Every tracked
	// connection is on one of the lists.
	open := make([]openConn, 0, a.idx.Len())
	for l := range a.lists {
		for i := a.lists[l].head; i >= 0; i = a.links[i].next {
			open = append(open, openConn{a.slab.at(i).ID, i})
		}
	}
	slices.SortFunc(open, func(x, y openConn) int { return cmp.Compare(x.id, y.id) })
	for _, o := range open {
		a.finish(o.slot, EndFlush)
	}
}

// openConn is a connection's id and slot, for Flush.
type openConn struct {
	id   uint64
	slot int32
}
