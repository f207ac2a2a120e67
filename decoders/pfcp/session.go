package pfcp

import (
	"math"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"

	"github.com/pcapflow/pcapflow/internal/chunked"
	"github.com/pcapflow/pcapflow/internal/slotindex"
)

// Message is one PFCP datagram as the Correlator sees it, in capture order.
type Message struct {
	// Src and Dst are the outer IP addresses and UDP ports.
	Src, Dst netip.AddrPort
	// Ref identifies the message to the caller (a frame number, unique
	// within the run, increasing); SessionOf and Decided answer by Ref.
	Ref uint64
	// Time is the capture timestamp in nanoseconds.
	Time int64
	// Summary is the decoded datagram.
	Summary *Summary
}

// OptSEID is a SEID that may be absent (no F-SEID IE in the message).
type OptSEID struct {
	SEID  uint64
	Valid bool
}

// Session is one PFCP session reconstructed by the Correlator.
type Session struct {
	// ID numbers sessions from 1 in order of their establishment response.
	ID int
	// CP and UP are the control- and user-plane node addresses.
	CP, UP netip.Addr
	// CPSEID comes from the request's F-SEID, UPSEID from the response's
	// (absent when the establishment was rejected).
	CPSEID, UPSEID OptSEID
	// EstRequest and EstResponse are the Refs of the establishment exchange.
	EstRequest, EstResponse uint64
	// EstCause is the response's Cause (HasEstCause false without one).
	EstCause    Cause
	HasEstCause bool
	// Messages counts the messages assigned to the session, retransmissions included.
	Messages int
	// First and Last are the Refs of the first and last messages.
	First, Last uint64
	// Deleted is the Ref of the last Session Deletion Response that
	// ended the session (see DeletionEnds), or 0.
	Deleted uint64
	// FirstTime and FirstTag are the capture time and the caller's Tag
	// (Digest.Tag; 0 through Add) of the First message.
	FirstTime int64
	FirstTag  uint64
}

// TransactionStats count request/response exchanges, matched by
// (requester address:port, responder address:port, sequence number).
type TransactionStats struct {
	Requests, Responses int
	// Retransmissions are requests seen again with the same key (a
	// retransmission, or the same frame captured twice).
	Retransmissions int
	// Unanswered requests never got a response; UnmatchedResponses answer
	// no request seen; DuplicateResponses answer a request already answered.
	Unanswered, UnmatchedResponses, DuplicateResponses int
	// Answered requests and their latency, from the first copy of the
	// request to the first response.
	Answered                             int
	LatencyTotal, LatencyMin, LatencyMax time.Duration
}

// CorrelatorOptions configure NewCorrelatorWith. The zero value is what
// NewCorrelator uses: nothing is forgotten.
type CorrelatorOptions struct {
	// Window bounds, in packet time, how long an establishment request
	// waits for its response, and any request for its answer: Window after
	// its last copy it is dropped, and a response arriving later matches
	// nothing (it opens no session and counts as unmatched). Zero waits
	// for the whole run.
	Window time.Duration
	// Linger bounds, in packet time, how long a finished exchange is
	// remembered to recognise retransmitted requests and repeated
	// responses: a decided establishment and an answered request are
	// dropped Linger after their response. With Forget, a deleted session
	// is dropped Linger after its Session Deletion Response: later
	// messages with its SEIDs belong to no session. Zero remembers them
	// for the whole run.
	Linger time.Duration
	// Forget drops the per-message record behind SessionOf, which then
	// always reports false: callers take a message's session from Add's
	// result and learn the sessions of earlier establishment requests from
	// Decided. Sessions then lists the sessions not dropped yet. With
	// Forget, SkipTransactions, a Window and a Linger, memory grows with
	// the number of live sessions and node addresses, never with the
	// number of messages.
	Forget bool
	// SkipTransactions turns request/response matching off: Stats then
	// stays zero. Sessions do not depend on it.
	SkipTransactions bool
	// ReportDropped makes Dropped list the sessions each Add dropped
	// (building a Session each, which callers that do not need them skip).
	ReportDropped bool
}

