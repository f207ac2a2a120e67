package tcpreasm

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/pcapflow/pcapflow/pipeline"
)

// create starts a connection for k with p as its first packet.
func (a *Assembler) create(k key, p *pipeline.Packet, flags uint16, srcIsA bool) int32 {
	if len(a.m) >= a.opts.MaxConns {
		a.evictOldest()
	}
	var i int32
	if n := len(a.free); n > 0 {
		i = a.free[n-1]
		a.free = a.free[:n-1]
	} else {
		i = a.slab.grow()
	}
	c := a.slab.at(i)
	*c = conn{k: k, clientIsA: srcIsA, prev: -1, next: -1}
	if flags&(pipeline.TCPSyn|pipeline.TCPAck) == pipeline.TCPSyn|pipeline.TCPAck {
		c.clientIsA = !srcIsA
	}
	c.ID = a.nextID
	a.nextID++
	c.First, c.Last = p.Timestamp, p.Timestamp
	c.FirstFrame, c.FirstInput = p.Frame, p.Input
	ka, kb := netip.AddrPortFrom(k.a, k.ap), netip.AddrPortFrom(k.b, k.bp)
	if c.clientIsA {
		c.Client, c.Server = ka, kb
	} else {
		c.Client, c.Server = kb, ka
	}
	a.m[k] = i
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
	delete(a.m, c.k)
	*c = conn{prev: -1, next: -1}
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

// expire ends the connections idle for longer than their timeout at now.
func (a *Assembler) expire(now int64) {
	limits := [numLists]int64{int64(a.opts.Idle), int64(a.opts.ClosedIdle)}
	reasons := [numLists]string{EndIdle, EndClosed}
	for l := range a.lists {
		for {
			i := a.lists[l].tail
			if i < 0 || now-a.slab.at(i).Last <= limits[l] {
				break
			}
			a.finish(i, reasons[l])
		}
	}
}

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
		for i := a.lists[l].tail; i >= 0 && walked < maxWalk && a.stats.Memory > a.opts.MaxTotal; i = a.slab.at(i).prev {
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
	for a.stats.Memory > a.opts.MaxTotal && len(a.m) > 1 {
		before := len(a.m)
		a.evictOldest()
		if len(a.m) == before {
			break
		}
	}
}

// Flush ends every remaining connection, in order of connection id.
func (a *Assembler) Flush() {
	// Sorted by (id, slot) pairs: comparing ids read through the slab
	// would touch a random connection per comparison.
	open := make([]openConn, 0, len(a.m))
	for _, i := range a.m {
		open = append(open, openConn{a.slab.at(i).ID, i})
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

func (a *Assembler) unlink(i int32) {
	c := a.slab.at(i)
	l := &a.lists[c.list]
	if c.prev >= 0 {
		a.slab.at(c.prev).next = c.next
	} else {
		l.head = c.next
	}
	if c.next >= 0 {
		a.slab.at(c.next).prev = c.prev
	} else {
		l.tail = c.prev
	}
	c.prev, c.next = -1, -1
}

func (a *Assembler) push(i int32, which uint8) {
	c := a.slab.at(i)
	c.list = which
	l := &a.lists[which]
	c.prev, c.next = -1, l.head
	if l.head >= 0 {
		a.slab.at(l.head).prev = i
	}
	l.head = i
	if l.tail < 0 {
		l.tail = i
	}
}

// touch makes i the most recently active connection of its list.
func (a *Assembler) touch(i int32) {
	c := a.slab.at(i)
	if a.lists[c.list].head == i {
		return
	}
	a.unlink(i)
	a.push(i, c.list)
}

func (a *Assembler) moveList(i int32, which uint8) {
	a.unlink(i)
	a.push(i, which)
}
