package parquet

import (
	"net/netip"
	"slices"
	"time"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/internal/numbering"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Bounds of the PFCP message queue: an establishment request waits for its
// response (which decides its session) at most this long in packet time,
// or until this many rows wait behind it; it is then written with no session.
const (
	PFCPDecideTimeout = 60 * time.Second
	PFCPMaxPending    = 1 << 16
)

// Bounds of the per-session detail.
const (
	maxSessionUEIPs = 8
	maxSessionTEIDs = 16
)

// PFCPMessage is one PFCP datagram as the pfcp_messages table receives it.
// It holds no reference to the batch it came from.
type PFCPMessage struct {
	// Ref numbers the PFCP datagrams of the run from 1.
	Ref uint64
	// Time, Frame, SourceFile and FlowID locate the packet.
	Time       int64
	Frame      uint64
	SourceFile string
	FlowID     uint64
	// Src and Dst are the outer addresses and UDP ports.
	Src, Dst netip.AddrPort
	// Summary is the decoded datagram.
	Summary pfcp.Summary
	// Session is the correlated session id (0 for none).
	Session int

	pending bool
}

// PFCPSession is one correlated PFCP session as the pfcp_sessions table
// receives it.
type PFCPSession struct {
	pfcp.Session
	// CPNode and UPNode are the Node IDs of the establishment exchange.
	CPNode, UPNode string
	// FirstTime/LastTime/DeletedTime and the frames locate the messages
	// the Session's Refs name; SourceFile is the first message's input.
	FirstTime, LastTime, DeletedTime    int64
	FirstFrame, LastFrame, DeletedFrame uint64
	EstRequestFrame, EstResponseFrame   uint64
	SourceFile                          string
	// UEIPs and TEIDs are the distinct UE addresses and allocated F-TEID
	// TEIDs the session's messages carried (the first ones).
	UEIPs []netip.Addr
	TEIDs []uint32
	// Exchanges counts the session's request/response exchanges.
	pfcp.Exchanges
}

// pfcpRef is where a PFCP datagram came from.
type pfcpRef struct {
	frame uint64
	ts    int64
	input pipeline.InputID
}

// pfcpTxKey is an exchange: its requester's and responder's endpoint
// numbers (see pfcpState.ends) and the sequence number.
type pfcpTxKey struct {
	requester, responder uint32
	seq                  uint32
}

// pfcpTx is a request/response exchange of a session message.
type pfcpTx struct {
	// ref is the request's first copy; est says it is an establishment
	// request, whose session is decided by its response.
	ref uint64
	est bool
	// session is the request's session (0: none, or not decided yet).
	session  int
	first    int64
	copies   int
	answered bool
	latency  time.Duration
	// expires is when the exchange is folded into its session's counts
	// and forgotten: pfcpTxLinger after its answer, PFCPDecideTimeout
	// after the last copy of its request while unanswered.
	expires int64
}

// pfcpTxLinger is how long, in packet time, an answered exchange is kept
// to count retransmitted copies of its request before it is folded into
// its session's counts and forgotten.
const pfcpTxLinger = 10 * time.Second

// pfcpSessionLinger is how long, in packet time, a deleted session keeps
// its SEIDs (a later message with them still belongs to it) before its
// row is written and it is forgotten, as in the seids message report.
const pfcpSessionLinger = 10 * time.Second

// pfcpDetail is what the session rows add to a Correlator session,
// collected as its messages are read.
type pfcpDetail struct {
	cpNode, upNode string
	ueIPs          []netip.Addr
	teids          []uint32
	// seen says a message was assigned to the session; estResponse,
	// last and deleted locate the Correlator's EstResponse, Last and
	// Deleted messages.
	seen                       bool
	estResponse, last, deleted pfcpRef
	// ex counts the session's finished exchanges; open its exchanges not
	// folded yet.
	ex   pfcp.Exchanges
	open int
	// dropped is set when the Correlator dropped the session (state
	// holds its last state): its row is written once open is 0.
	dropped bool
	state   pfcp.Session
}

// pfcpState correlates the run's PFCP datagrams (pfcp.Correlator) and
// hands message rows, in capture order, to emit once their session is
// decided, and session rows to emitSession when sessions end. It keeps
// nothing per message and nothing of a session once its row is written:
// a deleted session's row is written pfcpSessionLinger after its deletion
// (and once its exchanges are folded), the others' at the end. Its memory
// follows the live sessions, the rows waiting for a decision and the
// exchanges of the last seconds.
type pfcpState struct {
	corr    *pfcp.Correlator
	queue   pfcpQueue
	nextRef uint64
	// txs holds the session exchanges not yet folded; waits and lingers
	// list the unanswered and answered ones in order of their expiry;
	// estTxs maps an undecided establishment request's Ref to its key.
	txs            map[pfcpTxKey]pfcpTx
	waits, lingers pfcpRing
	estTxs         map[uint64]pfcpTxKey
	// details holds the sessions' details by id, until their rows are
	// written.
	details map[int]*pfcpDetail
	// ends numbers the address:port endpoints of pfcpTxKey.
	ends        *numbering.Numbers[netip.AddrPort]
	emit        func(*PFCPMessage) error
	emitSession func(*PFCPSession) error
	inputName   func(pipeline.InputID) string
	w           worker // runs addBatch, a batch at a time (see start)
}

// start adds the PFCP datagrams of b (whose contexts are pcs) on another
// goroutine, beside the packet tables' rows: the PFCP tables depend on
// nothing else the sink writes. It returns the channel that receives the
// result, which the caller must receive before b or pcs change and before
// the next start; nil (and nothing started) when b has no PFCP datagram.
func (s *pfcpState) start(b *pipeline.Batch, pcs []PacketContext) <-chan error {
	for i := range b.Packets {
		if hasPFCPRow(&b.Packets[i]) {
			return s.w.run(func() error { return s.addBatch(b, pcs, i) })
		}
	}
	return nil
}

// hasPFCPRow reports whether p is a PFCP datagram of its own (not one
// quoted in an ICMP error), which the PFCP tables take.
func hasPFCPRow(p *pipeline.Packet) bool {
	return p.Decoded.Layers.Has(pipeline.LayerPFCP) && !p.Decoded.Flags.Has(pipeline.FlagInICMPError)
}

// addBatch adds the PFCP datagrams of b from packet from on.
func (s *pfcpState) addBatch(b *pipeline.Batch, pcs []PacketContext, from int) error {
	for i := from; i < len(b.Packets); i++ {
		p := &b.Packets[i]
		if !hasPFCPRow(p) {
			continue
		}
		data := b.Bytes(p)
		start, end := int(p.Decoded.PayloadOffset), int(p.Decoded.PayloadOffset)+int(p.Decoded.PayloadLen)
		if start <= end && end <= len(data) {
			if err := s.add(p, data[start:end], &pcs[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

func newPFCPState(emit func(*PFCPMessage) error, emitSession func(*PFCPSession) error, inputName func(pipeline.InputID) string) *pfcpState {
	// Forget: the Correlator keeps no per-message record (the rows learn
	// their sessions from AddDigest and Decided); it waits for a response
	// as long as a row waits for its session and drops deleted sessions
	// after pfcpSessionLinger (Dropped hands them over).
	corr := pfcp.NewCorrelatorWith(pfcp.CorrelatorOptions{Window: PFCPDecideTimeout, Linger: pfcpSessionLinger,
		Forget: true, SkipTransactions: true, ReportDropped: true})
	return &pfcpState{corr: corr, txs: map[pfcpTxKey]pfcpTx{}, estTxs: map[uint64]pfcpTxKey{},
		details: map[int]*pfcpDetail{}, ends: numbering.New[netip.AddrPort](), emit: emit, emitSession: emitSession,
		inputName: inputName}
}

// add reads one PFCP packet: its UDP payload is data.
func (s *pfcpState) add(p *pipeline.Packet, payload []byte, ctx *PacketContext) error {
	d := &p.Decoded
	s.nextRef++
	ref := s.nextRef
	if err := s.expire(p.Timestamp); err != nil {
		return err
	}
	m := s.queue.push()
	*m = PFCPMessage{Ref: ref, Time: p.Timestamp, Frame: p.Frame, SourceFile: ctx.SourceFile, FlowID: ctx.FlowID,
		Src: netip.AddrPortFrom(d.IP.Src, d.IP.SrcPort), Dst: netip.AddrPortFrom(d.IP.Dst, d.IP.DstPort)}
	sum := &m.Summary
	pfcp.Summarize(payload, sum)
	if !sum.HeaderOK && sum.Header.HeaderLen == 0 {
		// Not even the header: keep the decode stage's reading.
		sum.Header.Type, sum.Header.HasSEID, sum.Header.SEID, sum.Header.Seq = pfcp.MessageType(d.PFCPType), d.PFCPHasSEID, d.PFCPSEID, d.PFCPSeq
	}
	here := pfcpRef{frame: p.Frame, ts: p.Timestamp, input: p.Input}
	single := sum.HeaderOK && sum.Messages == 1
	isEst := single && sum.Header.Type == pfcp.SessionEstablishmentRequest
	dig := pfcp.Digest{Src: pfcp.EndpointOf(m.Src), Dst: pfcp.EndpointOf(m.Dst), Time: p.Timestamp, Tag: pipeline.PackOrigin(p.Frame, p.Input)}
	dig.Set(sum)
	id := s.corr.AddDigest(ref, &dig)
	for _, r := range s.corr.Decided() {
		s.decide(r, id)
	}
	if id != 0 {
		det := s.detail(id)
		if !det.seen {
			// The first message given a session is the response that
			// opened it.
			det.seen, det.estResponse = true, here
		}
		det.last = here
		if sum.Header.Type == pfcp.SessionDeletionResponse && pfcp.DeletionEnds(sum.HasCause, sum.Cause) {
			det.deleted = here
		}
	}
	if single {
		s.transact(m, id, isEst)
	}
	switch {
	case id != 0:
		s.decided(m, id)
	case isEst:
		m.pending = true
	}
	for _, ss := range s.corr.Dropped() {
		if err := s.dropped(&ss); err != nil {
			return err
		}
	}
	return s.drain(p.Timestamp, false)
}

// decide records that establishment request r belongs to session id: its
// row, if still queued, is attributed when it reaches the front, and its
// exchange counts for the session.
func (s *pfcpState) decide(r uint64, id int) {
	if k, ok := s.estTxs[r]; ok {
		delete(s.estTxs, r)
		if tx, ok := s.txs[k]; ok && tx.ref == r && tx.session == 0 {
			tx.session = id
			s.txs[k] = tx
			s.detail(id).open++
		}
	}
	if s.queue.len() == 0 {
		return
	}
	first := s.queue.front().Ref
	if r < first || r-first >= uint64(s.queue.len()) {
		return
	}
	if m := s.queue.at(int(r - first)); m.Ref == r && m.pending && m.Session == 0 {
		m.Session = id
	}
}

// detail returns session id's detail.
func (s *pfcpState) detail(id int) *pfcpDetail {
	det := s.details[id]
	if det == nil {
		det = &pfcpDetail{}
		s.details[id] = det
	}
	return det
}

// decided attributes m to session id.
func (s *pfcpState) decided(m *PFCPMessage, id int) {
	m.Session, m.pending = id, false
	det := s.detail(id)
	sum := &m.Summary
	if sum.HasNodeID {
		switch sum.Header.Type {
		case pfcp.SessionEstablishmentRequest:
			if det.cpNode == "" {
				det.cpNode = string(sum.NodeText(nil))
			}
		case pfcp.SessionEstablishmentResponse:
			if det.upNode == "" {
				det.upNode = string(sum.NodeText(nil))
			}
		}
	}
	for _, u := range sum.UEIPs[:min(sum.NumUEIPs, len(sum.UEIPs))] {
		for _, a := range [2]netip.Addr{u.IPv4, u.IPv6} {
			if a.IsValid() && len(det.ueIPs) < maxSessionUEIPs && !slices.Contains(det.ueIPs, a) {
				det.ueIPs = append(det.ueIPs, a)
			}
		}
	}
	for _, f := range sum.FTEIDs[:min(sum.NumFTEIDs, len(sum.FTEIDs))] {
		if !f.Choose() && len(det.teids) < maxSessionTEIDs && !slices.Contains(det.teids, f.TEID) {
			det.teids = append(det.teids, f.TEID)
		}
	}
}

// transact matches session requests and responses by requester,
// responder and sequence number; id is the session Add gave m, est says m
// is an establishment request. Node messages (heartbeats, associations)
// belong to no session and are not followed.
func (s *pfcpState) transact(m *PFCPMessage, id int, est bool) {
	h := &m.Summary.Header
	if !h.Type.IsSessionMessage() {
		return
	}
	switch {
	case h.Type.IsRequest():
		k := pfcpTxKey{s.ends.ID(m.Src), s.ends.ID(m.Dst), h.Seq}
		tx, ok := s.txs[k]
		if ok {
			tx.copies++
			if !tx.answered {
				// A retransmission restarts the wait for the answer.
				tx.expires = m.Time + int64(PFCPDecideTimeout)
				s.waits.push(pfcpExpiry{at: tx.expires, key: k})
			}
			s.txs[k] = tx
			return
		}
		tx = pfcpTx{ref: m.Ref, est: est, session: id, first: m.Time, copies: 1, expires: m.Time + int64(PFCPDecideTimeout)}
		s.txs[k] = tx
		s.waits.push(pfcpExpiry{at: tx.expires, key: k})
		if id != 0 {
			s.detail(id).open++
		} else if est {
			s.estTxs[m.Ref] = k
		}
	case h.Type.IsResponse():
		k := pfcpTxKey{s.ends.ID(m.Dst), s.ends.ID(m.Src), h.Seq}
		if tx, ok := s.txs[k]; ok && !tx.answered {
			tx.answered, tx.latency = true, time.Duration(m.Time-tx.first)
			tx.expires = m.Time + int64(pfcpTxLinger)
			s.txs[k] = tx
			s.lingers.push(pfcpExpiry{at: tx.expires, key: k})
		}
	}
}

// pfcpExpiry is an exchange's key and the time to fold it.
type pfcpExpiry struct {
	at  int64
	key pfcpTxKey
}

// expire folds the exchanges whose time ended by packet time now.
func (s *pfcpState) expire(now int64) error {
	for _, q := range [2]*pfcpRing{&s.waits, &s.lingers} {
		for q.len() > 0 {
			e := q.front()
			if e.at >= now {
				break
			}
			q.pop()
			if tx, ok := s.txs[e.key]; ok && tx.expires == e.at {
				delete(s.txs, e.key)
				if err := s.fold(&tx); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// fold adds exchange tx to its session's counts, and writes the session's
// row if it was dropped and this was its last open exchange.
func (s *pfcpState) fold(tx *pfcpTx) error {
	if tx.session == 0 {
		if tx.est {
			delete(s.estTxs, tx.ref)
		}
		return nil
	}
	det := s.details[tx.session]
	if det == nil {
		return nil
	}
	det.ex.Add(tx.copies, tx.answered, tx.latency)
	det.open--
	if det.dropped && det.open == 0 {
		return s.finishSession(&det.state, det)
	}
	return nil
}

// dropped takes a session the Correlator dropped: its row is written now,
// or when its last exchange is folded.
func (s *pfcpState) dropped(ss *pfcp.Session) error {
	det := s.detail(ss.ID)
	if det.open > 0 {
		det.dropped, det.state = true, *ss
		return nil
	}
	return s.finishSession(ss, det)
}

// finishSession writes session ss's row and forgets it.
func (s *pfcpState) finishSession(ss *pfcp.Session, det *pfcpDetail) error {
	delete(s.details, ss.ID)
	o := PFCPSession{Session: *ss}
	frame, input := pipeline.UnpackOrigin(ss.FirstTag)
	o.FirstTime, o.FirstFrame, o.EstRequestFrame = ss.FirstTime, frame, frame
	o.SourceFile = s.inputName(input)
	o.LastTime, o.LastFrame = det.last.ts, det.last.frame
	o.EstResponseFrame = det.estResponse.frame
	if ss.Deleted != 0 {
		o.DeletedTime, o.DeletedFrame = det.deleted.ts, det.deleted.frame
	}
	o.CPNode, o.UPNode, o.UEIPs, o.TEIDs = det.cpNode, det.upNode, det.ueIPs, det.teids
	o.Exchanges = det.ex
	return s.emitSession(&o)
}

// drain emits queued rows from the front up to the first undecided
// establishment request (giving up on it when too old or too many rows
// wait), or all of them when final.
func (s *pfcpState) drain(now int64, final bool) error {
	for s.queue.len() > 0 {
		m := s.queue.front()
		if m.pending {
			if m.Session != 0 {
				s.decided(m, m.Session)
			} else if !final && now-m.Time <= int64(PFCPDecideTimeout) && s.queue.len() <= PFCPMaxPending {
				return nil
			}
		}
		if err := s.emit(m); err != nil {
			return err
		}
		s.queue.pop()
	}
	return nil
}

// finish writes the rows still queued, folds the exchanges still open and
// writes the rows of the sessions not written yet, by id.
func (s *pfcpState) finish() error {
	if err := s.drain(0, true); err != nil {
		return err
	}
	for k, tx := range s.txs {
		delete(s.txs, k)
		if err := s.fold(&tx); err != nil {
			return err
		}
	}
	s.waits, s.lingers = pfcpRing{}, pfcpRing{}
	return s.corr.EachSession(func(ss *pfcp.Session) error {
		return s.finishSession(ss, s.detail(ss.ID))
	})
}

// pfcpQueue is a FIFO of message rows, a ring buffer that grows by
// doubling and never shrinks.
type pfcpQueue struct {
	buf        []PFCPMessage
	head, size int
}

func (q *pfcpQueue) len() int { return q.size }

func (q *pfcpQueue) push() *PFCPMessage {
	if q.size == len(q.buf) {
		nb := make([]PFCPMessage, max(64, 2*len(q.buf)))
		for i := 0; i < q.size; i++ {
			nb[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = nb, 0
	}
	m := &q.buf[(q.head+q.size)%len(q.buf)]
	q.size++
	return m
}

func (q *pfcpQueue) front() *PFCPMessage { return &q.buf[q.head] }

// at returns the i-th row from the front.
func (q *pfcpQueue) at(i int) *PFCPMessage { return &q.buf[(q.head+i)%len(q.buf)] }

func (q *pfcpQueue) pop() {
	q.head = (q.head + 1) % len(q.buf)
	q.size--
}

// pfcpRing is a FIFO of exchange expiries, a ring buffer that grows by
// doubling and never shrinks.
type pfcpRing struct {
	buf        []pfcpExpiry
	head, size int
}

func (r *pfcpRing) len() int { return r.size }

func (r *pfcpRing) push(e pfcpExpiry) {
	if r.size == len(r.buf) {
		nb := make([]pfcpExpiry, max(64, 2*len(r.buf)))
		for i := 0; i < r.size; i++ {
			nb[i] = r.buf[(r.head+i)%len(r.buf)]
		}
		r.buf, r.head = nb, 0
	}
	r.buf[(r.head+r.size)%len(r.buf)] = e
	r.size++
}

func (r *pfcpRing) front() pfcpExpiry { return r.buf[r.head] }

func (r *pfcpRing) pop() {
	r.head = (r.head + 1) % len(r.buf)
	r.size--
}