// Correlator groups PFCP messages into sessions following the rule in the
// package documentation, and matches requests with responses. Feed it
// every datagram in capture order with Add. It holds values, not
// pointers, so after warm-up Add does not allocate.
type Correlator struct {
	opts CorrelatorOptions
	ends endpoints
	seed seed
	// pending maps an establishment exchange (CP, UP, sequence number) to
	// its slot in pend; free lists the slots to reuse.
	pending slotindex.Index
	pend    chunked.Array[pendingEst]
	free    ring[int32]
	// firsts holds, by pend slot, the time and Tag of an establishment
	// request's first copy (read only when a session opens) and the Refs
	// of its retransmissions (pend stays free of pointers). pend and
	// firsts are chunked: they grow to the establishments of a Linger (or
	// a Window), and growing a slice by copying faulted fresh pages in at
	// each step, 4-5 times what the final slice holds.
	firsts chunked.Array[pendFirst]
	// bySEID maps (sender node, receiver node, header SEID) to a session
	// slot, and gone does for deleted sessions (until dropped; see
	// retire), so that bySEID, which most messages look up, holds the
	// sessions not deleted only: with a Linger, the deleted ones are most
	// of them. byPair holds the latest session created for each (CP, UP,
	// CP SEID, UP SEID) until it is deleted: a repeated establishment
	// response joins it.
	bySEID   slotindex.Index
	gone     goneIndex
	byPair   slotindex.Index
	sessions slab
	nextID   int
	// assigned records every message's session id (unless Forget).
	assigned idTable[uint64]
	// txs maps a transaction (requester, responder, seq) to its slot in
	// txList; txFree lists the slots to reuse.
	txs    idTable[exchKey]
	txList []transaction
	txFree []int32
	// waits and lingers list, in order of scheduling, when exchanges and
	// deleted sessions may be dropped: after Window, after Linger (two
	// queues, so that each is in time order).
	waits, lingers ring[expiryEntry]
	// due is at most the earliest time in the queues (math.MaxInt64 when
	// both are empty): Add looks at them only once packet time passes it.
	due     int64
	decided []uint64
	// dropped holds the sessions the last Add dropped (see Dropped).
	dropped []Session
	stats   TransactionStats
	// expiredUnanswered counts requests dropped unanswered by Window.
	expiredUnanswered int
}

// exchKey is an exchange: (CP node, UP node, seq) for pending
// establishments, (requester endpoint, responder endpoint, seq) for
// transactions. Nodes and endpoints are the ids of the endpoints table.
type exchKey struct {
	a, b, seq uint32
}

// pendingEst is an establishment exchange, 64 bytes without pointers
// (retransmissions' Refs are in Correlator.firsts).
type pendingEst struct {
	// key is the exchange while live (in the pending table).
	key    exchKey
	live   bool
	cpSEID OptSEID
	// first is the request's Ref, n the number of copies of it (the
	// others' Refs are in Correlator.more); the first assigned of them
	// were given a session by a response already.
	first       uint64
	n, assigned int
	expires     int64
}

// pendFirst is the time and caller's Tag of an establishment request's
// first copy, and the Refs of the request's other copies.
type pendFirst struct {
	time int64
	tag  uint64
	more []uint64
}

// pendAt returns pend slot i.
func (c *Correlator) pendAt(i int32) *pendingEst { return c.pend.At(int(i)) }

// pendRef returns the Ref of the j-th copy of the request in pend slot i.
func (c *Correlator) pendRef(i int32, j int) uint64 {
	if j == 0 {
		return c.pendAt(i).first
	}
	return c.firsts.At(int(i)).more[j-1]
}

type pairKey struct {
	cp, up         uint32
	cpSEID, upSEID OptSEID
}

type seidKey struct {
	src, dst uint32
	seid     uint64
}

