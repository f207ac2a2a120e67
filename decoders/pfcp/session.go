package pfcp

import (
	"net/netip"
	"time"
)

// Message is one PFCP datagram as the Correlator sees it, in capture order.
type Message struct {
	// Src and Dst are the outer IP addresses and UDP ports.
	Src, Dst netip.AddrPort
	// Ref identifies the message to the caller (a frame number, unique
	// within the run); SessionOf answers by Ref.
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

// Correlator groups PFCP messages into sessions following the rule in the
// package documentation, and matches requests with responses. Feed it
// every datagram in capture order with Add. Its memory grows with the
// number of sessions, transactions and assigned messages.
type Correlator struct {
	pending map[pendingKey]*pendingEst
	bySEID  map[seidKey]*Session
	// byPair holds the latest session created for each (CP, UP, CP SEID,
	// UP SEID): a repeated establishment response joins it while it is
	// not deleted. (A map, not a scan of every session: the scan made
	// correlation quadratic in the number of sessions.)
	byPair   map[pairKey]*Session
	sessions []*Session
	assigned map[uint64]int
	txs      map[txKey]*transaction
	stats    TransactionStats
}

type pendingKey struct {
	cp, up netip.Addr
	seq    uint32
}

type pendingEst struct {
	cpSEID OptSEID
	refs   []uint64
}

type pairKey struct {
	cp, up         netip.Addr
	cpSEID, upSEID OptSEID
}

type seidKey struct {
	src, dst netip.Addr
	seid     uint64
}

type txKey struct {
	requester, responder netip.AddrPort
	seq                  uint32
}

type transaction struct {
	first    int64
	answered bool
}

// NewCorrelator returns an empty Correlator.
func NewCorrelator() *Correlator {
	return &Correlator{
		pending:  make(map[pendingKey]*pendingEst),
		bySEID:   make(map[seidKey]*Session),
		byPair:   make(map[pairKey]*Session),
		assigned: make(map[uint64]int),
		txs:      make(map[txKey]*transaction),
	}
}

// Add feeds one datagram. Datagrams that are malformed before the header
// ends, or that chain several messages, take part in no session.
func (c *Correlator) Add(m Message) {
	s := m.Summary
	if s == nil || !s.HeaderOK || s.Messages != 1 {
		return
	}
	c.transact(m)
	h := &s.Header
	src, dst := m.Src.Addr(), m.Dst.Addr()
	switch {
	case h.Type == SessionEstablishmentRequest:
		k := pendingKey{src, dst, h.Seq}
		fs := firstSEID(s)
		if p := c.pending[k]; p != nil && p.cpSEID == fs {
			p.refs = append(p.refs, m.Ref)
			return
		}
		c.pending[k] = &pendingEst{cpSEID: fs, refs: []uint64{m.Ref}}
	case h.Type == SessionEstablishmentResponse:
		p := c.pending[pendingKey{dst, src, h.Seq}]
		if p == nil {
			return
		}
		up := firstSEID(s)
		pk := pairKey{cp: dst, up: src, cpSEID: p.cpSEID, upSEID: up}
		sess := c.byPair[pk]
		if sess != nil && sess.Deleted != 0 {
			sess = nil
		}
		if sess == nil {
			sess = &Session{ID: len(c.sessions) + 1, CP: dst, UP: src, CPSEID: p.cpSEID, UPSEID: up,
				EstRequest: p.refs[0], EstResponse: m.Ref, EstCause: s.Cause, HasEstCause: s.HasCause,
				First: p.refs[0], Last: m.Ref}
			c.sessions = append(c.sessions, sess)
			c.byPair[pk] = sess
		}
		for _, r := range p.refs {
			if _, done := c.assigned[r]; !done {
				c.assigned[r] = sess.ID
				sess.Messages++
			}
		}
		if up.Valid {
			c.bySEID[seidKey{dst, src, up.SEID}] = sess
		}
		if p.cpSEID.Valid {
			c.bySEID[seidKey{src, dst, p.cpSEID.SEID}] = sess
		}
		c.assign(sess, m.Ref)
	case h.Type.IsSessionMessage() && h.HasSEID:
		sess := c.bySEID[seidKey{src, dst, h.SEID}]
		if sess == nil {
			return
		}
		c.assign(sess, m.Ref)
		if h.Type == SessionDeletionResponse {
			sess.Deleted = m.Ref
		}
	}
}

func (c *Correlator) assign(sess *Session, ref uint64) {
	c.assigned[ref] = sess.ID
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
func (c *Correlator) transact(m Message) {
	t := m.Summary.Header.Type
	switch {
	case t.IsRequest():
		c.stats.Requests++
		k := txKey{m.Src, m.Dst, m.Summary.Header.Seq}
		if c.txs[k] != nil {
			c.stats.Retransmissions++
			return
		}
		c.txs[k] = &transaction{first: m.Time}
	case t.IsResponse():
		c.stats.Responses++
		tx := c.txs[txKey{m.Dst, m.Src, m.Summary.Header.Seq}]
		switch {
		case tx == nil:
			c.stats.UnmatchedResponses++
		case tx.answered:
			c.stats.DuplicateResponses++
		default:
			tx.answered = true
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

// SessionOf returns the session id assigned to the message with ref.
func (c *Correlator) SessionOf(ref uint64) (int, bool) {
	id, ok := c.assigned[ref]
	return id, ok
}

// Sessions returns a copy of the sessions found so far, by id.
func (c *Correlator) Sessions() []Session {
	out := make([]Session, len(c.sessions))
	for i, s := range c.sessions {
		out[i] = *s
	}
	return out
}

// Stats returns the transaction counters; Unanswered counts the requests
// without a response so far.
func (c *Correlator) Stats() TransactionStats {
	st := c.stats
	st.Unanswered = 0
	for _, tx := range c.txs {
		if !tx.answered {
			st.Unanswered++
		}
	}
	return st
}
