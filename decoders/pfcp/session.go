package pfcp

import (
	"net/netip"
	"slices"
	"time"
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
	// Deleted is the Ref of the Session Deletion Response, or 0.
	Deleted uint64
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
}

// Correlator groups PFCP messages into sessions following the rule in the
// package documentation, and matches requests with responses. Feed it
// every datagram in capture order with Add. It holds values, not
// pointers, so after warm-up Add does not allocate.
type Correlator struct {
	opts CorrelatorOptions
	ends endpoints
	// pending maps an establishment exchange (CP, UP, sequence number) to
	// its slot in pend; free lists the slots to reuse.
	pending map[exchKey]int32
	pend    []pendingEst
	free    []int32
	// bySEID maps (sender node, receiver node, header SEID) to a session
	// slot; byPair holds the latest session created for each (CP, UP, CP
	// SEID, UP SEID): a repeated establishment response joins it while it
	// is not deleted.
	bySEID   map[seidKey]int32
	byPair   map[pairKey]int32
	sessions slab
	nextID   int
	// assigned records every message's session id (unless Forget).
	assigned map[uint64]int32
	txs      map[exchKey]transaction
	// waits and lingers list, in order of scheduling, when exchanges and
	// deleted sessions may be dropped: after Window, after Linger (two
	// queues, so that each is in time order).
	waits, lingers ring[expiryEntry]
	decided        []uint64
	stats          TransactionStats
	// expiredUnanswered counts requests dropped unanswered by Window.
	expiredUnanswered int
}

// exchKey is an exchange: (CP node, UP node, seq) for pending
// establishments, (requester endpoint, responder endpoint, seq) for
// transactions. Nodes and endpoints are the ids of the endpoints table.
type exchKey struct {
	a, b, seq uint32
}

type pendingEst struct {
	cpSEID OptSEID
	// first and more are the requests' Refs (more: retransmissions), n of
	// them; the first assigned of them were given a session by a response
	// already.
	first       uint64
	more        []uint64
	n, assigned int
	expires     int64
}

// ref returns the Ref of the i-th copy of the request.
func (p *pendingEst) ref(i int) uint64 {
	if i == 0 {
		return p.first
	}
	return p.more[i-1]
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
	c := &Correlator{
		opts:    o,
		pending: make(map[exchKey]int32),
		bySEID:  make(map[seidKey]int32),
		byPair:  make(map[pairKey]int32),
		txs:     make(map[exchKey]transaction),
	}
	c.ends.init()
	if !o.Forget {
		c.assigned = make(map[uint64]int32)
	}
	return c
}

// Add feeds one datagram and returns the id of the session it belongs to,
// 0 for none (yet: an establishment request is given its session when the
// response arrives; see Decided). Datagrams that are malformed before the
// header ends, or that chain several messages, take part in no session.
func (c *Correlator) Add(m Message) int {
	c.decided = c.decided[:0]
	s := m.Summary
	if s == nil || !s.HeaderOK || s.Messages != 1 {
		return 0
	}
	if c.opts.Window > 0 || c.opts.Linger > 0 {
		c.expire(m.Time)
	}
	src, dst := c.ends.id(m.Src), c.ends.id(m.Dst)
	if !c.opts.SkipTransactions {
		c.transact(m, src, dst)
	}
	h := &s.Header
	srcNode, dstNode := c.ends.node[src], c.ends.node[dst]
	switch {
	case h.Type == SessionEstablishmentRequest:
		c.request(m, exchKey{srcNode, dstNode, h.Seq}, firstSEID(s))
		return 0
	case h.Type == SessionEstablishmentResponse:
		return c.response(m, srcNode, dstNode)
	case h.Type.IsSessionMessage() && h.HasSEID:
		i, ok := c.bySEID[seidKey{srcNode, dstNode, h.SEID}]
		if !ok {
			return 0
		}
		sl := c.sessions.at(i)
		c.assign(&sl.s, m.Ref)
		if h.Type == SessionDeletionResponse {
			sl.s.Deleted = m.Ref
			if c.opts.Forget {
				c.schedule(&sl.expires, m.Time, &c.lingers, c.opts.Linger, expiryEntry{kind: expireSession, slot: i})
			}
		}
		return sl.s.ID
	}
	return 0
}

// Decided returns the Refs of earlier establishment requests that the last
// Add assigned to the session it returned (the request and its
// retransmissions, when Add read their response). The slice is reused by
// the next Add.
func (c *Correlator) Decided() []uint64 { return c.decided }

// request records an establishment request (or a retransmission of it).
func (c *Correlator) request(m Message, k exchKey, fs OptSEID) {
	i, ok := c.pending[k]
	if ok {
		if p := &c.pend[i]; p.cpSEID == fs {
			p.more = append(p.more, m.Ref)
			p.n++
			c.schedule(&p.expires, m.Time, &c.waits, c.opts.Window, expiryEntry{kind: expirePending, key: k})
			return
		}
	} else {
		if n := len(c.free); n > 0 {
			i, c.free = c.free[n-1], c.free[:n-1]
		} else {
			i = int32(len(c.pend))
			c.pend = append(c.pend, pendingEst{})
		}
		c.pending[k] = i
	}
	p := &c.pend[i]
	p.cpSEID, p.first, p.more, p.n, p.assigned = fs, m.Ref, p.more[:0], 1, 0
	c.schedule(&p.expires, m.Time, &c.waits, c.opts.Window, expiryEntry{kind: expirePending, key: k})
}