type transaction struct {
	// key is the transaction while live (in the txs table).
	key      exchKey
	live     bool
	first    int64
	expires  int64
	answered bool
}

// Kinds of expiry entries.
const (
	expirePending uint8 = iota
	expireTx
	expireSession
)

type expiryEntry struct {
	at   int64
	key  exchKey
	slot int32
	kind uint8
}

// NewCorrelator returns an empty Correlator that forgets nothing.
func NewCorrelator() *Correlator { return NewCorrelatorWith(CorrelatorOptions{}) }

// NewCorrelatorWith returns an empty Correlator configured by o.
func NewCorrelatorWith(o CorrelatorOptions) *Correlator {
	c := &Correlator{opts: o, seed: seed(rand.Uint64()), due: math.MaxInt64}
	c.ends.init()
	c.pending.Init(indexMin)
	c.bySEID.Init(indexMin)
	c.gone.x.Init(indexMin)
	c.byPair.Init(indexMin)
	return c
}

// Add feeds one datagram and returns the id of the session it belongs to,
// 0 for none (yet: an establishment request is given its session when the
// response arrives; see Decided). Datagrams that are malformed before the
// header ends, or that chain several messages, take part in no session.
func (c *Correlator) Add(m Message) int {
	d := Digest{Src: EndpointOf(m.Src), Dst: EndpointOf(m.Dst), Time: m.Time}
	d.Set(m.Summary)
	return c.AddDigest(m.Ref, &d)
}

// AddDigest is Add for a datagram given by its Digest, with Ref ref.
func (c *Correlator) AddDigest(ref uint64, d *Digest) int {
	c.decided, c.dropped = c.decided[:0], c.dropped[:0]
	if !d.Has(DigestSingle) {
		return 0
	}
	if d.Time > c.due {
		c.expire(d.Time)
	}
	src, dst := c.ends.pair(&d.Src, &d.Dst)
	if !c.opts.SkipTransactions {
		c.transact(d, src, dst)
	}
	srcNode, dstNode := c.ends.node[src], c.ends.node[dst]
	switch {
	case d.Type == SessionEstablishmentRequest:
		c.request(ref, d, exchKey{srcNode, dstNode, d.Seq}, d.fseid())
		return 0
	case d.Type == SessionEstablishmentResponse:
		return c.response(ref, d, srcNode, dstNode)
	case d.Type.IsSessionMessage() && d.Has(DigestHeaderSEID):
		i, ok := c.findSEID(seidKey{srcNode, dstNode, d.SEID})
		if !ok {
			return 0
		}
		sl := c.sessions.at(i)
		c.assign(sl, ref)
		if d.Type == SessionDeletionResponse && DeletionEnds(d.Has(DigestCause), d.Cause) {
			cd := c.sessions.coldAt(i)
			if cd.deleted == 0 {
				c.retire(i, sl)
			}
			cd.deleted = ref
			if c.opts.Forget {
				c.schedule(&sl.expires, d.Time, &c.lingers, c.opts.Linger, expiryEntry{kind: expireSession, slot: i})
			}
		}
		return sl.id
	}
	return 0
}

// Dropped returns the sessions the last Add dropped (with Forget and a
// Linger, a deleted session is dropped Linger after its deletion, when a
// later message's time passes that): their last state, as Sessions would
// have listed them. It is empty unless ReportDropped is set. The slice is
// reused by the next Add.
func (c *Correlator) Dropped() []Session { return c.dropped }

// Decided returns the Refs of earlier establishment requests that the last
// Add assigned to the session it returned (the request and its
// retransmissions, when Add read their response). The slice is reused by
// the next Add.
func (c *Correlator) Decided() []uint64 { return c.decided }

