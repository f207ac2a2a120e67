package seids

import (
	"net/netip"
	"time"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/pipeline"
)

// rowBuilder builds the session table's rows one at a time, into one
// reused row: a row is written before the next is built.
type rowBuilder struct {
	s   *Sink
	t   *tracker
	row SessionRow
	pr  PairRow
	// What the row's pointers and slices point to.
	cpSEID, upSEID uint64
	cause          uint8
	lat            Latency
	ues            []string
	fteids         []FTEID
	addrs          [4 * maxValues]string
	types          typeCounts
	// times formats the rows' times (a second's text is reused).
	times timeCache
	// Scratch space.
	vals []value
	req  []valItem
	lats []int64
	buf  []byte
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// opt points p at o's SEID, or returns nil when o has none.
func opt(p *uint64, o pfcp.OptSEID) *uint64 {
	if !o.Valid {
		return nil
	}
	*p = o.SEID
	return p
}

// when returns a message time's text ("" when absent).
func (b *rowBuilder) when(st stamp) string {
	if !st.set {
		return ""
	}
	b.buf = b.times.append(b.buf[:0], st.ts, st.digits)
	return string(b.buf)
}

// frameOf returns st's frame (0 when absent).
func frameOf(st stamp) uint64 {
	if !st.set {
		return 0
	}
	return st.frame
}

// addrText returns a.String(), cached: a session table names few nodes.
func (s *Sink) addrText(a netip.Addr) string {
	if t, ok := s.addrs[a]; ok {
		return t
	}
	if s.addrs == nil {
		s.addrs = map[netip.Addr]string{}
	}
	t := a.String()
	s.addrs[a] = t
	return t
}

// session returns the row of Correlator session ss, whose record is d
// and whose G-PDUs are packets and bytes.
func (b *rowBuilder) session(ss *pfcp.Session, d *detail, packets, bytes int64) *SessionRow {
	t := b.t
	// The Correlator's first message is the establishment request
	// (EstRequest), whose frame and input its Tag carries.
	frame, input := pipeline.UnpackOrigin(ss.FirstTag)
	r := &b.row
	*r = SessionRow{Kind: "session", Session: ss.ID, File: b.s.inputName(input),
		CPAddr: b.s.addrText(ss.CP), UPAddr: b.s.addrText(ss.UP),
		CPSEID: opt(&b.cpSEID, ss.CPSEID), UPSEID: opt(&b.upSEID, ss.UPSEID),
		CPNode: t.names.text(d.cpNode), UPNode: t.names.text(d.upNode),
		EstReq: frame, FirstFr: frame, Messages: ss.Messages,
		Answered: d.ex.Answered, Retrans: d.ex.Retransmissions, Unanswer: d.ex.Unanswered,
		GTPUPackets: packets, GTPUBytes: bytes}
	if ss.EstResponse != 0 {
		r.EstResp, r.Estab = frameOf(d.estResp), b.when(d.estResp)
	}
	if ss.Last != 0 {
		r.LastFr, r.Last = frameOf(d.last), b.when(d.last)
	}
	if ss.Deleted != 0 {
		r.DelResp, r.Deleted = frameOf(d.deleted), b.when(d.deleted)
	}
	switch {
	case !ss.HasEstCause:
		r.State = StateIncomplete
	case !ss.EstCause.Accepted():
		r.State = StateRejected
	case ss.Deleted != 0:
		r.State = StateDeleted
	case d.modified:
		r.State = StateModified
	default:
		r.State = StateEstablished
	}
	if ss.HasEstCause {
		b.cause = uint8(ss.EstCause)
		r.EstCause = &b.cause
	}
	b.types = d.typeCounts(b.types[:0])
	r.ByType = b.types
	r.UEIPs = b.ueTexts(d.vals)
	r.FTEIDs = b.endpoints(d.vals)
	if d.ex.Answered > 0 {
		var med time.Duration
		med, b.lats = t.lats.median(d.lats, b.lats)
		b.lat = Latency{Min: us(d.ex.LatencyMin), Median: us(med), Max: us(d.ex.LatencyMax)}
		r.Latency = &b.lat
	}
	return r
}

// ueTexts returns the UE addresses of l as a row lists them (nil: none).
func (b *rowBuilder) ueTexts(l valList) []string {
	b.vals, b.req = b.t.vals.values(b.vals[:0], l, valUE, b.req)
	if len(b.vals) == 0 {
		return nil
	}
	b.ues = b.ues[:0]
	for _, v := range b.vals {
		b.ues = append(b.ues, v.a.addr().String())
	}
	return b.ues
}

// endpoints returns the F-TEIDs, then the Outer Header Creations, of l
// as a row lists them (nil: none).
func (b *rowBuilder) endpoints(l valList) []FTEID {
	b.vals, b.req = b.t.vals.values(b.vals[:0], l, valFTEID, b.req)
	nf := len(b.vals)
	b.vals, b.req = b.t.vals.values(b.vals, l, valOHC, b.req)
	if len(b.vals) == 0 {
		return nil
	}
	b.fteids = b.fteids[:0]
	for i, v := range b.vals {
		src := SourceFTEID
		if i >= nf {
			src = SourceOHC
		}
		b.fteids = append(b.fteids, FTEID{TEID: v.teid, IPv4: b.addrPtr(2*i, v.a), IPv6: b.addrPtr(2*i+1, v.b), Source: src})
	}
	return b.fteids
}

// addrPtr returns a pointer to a's text, kept in slot i, or nil when a
// is absent. GTP-U endpoints are the addresses of a few nodes: their
// texts are cached.
func (b *rowBuilder) addrPtr(i int, a caddr) *string {
	if a.kind == 0 {
		return nil
	}
	b.addrs[i] = b.s.addrText(a.addr())
	return &b.addrs[i]
}

// incomplete returns the row of an establishment never answered.
func (b *rowBuilder) incomplete(in *incomplete) *SessionRow {
	t, e := b.t, in.est
	r := &b.row
	b.types = append(b.types[:0], typeCount{pfcp.SessionEstablishmentRequest, in.copies})
	*r = SessionRow{Kind: "session", State: StateIncomplete, File: b.s.inputName(e.input),
		CPAddr: e.cp.String(), UPAddr: e.up.String(), CPSEID: opt(&b.cpSEID, e.cpSEID), CPNode: t.names.text(e.node),
		EstReq: e.at.frame, FirstFr: e.at.frame, LastFr: in.last.frame, Last: b.when(in.last),
		Messages: in.copies, ByType: b.types, Retrans: in.copies - 1, Unanswer: 1}
	// The first request's UE addresses, distinct.
	b.ues = b.ues[:0]
	b.vals = b.vals[:0]
	for i := e.vals.head; i != 0; {
		it := t.vals.item(i)
		i = it.next
		if it.kind == valUE && len(b.vals) < maxValues && !containsValue(b.vals, it.v) {
			b.vals = append(b.vals, it.v)
			b.ues = append(b.ues, it.v.a.addr().String())
		}
	}
	if len(b.ues) > 0 {
		r.UEIPs = b.ues
	}
	return r
}

func containsValue(vs []value, v value) bool {
	for i := range vs {
		if vs[i] == v {
			return true
		}
	}
	return false
}

// pair returns the row of node pair p.
func (b *rowBuilder) pair(p *pairStats) *PairRow {
	r := &b.pr
	*r = PairRow{Kind: "node_pair", A: p.key.a.String(), B: p.key.b.String(), Nodes: p.nodes,
		Requests: p.ex.Requests, Answered: p.ex.Answered, Retrans: p.ex.Retransmissions, Unanswer: p.ex.Unanswered,
		FirstFr: p.first, LastFr: p.last}
	b.types = b.types[:0]
	for typ, n := range p.byType {
		if n == 0 {
			continue
		}
		t := pfcp.MessageType(typ)
		b.types = append(b.types, typeCount{t, n})
		r.Messages += n
		switch {
		case t >= pfcp.AssociationSetupRequest && t <= pfcp.AssociationReleaseResponse:
			r.AssocMsgs += n
		case t == pfcp.HeartbeatRequest || t == pfcp.HeartbeatResponse:
			r.Heartbeat += n
		}
	}
	r.ByType = b.types
	if p.ex.Answered > 0 {
		b.lat = Latency{Min: us(p.ex.LatencyMin), Median: us(p.ex.LatencyTotal / time.Duration(p.ex.Answered)), Max: us(p.ex.LatencyMax)}
		r.Latency = &b.lat
	}
	return r
}