// response matches an establishment response with its request and opens
// (or joins) the session.
func (c *Correlator) response(m Message, upNode, cpNode uint32) int {
	s := m.Summary
	k := exchKey{cpNode, upNode, s.Header.Seq}
	pi, ok := c.pending[k]
	if !ok {
		return 0
	}
	p := &c.pend[pi]
	up := firstSEID(s)
	pk := pairKey{cp: cpNode, up: upNode, cpSEID: p.cpSEID, upSEID: up}
	si, ok := c.byPair[pk]
	if ok && c.sessions.at(si).s.Deleted != 0 {
		ok = false
	}
	if !ok {
		si = c.sessions.alloc()
		c.nextID++
		*c.sessions.at(si) = sessSlot{s: Session{ID: c.nextID, CP: c.ends.addr(cpNode), UP: c.ends.addr(upNode),
			CPSEID: p.cpSEID, UPSEID: up, EstRequest: p.first, EstResponse: m.Ref, EstCause: s.Cause,
			HasEstCause: s.HasCause, First: p.first, Last: m.Ref}, cp: cpNode, up: upNode, live: true}
		c.byPair[pk] = si
	}
	sess := &c.sessions.at(si).s
	for i := p.assigned; i < p.n; i++ {
		r := p.ref(i)
		c.decided = append(c.decided, r)
		if c.assigned != nil {
			if _, done := c.assigned[r]; done {
				continue
			}
			c.assigned[r] = int32(sess.ID)
		}
		sess.Messages++
	}
	p.assigned = p.n
	// CP→UP messages carry the UP SEID, UP→CP ones the CP SEID.
	if up.Valid {
		c.bySEID[seidKey{cpNode, upNode, up.SEID}] = si
	}
	if p.cpSEID.Valid {
		c.bySEID[seidKey{upNode, cpNode, p.cpSEID.SEID}] = si
	}
	c.schedule(&p.expires, m.Time, &c.lingers, c.opts.Linger, expiryEntry{kind: expirePending, key: k})
	c.assign(sess, m.Ref)
	return sess.ID
}

func (c *Correlator) assign(sess *Session, ref uint64) {
	if c.assigned != nil {
		c.assigned[ref] = int32(sess.ID)
	}
	sess.Messages++
	sess.Last = ref
}

func firstSEID(s *Summary) OptSEID {
	if s.NumFSEIDs == 0 {
		return OptSEID{}
	}
	return OptSEID{SEID: s.FSEIDs[0].SEID, Valid: true}
}

// transact matches requests with responses.
func (c *Correlator) transact(m Message, src, dst uint32) {
	t := m.Summary.Header.Type
	switch {
	case t.IsRequest():
		c.stats.Requests++
		k := exchKey{src, dst, m.Summary.Header.Seq}
		if tx, ok := c.txs[k]; ok {
			c.stats.Retransmissions++
			if !tx.answered && c.opts.Window > 0 {
				// A retransmission restarts the wait for the answer.
				c.schedule(&tx.expires, m.Time, &c.waits, c.opts.Window, expiryEntry{kind: expireTx, key: k})
				c.txs[k] = tx
			}
			return
		}
		tx := transaction{first: m.Time}
		c.schedule(&tx.expires, m.Time, &c.waits, c.opts.Window, expiryEntry{kind: expireTx, key: k})
		c.txs[k] = tx
	case t.IsResponse():
		c.stats.Responses++
		k := exchKey{dst, src, m.Summary.Header.Seq}
		tx, ok := c.txs[k]
		switch {
		case !ok:
			c.stats.UnmatchedResponses++
		case tx.answered:
			c.stats.DuplicateResponses++
		default:
			tx.answered = true
			c.schedule(&tx.expires, m.Time, &c.lingers, c.opts.Linger, expiryEntry{kind: expireTx, key: k})
			c.txs[k] = tx
			d := time.Duration(m.Time - tx.first)
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
	id, ok := c.assigned[ref]
	return int(id), ok
}

// Sessions returns a copy of the sessions found so far (with Forget, those
// not dropped yet), by id.
func (c *Correlator) Sessions() []Session {
	out := make([]Session, 0, c.sessions.used-len(c.sessions.free))
	for i := int32(0); i < int32(c.sessions.used); i++ {
		if sl := c.sessions.at(i); sl.live {
			out = append(out, sl.s)
		}
	}
	if c.opts.Forget {
		slices.SortFunc(out, func(a, b Session) int { return a.ID - b.ID })
	}
	return out
}

// Stats returns the transaction counters; Unanswered counts the requests
// without a response so far.
func (c *Correlator) Stats() TransactionStats {
	st := c.stats
	st.Unanswered = c.expiredUnanswered
	for _, tx := range c.txs {
		if !tx.answered {
			st.Unanswered++
		}
	}
	return st
}