// request records an establishment request (or a retransmission of it).
func (c *Correlator) request(ref uint64, d *Digest, k exchKey, fs OptSEID) {
	now := d.Time
	h := c.seed.exch(k)
	c.pending.Reserve()
	pos, found := c.findPending(k, h)
	var i int32
	if found {
		i = c.pending.At(pos).Slot()
		if p := c.pendAt(i); p.cpSEID == fs {
			f := c.firsts.At(int(i))
			f.more = append(f.more, ref)
			p.n++
			c.schedule(&p.expires, now, &c.waits, c.opts.Window, expiryEntry{kind: expirePending, key: k, slot: i})
			return
		}
	} else {
		// Slots are reused oldest first, like sessions, for locality.
		if c.free.len() > 0 {
			i = c.free.front()
			c.free.pop()
		} else {
			i = int32(c.pend.Add())
			c.firsts.Add()
		}
		c.pending.InsertAt(pos, h, i)
	}
	p := c.pendAt(i)
	*p = pendingEst{key: k, live: true, cpSEID: fs, first: ref, n: 1}
	f := c.firsts.At(int(i))
	f.time, f.tag, f.more = now, d.Tag, f.more[:0]
	c.schedule(&p.expires, now, &c.waits, c.opts.Window, expiryEntry{kind: expirePending, key: k, slot: i})
}

// response matches an establishment response with its request and opens
// (or joins) the session.
func (c *Correlator) response(ref uint64, d *Digest, upNode, cpNode uint32) int {
	k := exchKey{cpNode, upNode, d.Seq}
	ppos, ok := c.findPending(k, c.seed.exch(k))
	if !ok {
		return 0
	}
	pi := c.pending.At(ppos).Slot()
	p := c.pendAt(pi)
	up := d.fseid()
	pk := pairKey{cp: cpNode, up: upNode, cpSEID: p.cpSEID, upSEID: up}
	ph := c.seed.pair(pk)
	c.byPair.Reserve()
	pos, found := c.findPair(pk, ph)
	var si int32
	if found {
		// Not deleted: retire takes a deleted session's key out.
		si = c.byPair.At(pos).Slot()
	} else {
		si = c.sessions.alloc()
		c.byPair.InsertAt(pos, ph, si)
		c.nextID++
		flags := sessLive
		if pk.cpSEID.Valid {
			flags |= sessCPSEID
		}
		if pk.upSEID.Valid {
			flags |= sessUPSEID
		}
		*c.sessions.at(si) = sessHot{cp: cpNode, up: upNode, cpSEID: pk.cpSEID.SEID, upSEID: pk.upSEID.SEID, id: c.nextID,
			flags: flags, last: ref}
		f := c.firsts.At(int(pi))
		*c.sessions.coldAt(si) = sessCold{estRequest: p.first, estResponse: ref, first: p.first, firstTime: f.time, firstTag: f.tag, estCause: d.Cause,
			hasEstCause: d.Has(DigestCause)}
	}
	sess := c.sessions.at(si)
	for i := p.assigned; i < p.n; i++ {
		r := c.pendRef(pi, i)
		c.decided = append(c.decided, r)
		if !c.opts.Forget {
			if v, added := c.assigned.claim(r, c.seed.ref(r)); added {
				*v = int32(sess.id)
			} else {
				continue
			}
		}
		sess.messages++
	}
	p.assigned = p.n
	// CP→UP messages carry the UP SEID, UP→CP ones the CP SEID.
	if up.Valid {
		k := seidKey{cpNode, upNode, up.SEID}
		c.setSEID(&c.bySEID, k, c.seed.seid(k), si)
	}
	if p.cpSEID.Valid {
		k := seidKey{upNode, cpNode, p.cpSEID.SEID}
		c.setSEID(&c.bySEID, k, c.seed.seid(k), si)
	}
	c.schedule(&p.expires, d.Time, &c.lingers, c.opts.Linger, expiryEntry{kind: expirePending, key: k, slot: pi})
	c.trimWaits()
	c.assign(sess, ref)
	return sess.id
}

func (c *Correlator) assign(sess *sessHot, ref uint64) {
	if !c.opts.Forget {
		c.assigned.put(ref, c.seed.ref(ref), int32(sess.id))
	}
	sess.messages++
	sess.last = ref
}

