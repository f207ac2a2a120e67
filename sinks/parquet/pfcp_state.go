package parquet

import (
	"net/netip"
	"slices"
	"time"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
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
	// Request/response exchanges of the session: requests (first copies),
	// retransmitted copies, unanswered requests, and the latency of the
	// answered ones (first request copy to first response).
	Requests, Retransmissions, Unanswered, Answered int
	LatencyMin, LatencyMax, LatencyTotal            time.Duration
}

// pfcpRef is where a PFCP datagram came from.
type pfcpRef struct {
	frame uint64
	ts    int64
	input pipeline.InputID
}

type pfcpTxKey struct {
	requester, responder netip.AddrPort
	seq                  uint32
}

type pfcpTx struct {
	ref      uint64
	first    int64
	copies   int
	answered bool
	latency  time.Duration
}

type pfcpDetail struct {
	cpNode, upNode string
	ueIPs          []netip.Addr
	teids          []uint32
}

// pfcpState correlates the run's PFCP datagrams (pfcp.Correlator) and
// hands message rows, in capture order, to emit once their session is
// decided, and session rows at the end.
type pfcpState struct {
	corr    *pfcp.Correlator
	queue   pfcpQueue
	refs    []pfcpRef
	txs     map[pfcpTxKey]*pfcpTx
	txList  []*pfcpTx
	details map[int]*pfcpDetail
	emit    func(*PFCPMessage) error
}

func newPFCPState(emit func(*PFCPMessage) error) *pfcpState {
	return &pfcpState{corr: pfcp.NewCorrelator(), txs: map[pfcpTxKey]*pfcpTx{}, details: map[int]*pfcpDetail{}, emit: emit}
}

// add reads one PFCP packet: its UDP payload is data.
func (s *pfcpState) add(p *pipeline.Packet, payload []byte, ctx *PacketContext) error {
	d := &p.Decoded
	ref := uint64(len(s.refs) + 1)
	s.refs = append(s.refs, pfcpRef{frame: p.Frame, ts: p.Timestamp, input: p.Input})
	m := s.queue.push()
	*m = PFCPMessage{Ref: ref, Time: p.Timestamp, Frame: p.Frame, SourceFile: ctx.SourceFile, FlowID: ctx.FlowID,
		Src: netip.AddrPortFrom(d.IP.Src, d.IP.SrcPort), Dst: netip.AddrPortFrom(d.IP.Dst, d.IP.DstPort)}
	sum := &m.Summary
	pfcp.Summarize(payload, sum)
	if !sum.HeaderOK && sum.Header.HeaderLen == 0 {
		// Not even the header: keep the decode stage's reading.
		sum.Header.Type, sum.Header.HasSEID, sum.Header.SEID, sum.Header.Seq = pfcp.MessageType(d.PFCPType), d.PFCPHasSEID, d.PFCPSEID, d.PFCPSeq
	}
	s.corr.Add(pfcp.Message{Src: m.Src, Dst: m.Dst, Ref: ref, Time: p.Timestamp, Summary: sum})
	if sum.HeaderOK && sum.Messages == 1 {
		s.transact(m)
	}
	if id, ok := s.corr.SessionOf(ref); ok {
		s.decided(m, id)
	} else if sum.HeaderOK && sum.Messages == 1 && sum.Header.Type == pfcp.SessionEstablishmentRequest {
		m.pending = true
	}
	return s.drain(p.Timestamp, false)
}

// decided attributes m to session id.
func (s *pfcpState) decided(m *PFCPMessage, id int) {
	m.Session, m.pending = id, false
	det := s.details[id]
	if det == nil {
		det = &pfcpDetail{}
		s.details[id] = det
	}
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

// transact matches requests and responses by requester, responder and
// sequence number.
func (s *pfcpState) transact(m *PFCPMessage) {
	h := &m.Summary.Header
	switch {
	case h.Type.IsRequest():
		k := pfcpTxKey{m.Src, m.Dst, h.Seq}
		if tx := s.txs[k]; tx != nil {
			tx.copies++
			return
		}
		tx := &pfcpTx{ref: m.Ref, first: m.Time, copies: 1}
		s.txs[k] = tx
		s.txList = append(s.txList, tx)
	case h.Type.IsResponse():
		if tx := s.txs[pfcpTxKey{m.Dst, m.Src, h.Seq}]; tx != nil && !tx.answered {
			tx.answered, tx.latency = true, time.Duration(m.Time-tx.first)
		}
	}
}

// drain emits queued rows from the front up to the first undecided
// establishment request (giving up on it when too old or too many rows
// wait), or all of them when final.
func (s *pfcpState) drain(now int64, final bool) error {
	for s.queue.len() > 0 {
		m := s.queue.front()
		if m.pending {
			if id, ok := s.corr.SessionOf(m.Ref); ok {
				s.decided(m, id)
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

// sessions returns the session rows, by id, once every message was read.
func (s *pfcpState) sessions(inputName func(pipeline.InputID) string) []PFCPSession {
	all := s.corr.Sessions()
	out := make([]PFCPSession, len(all))
	ref := func(r uint64) pfcpRef {
		if r == 0 || r > uint64(len(s.refs)) {
			return pfcpRef{}
		}
		return s.refs[r-1]
	}
	for i, ss := range all {
		o := &out[i]
		o.Session = ss
		f, l := ref(ss.First), ref(ss.Last)
		o.FirstTime, o.FirstFrame, o.LastTime, o.LastFrame = f.ts, f.frame, l.ts, l.frame
		o.SourceFile = inputName(f.input)
		o.EstRequestFrame, o.EstResponseFrame = ref(ss.EstRequest).frame, ref(ss.EstResponse).frame
		if ss.Deleted != 0 {
			d := ref(ss.Deleted)
			o.DeletedTime, o.DeletedFrame = d.ts, d.frame
		}
		if det := s.details[ss.ID]; det != nil {
			o.CPNode, o.UPNode, o.UEIPs, o.TEIDs = det.cpNode, det.upNode, det.ueIPs, det.teids
		}
	}
	for _, tx := range s.txList {
		id, ok := s.corr.SessionOf(tx.ref)
		if !ok || id < 1 || id > len(out) {
			continue
		}
		o := &out[id-1]
		o.Requests++
		o.Retransmissions += tx.copies - 1
		if !tx.answered {
			o.Unanswered++
			continue
		}
		if o.Answered == 0 || tx.latency < o.LatencyMin {
			o.LatencyMin = tx.latency
		}
		o.LatencyMax = max(o.LatencyMax, tx.latency)
		o.LatencyTotal += tx.latency
		o.Answered++
	}
	return out
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

func (q *pfcpQueue) pop() {
	q.head = (q.head + 1) % len(q.buf)
	q.size--
}
