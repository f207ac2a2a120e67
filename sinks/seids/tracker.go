package seids

import (
	"net/netip"
	"slices"
	"time"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Bounds of the per-session detail the tracker keeps.
const (
	maxUEIPs     = 8
	maxFTEIDs    = 8
	maxOHCs      = 8
	maxLatencies = 4096 // latencies kept per session for the median (the first ones)
)

// refInfo is where a message came from, indexed by its Ref (from 1), and
// the session the Correlator gave it (0: none, or not yet).
type refInfo struct {
	frame   uint64
	ts      int64
	input   pipeline.InputID
	digits  uint8
	session int32
}

// txKey identifies a request/response exchange: the requester's and
// responder's endpoint numbers (see tracker.endpoint) and the sequence
// number.
type txKey struct {
	requester, responder uint32
	seq                  uint32
}

// txState is one exchange: its first request and whether it was answered.
type txState struct {
	key      txKey
	ref      uint64 // first copy of the request
	typ      pfcp.MessageType
	first    int64
	copies   int
	answered bool
	latency  time.Duration
}

// detail is what the tracker adds to a Correlator session.
type detail struct {
	cpNode, upNode string
	// byType counts the session's messages by type, from
	// SessionEstablishmentRequest (session messages are types 50-57).
	byType         [8]int
	ueIPs          []netip.Addr
	fteids         []pfcp.FTEID
	ohcs           []pfcp.OuterHeaderCreation
	modified       bool
	latencies      []time.Duration
	answered       int
	latMin, latMax time.Duration
	retrans        int
	unanswered     int
}

// estReq is an establishment request whose session is decided at Close.
// Its UE addresses, F-TEIDs and Outer Header Creations are ue, ft and
// ohc of the tracker's estUE, estFT and estOHC (a request holds few, and
// a fixed array of each per request would cost a kilobyte).
type estReq struct {
	ref         uint64
	cp, up      netip.Addr
	node        string
	cpSEID      pfcp.OptSEID
	ue, ft, ohc span
}

// span is where a request's values sit in one of the tracker's slices.
type span struct{ start, end int32 }

// appendSpan appends vs to *all and returns where they went.
func appendSpan[T any](all *[]T, vs []T) span {
	start := int32(len(*all))
	*all = append(*all, vs...)
	return span{start, int32(len(*all))}
}

// pairKey is an unordered pair of node addresses, lower first.
type pairKey struct{ a, b netip.Addr }

// pairStats counts the node messages (types 1-17) between two nodes.
type pairStats struct {
	byType                map[pfcp.MessageType]int
	nodes                 []string
	first, last           uint64 // refs
	requests, unanswered  int
	retrans, answered     int
	latMin, latMax, total time.Duration
}

// tracker collects the session table's detail in capture order.
type tracker struct {
	refs    []refInfo // by Ref-1
	details []detail  // by session id (ids are dense from 1)
	ests    []estReq
	estUE   []pfcp.UEIPAddress
	estFT   []pfcp.FTEID
	estOHC  []pfcp.OuterHeaderCreation
	// txs indexes txList, the exchanges in order of their first request.
	txs map[txKey]int32
	// endIDs numbers the address:port endpoints for txKey; ends holds
	// them by number, lastEnd the last two looked up.
	endIDs  map[netip.AddrPort]uint32
	ends    []netip.AddrPort
	lastEnd [2]uint32
	txList  []txState
	pairs   map[pairKey]*pairStats
	order   []pairKey
}

func newTracker() *tracker {
	return &tracker{txs: map[txKey]int32{}, pairs: map[pairKey]*pairStats{}, endIDs: map[netip.AddrPort]uint32{}}
}

// endpoint returns ap's number, numbering it when new. A PFCP capture has
// few endpoints, and a message's are mostly the last message's two.
func (t *tracker) endpoint(ap netip.AddrPort) uint32 {
	for _, id := range t.lastEnd {
		if int(id) < len(t.ends) && t.ends[id] == ap {
			return id
		}
	}
	id, ok := t.endIDs[ap]
	if !ok {
		id = uint32(len(t.ends))
		t.endIDs[ap] = id
		t.ends = append(t.ends, ap)
	}
	t.lastEnd[0], t.lastEnd[1] = t.lastEnd[1], id
	return id
}

// assigned records that the Correlator gave session id (not 0) to the
// message with Ref ref.
func (t *tracker) assigned(ref uint64, id int) {
	if ref > 0 && ref <= uint64(len(t.refs)) {
		t.refs[ref-1].session = int32(id)
	}
}

// sessionOf returns the session of the message with Ref ref, if it has one.
func (t *tracker) sessionOf(ref uint64) (int, bool) {
	if ref == 0 || ref > uint64(len(t.refs)) || t.refs[ref-1].session == 0 {
		return 0, false
	}
	return int(t.refs[ref-1].session), true
}

func (t *tracker) detail(id int) *detail {
	for id >= len(t.details) {
		t.details = append(t.details, detail{})
	}
	return &t.details[id]
}

// count counts a message of session type typ.
func (d *detail) count(typ pfcp.MessageType) {
	if typ.IsSessionMessage() {
		d.byType[typ-pfcp.SessionEstablishmentRequest]++
	}
}

// types returns the counts by type as a byType map.
func (d *detail) types() byType {
	m := byType{}
	for i, n := range d.byType {
		if n > 0 {
			m[pfcp.SessionEstablishmentRequest+pfcp.MessageType(i)] = n
		}
	}
	return m
}

// add records message m of packet p, which the Correlator gave session
// id (Add's result), deciding the earlier requests decided (Decided).
func (t *tracker) add(m *pfcp.Message, p *pipeline.Packet, id int, decided []uint64) {
	s := m.Summary
	t.refs = append(t.refs, refInfo{frame: p.Frame, ts: p.Timestamp, input: p.Input, digits: p.TsDigits, session: int32(id)})
	for _, r := range decided {
		t.assigned(r, id)
	}
	if !s.HeaderOK {
		return
	}
	h := &s.Header
	t.transact(m)
	if !h.Type.IsSessionMessage() {
		t.node(m)
		return
	}
	if s.Messages != 1 {
		return
	}
	if h.Type == pfcp.SessionEstablishmentRequest {
		e := estReq{ref: m.Ref, cp: m.Src.Addr(), up: m.Dst.Addr(),
			ue:  appendSpan(&t.estUE, s.UEIPs[:min(s.NumUEIPs, len(s.UEIPs))]),
			ft:  appendSpan(&t.estFT, s.FTEIDs[:min(s.NumFTEIDs, len(s.FTEIDs))]),
			ohc: appendSpan(&t.estOHC, s.OHCs[:min(s.NumOHCs, len(s.OHCs))])}
		if s.HasNodeID {
			e.node = string(s.NodeText(nil))
		}
		if s.NumFSEIDs > 0 {
			e.cpSEID = pfcp.OptSEID{SEID: s.FSEIDs[0].SEID, Valid: true}
		}
		t.ests = append(t.ests, e)
		return
	}
	if id == 0 {
		return
	}
	d := t.detail(id)
	d.count(h.Type)
	d.addAddrs(s.UEIPs[:min(s.NumUEIPs, len(s.UEIPs))], s.FTEIDs[:min(s.NumFTEIDs, len(s.FTEIDs))])
	d.addOHCs(s.OHCs[:min(s.NumOHCs, len(s.OHCs))])
	switch h.Type {
	case pfcp.SessionEstablishmentResponse:
		if s.HasNodeID {
			d.upNode = string(s.NodeText(nil))
		}
	case pfcp.SessionModificationResponse:
		if s.HasCause && s.Cause.Accepted() {
			d.modified = true
		}
	}
}

// addAddrs keeps the distinct UE addresses and allocated F-TEIDs.
func (d *detail) addAddrs(ues []pfcp.UEIPAddress, fts []pfcp.FTEID) {
	for _, u := range ues {
		for _, a := range [2]netip.Addr{u.IPv4, u.IPv6} {
			if a.IsValid() && len(d.ueIPs) < maxUEIPs && !slices.Contains(d.ueIPs, a) {
				d.ueIPs = append(d.ueIPs, a)
			}
		}
	}
	for _, f := range fts {
		if f.Choose() || len(d.fteids) >= maxFTEIDs || slices.Contains(d.fteids, f) {
			continue
		}
		d.fteids = append(d.fteids, f)
	}
}

// addOHCs keeps the distinct GTP-U Outer Header Creations.
func (d *detail) addOHCs(os []pfcp.OuterHeaderCreation) {
	for _, o := range os {
		if o.Description&(pfcp.OHCGTPUv4|pfcp.OHCGTPUv6) == 0 || len(d.ohcs) >= maxOHCs || slices.Contains(d.ohcs, o) {
			continue
		}
		d.ohcs = append(d.ohcs, o)
	}
}

// transact matches requests and responses by requester, responder and
// sequence number.
func (t *tracker) transact(m *pfcp.Message) {
	h := &m.Summary.Header
	switch {
	case h.Type.IsRequest():
		k := txKey{t.endpoint(m.Src), t.endpoint(m.Dst), h.Seq}
		if i, ok := t.txs[k]; ok {
			t.txList[i].copies++
			return
		}
		t.txs[k] = int32(len(t.txList))
		t.txList = append(t.txList, txState{key: k, ref: m.Ref, typ: h.Type, first: m.Time, copies: 1})
	case h.Type.IsResponse():
		if i, ok := t.txs[txKey{t.endpoint(m.Dst), t.endpoint(m.Src), h.Seq}]; ok && !t.txList[i].answered {
			tx := &t.txList[i]
			tx.answered = true
			tx.latency = time.Duration(m.Time - tx.first)
		}
	}
}

// node counts a node message for its address pair.
func (t *tracker) node(m *pfcp.Message) {
	a, b := m.Src.Addr(), m.Dst.Addr()
	if b.Less(a) {
		a, b = b, a
	}
	k := pairKey{a, b}
	ps := t.pairs[k]
	if ps == nil {
		ps = &pairStats{byType: map[pfcp.MessageType]int{}, first: m.Ref}
		t.pairs[k] = ps
		t.order = append(t.order, k)
	}
	ps.byType[m.Summary.Header.Type]++
	ps.last = m.Ref
	if m.Summary.HasNodeID {
		n := string(m.Summary.NodeText(nil))
		if !slices.Contains(ps.nodes, n) && len(ps.nodes) < 4 {
			ps.nodes = append(ps.nodes, n)
		}
	}
}

// finish attributes the establishment requests and the exchanges to their
// sessions (or node pairs), now that every response has been read.
func (t *tracker) finish() {
	for i := range t.ests {
		e := &t.ests[i]
		id, ok := t.sessionOf(e.ref)
		if !ok {
			continue
		}
		d := t.detail(id)
		d.count(pfcp.SessionEstablishmentRequest)
		if d.cpNode == "" {
			d.cpNode = e.node
		}
		d.addAddrs(t.estUE[e.ue.start:e.ue.end], t.estFT[e.ft.start:e.ft.end])
		d.addOHCs(t.estOHC[e.ohc.start:e.ohc.end])
	}
	for i := range t.txList {
		tx := &t.txList[i]
		if id, ok := t.sessionOf(tx.ref); ok && tx.typ.IsSessionMessage() {
			d := t.detail(id)
			d.retrans += tx.copies - 1
			if !tx.answered {
				d.unanswered++
				continue
			}
			if d.answered == 0 || tx.latency < d.latMin {
				d.latMin = tx.latency
			}
			d.latMax = max(d.latMax, tx.latency)
			d.answered++
			if len(d.latencies) < maxLatencies {
				d.latencies = append(d.latencies, tx.latency)
			}
			continue
		}
		if tx.typ.IsSessionMessage() {
			continue // an exchange of no session: see unassigned
		}
		a, b := t.ends[tx.key.requester].Addr(), t.ends[tx.key.responder].Addr()
		if b.Less(a) {
			a, b = b, a
		}
		ps := t.pairs[pairKey{a, b}]
		if ps == nil {
			continue
		}
		ps.requests++
		ps.retrans += tx.copies - 1
		if !tx.answered {
			ps.unanswered++
			continue
		}
		if ps.answered == 0 || tx.latency < ps.latMin {
			ps.latMin = tx.latency
		}
		ps.latMax = max(ps.latMax, tx.latency)
		ps.total += tx.latency
		ps.answered++
	}
}

// unassigned returns the establishment requests that got no session (no
// response was seen), one per (CP, UP, CP SEID), with the number of copies.
func (t *tracker) unassigned() []incomplete {
	var out []incomplete
	idx := map[[2]netip.Addr]map[pfcp.OptSEID]int{}
	for i := range t.ests {
		e := &t.ests[i]
		if _, ok := t.sessionOf(e.ref); ok {
			continue
		}
		k := [2]netip.Addr{e.cp, e.up}
		if idx[k] == nil {
			idx[k] = map[pfcp.OptSEID]int{}
		}
		if j, ok := idx[k][e.cpSEID]; ok {
			out[j].copies++
			out[j].last = e.ref
			continue
		}
		idx[k][e.cpSEID] = len(out)
		out = append(out, incomplete{est: e, copies: 1, last: e.ref})
	}
	return out
}

// incomplete is an establishment that was never answered.
type incomplete struct {
	est    *estReq
	copies int
	last   uint64
}

// median returns the median of ds (the lower middle for an even count).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}