// transact matches requests with responses.
func (c *Correlator) transact(d *Digest, src, dst uint32) {
	t := d.Type
	switch {
	case t.IsRequest():
		c.stats.Requests++
		k := exchKey{src, dst, d.Seq}
		slot, added := c.txs.claim(k, c.seed.exch(k))
		if !added {
			c.stats.Retransmissions++
			tx := &c.txList[*slot]
			if !tx.answered && c.opts.Window > 0 {
				// A retransmission restarts the wait for the answer.
				c.schedule(&tx.expires, d.Time, &c.waits, c.opts.Window, expiryEntry{kind: expireTx, key: k, slot: *slot})
			}
			return
		}
		if n := len(c.txFree); n > 0 {
			*slot, c.txFree = c.txFree[n-1], c.txFree[:n-1]
		} else {
			*slot = int32(len(c.txList))
			c.txList = append(c.txList, transaction{})
		}
		tx := &c.txList[*slot]
		*tx = transaction{key: k, live: true, first: d.Time}
		c.schedule(&tx.expires, d.Time, &c.waits, c.opts.Window, expiryEntry{kind: expireTx, key: k, slot: *slot})
	case t.IsResponse():
		c.stats.Responses++
		k := exchKey{dst, src, d.Seq}
		i, ok := c.txs.get(k, c.seed.exch(k))
		var tx *transaction
		if ok {
			tx = &c.txList[i]
		}
		switch {
		case !ok:
			c.stats.UnmatchedResponses++
		case tx.answered:
			c.stats.DuplicateResponses++
		default:
			tx.answered = true
			c.schedule(&tx.expires, d.Time, &c.lingers, c.opts.Linger, expiryEntry{kind: expireTx, key: k, slot: i})
			c.trimWaits()
			d := time.Duration(d.Time - tx.first)
			st := &c.stats
			if st.Answered == 0 || d < st.LatencyMin {
				st.LatencyMin = d
			}
			if d > st.LatencyMax {
				st.LatencyMax = d
			}
			st.Answered++
			st.LatencyTotal += d
		}
	}
}

// SessionOf returns the session id assigned to the message with ref. It
// always reports false for a Correlator made with Forget.
func (c *Correlator) SessionOf(ref uint64) (int, bool) {
	id, ok := c.assigned.get(ref, c.seed.ref(ref))
	return int(id), ok
}

// Sessions returns a copy of the sessions found so far (with Forget, those
// not dropped yet), by id.
func (c *Correlator) Sessions() []Session {
	out := make([]Session, 0, c.sessions.live())
	_ = c.EachSession(func(s *Session) error {
		out = append(out, *s)
		return nil
	})
	return out
}

// EachSession calls fn with each session Sessions would return, by id,
// one at a time (the Session is reused from call to call), and stops at
// fn's first error, which it returns. It holds 4 bytes per session, where
// Sessions holds a whole Session.
func (c *Correlator) EachSession(fn func(*Session) error) error {
	slots := make([]int32, 0, c.sessions.live())
	for i := int32(0); i < int32(c.sessions.used); i++ {
		if c.sessions.at(i).flags&sessLive != 0 {
			slots = append(slots, i)
		}
	}
	if c.opts.Forget {
		// Dropped sessions' slots are reused: slot order is not id order.
		slices.SortFunc(slots, func(a, b int32) int { return c.sessions.at(a).id - c.sessions.at(b).id })
	}
	var s Session
	for _, i := range slots {
		s = c.session(i)
		if err := fn(&s); err != nil {
			return err
		}
	}
	return nil
}

// Stats returns the transaction counters; Unanswered counts the requests
// without a response so far.
func (c *Correlator) Stats() TransactionStats {
	st := c.stats
	st.Unanswered = c.expiredUnanswered
	for i := range c.txList {
		if tx := &c.txList[i]; tx.live && !tx.answered {
			st.Unanswered++
		}
	}
	return st
}
