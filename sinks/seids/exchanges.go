package seids

import (
	"math"
	"net/netip"
	"time"

	"github.com/pcapflow/pcapflow/internal/numbering"
)

// txKey identifies a request/response exchange: the requester's and
// responder's endpoint numbers (see exchanges.endpoint) and the sequence
// number.
type txKey struct {
	requester, responder uint32
	seq                  uint32
}

// Owners of an exchange: whose row counts it.
const (
	ownNone    uint8 = iota // a session message of no session
	ownSession              // the session whose record is in slot owner (tracker.details)
	ownPair                 // node pair owner
	ownEst                  // the waiting establishment request owner (its session is not decided yet)
)

// Expiry lists of an exchange.
const (
	inNone uint8 = iota
	inWaits
	inLingers
)

// exchange is a request waiting for its response, or answered and
// remembered to recognise retransmissions.
type exchange struct {
	key            txKey
	first, expires int64
	latency        time.Duration
	copies         int
	owner          int32
	// prev and next link the exchange in expiry list in (slot+1, 0:
	// none).
	prev, next     int32
	in             uint8
	ownerKind      uint8
	answered, live bool
}

// expiryList links exchanges in order of expiry: a list has one delay,
// so (re)scheduling an exchange moves it to the tail (packet time
// mostly grows), and the due ones are at the head.
type expiryList struct{ head, tail int32 }

// exchanges matches requests with their responses by requester,
// responder and sequence number. An exchange is forgotten wait after its
// last request copy when unanswered, linger after its response
// otherwise (packet time): only exchanges within those windows are held.
type exchanges struct {
	byKey map[txKey]int32
	list  []exchange
	free  []int32
	// lists are the unanswered (inWaits) and answered (inLingers)
	// exchanges in order of expiry; due is the earliest (MaxInt64: none).
	lists        [3]expiryList
	due          int64
	wait, linger int64
	// last is the latest packet time seen (seen: there was one); jump
	// is how far back packet time may step before the exchanges held
	// are ended (another capture read after this one, whose time starts
	// over: nothing held can be answered there).
	last, jump int64
	seen       bool
	// ends numbers the address:port endpoints of txKey.
	ends *numbering.Numbers[netip.AddrPort]
}

func newExchanges(wait, linger time.Duration) exchanges {
	jump := int64(math.MaxInt64)
	for _, d := range [2]time.Duration{wait, linger} {
		if d > 0 {
			jump = min(jump, int64(d))
		}
	}
	return exchanges{byKey: map[txKey]int32{}, ends: numbering.New[netip.AddrPort](), due: math.MaxInt64,
		wait: int64(wait), linger: int64(linger), jump: jump}
}

// advance sets packet time to now, ending through done the exchanges
// due before it, or all of them when time stepped back by more than
// jump.
func (x *exchanges) advance(now int64, done func(*exchange)) {
	switch {
	case !x.seen || now > x.last:
		x.last, x.seen = now, true
	case uint64(x.last)-uint64(now) > uint64(x.jump): // now < last: no overflow
		x.endAll(done)
		x.last = now
		return
	}
	if now > x.due {
		x.expire(now, done)
	}
}

// endpoint returns ap's number, numbering it when new.
func (x *exchanges) endpoint(ap netip.AddrPort) uint32 { return x.ends.ID(ap) }

// request records a request sent at now; it returns the slot of a new
// exchange, or false for a retransmission of a live one.
func (x *exchanges) request(k txKey, now int64) (int32, bool) {
	if i, ok := x.byKey[k]; ok {
		tx := &x.list[i]
		tx.copies++
		if !tx.answered {
			// A retransmission restarts the wait for the answer.
			x.schedule(i, inWaits, now, x.wait)
		}
		return i, false
	}
	var i int32
	if n := len(x.free); n > 0 {
		i, x.free = x.free[n-1], x.free[:n-1]
	} else {
		i = int32(len(x.list))
		x.list = append(x.list, exchange{})
	}
	x.byKey[k] = i
	x.list[i] = exchange{key: k, first: now, copies: 1, live: true}
	x.schedule(i, inWaits, now, x.wait)
	return i, true
}

// response answers the live exchange k at now (its first answer only).
func (x *exchanges) response(k txKey, now int64) {
	i, ok := x.byKey[k]
	if !ok || x.list[i].answered {
		return
	}
	tx := &x.list[i]
	tx.answered, tx.latency = true, time.Duration(now-tx.first)
	x.schedule(i, inLingers, now, x.linger)
}

// schedule moves exchange slot i to the tail of list in, to expire d
// after now (d zero: never, and in no list).
func (x *exchanges) schedule(i int32, in uint8, now, d int64) {
	x.unlink(i)
	tx := &x.list[i]
	tx.expires = now + d
	if d <= 0 || tx.expires < now {
		tx.expires = math.MaxInt64
		return
	}
	q := &x.lists[in]
	tx.in, tx.prev, tx.next = in, q.tail, 0
	if q.tail == 0 {
		q.head = i + 1
	} else {
		x.list[q.tail-1].next = i + 1
	}
	q.tail = i + 1
	x.due = min(x.due, tx.expires)
}

// unlink takes exchange slot i out of its expiry list.
func (x *exchanges) unlink(i int32) {
	tx := &x.list[i]
	if tx.in == inNone {
		return
	}
	q := &x.lists[tx.in]
	if tx.prev == 0 {
		q.head = tx.next
	} else {
		x.list[tx.prev-1].next = tx.next
	}
	if tx.next == 0 {
		q.tail = tx.prev
	} else {
		x.list[tx.next-1].prev = tx.prev
	}
	tx.in, tx.prev, tx.next = inNone, 0, 0
}

// expire ends, through done, the exchanges due before packet time now;
// callers check due first.
func (x *exchanges) expire(now int64, done func(*exchange)) {
	x.due = math.MaxInt64
	for _, in := range [2]uint8{inWaits, inLingers} {
		q := &x.lists[in]
		for q.head != 0 {
			i := q.head - 1
			if at := x.list[i].expires; at >= now {
				x.due = min(x.due, at)
				break
			}
			x.end(i, done)
		}
	}
}

// end forgets exchange slot i after handing it to done.
func (x *exchanges) end(i int32, done func(*exchange)) {
	x.unlink(i)
	tx := &x.list[i]
	done(tx)
	tx.live = false
	delete(x.byKey, tx.key)
	x.free = append(x.free, i)
}

// endAll ends every live exchange, in slot order.
func (x *exchanges) endAll(done func(*exchange)) {
	for i := range x.list {
		if x.list[i].live {
			x.end(int32(i), done)
		}
	}
	x.due = math.MaxInt64
}
