package seids

import (
	"net/netip"
	"slices"
	"time"

	"github.com/pcapflow/pcapflow/decoders/mobile"
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

// refInfo is where a message came from, indexed by its Ref (from 1).
type refInfo struct {
	frame  uint64
	ts     int64
	input  pipeline.InputID
	digits uint8
}

// txKey identifies a request/response exchange.
type txKey struct {
	requester, responder netip.AddrPort
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
	byType         map[pfcp.MessageType]int
	ueIPs          []netip.Addr
	fteids         []pfcp.FTEID
	ohcs           []pfcp.OuterHeaderCreation
	// gtpuPackets and gtpuBytes count the G-PDUs (and their frame
	// lengths on the wire) sent to the session's tunnel endpoints.
	gtpuPackets, gtpuBytes int64
	modified               bool
	latencies              []time.Duration
	answered               int
	latMin, latMax         time.Duration
	retrans                int
	unanswered             int
}

// estReq is an establishment request whose session is decided at Close.
type estReq struct {
	ref    uint64
	cp, up netip.Addr
	node   string
	ueIPs  [pfcp.SummaryUEIPs]pfcp.UEIPAddress
	nUE    int
	fteids [pfcp.SummaryFTEIDs]pfcp.FTEID
	nFT    int
	ohcs   [pfcp.SummaryOHCs]pfcp.OuterHeaderCreation
	nOHC   int
	cpSEID pfcp.OptSEID
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
	details map[int]*detail
	ests    []estReq
	// txs indexes txList, the exchanges in order of their first request.
	txs    map[txKey]int32
	txList []txState
	pairs  map[pairKey]*pairStats
	order  []pairKey
	// mob follows the sessions' GTP-U endpoints in capture order; ids maps
	// its session index to the Correlator's session id (0: not yet known).
	mob *mobile.PFCPTable
	ids []int
}

func newTracker() *tracker {
	return &tracker{details: map[int]*detail{}, txs: map[txKey]int32{}, pairs: map[pairKey]*pairStats{},
		mob: mobile.NewPFCPTable()}
}

// gtpu counts a G-PDU for the session owning its endpoint (outer
// destination and TEID) at this point of the capture.
func (t *tracker) gtpu(d *pipeline.Decoded, wire uint32) {
	if d.GTPType != 255 || d.TEID == 0 {
		return
	}
	i, ok := t.mob.Tunnel(d.IP.Dst, d.TEID)
	if !ok || int(i) >= len(t.ids) || t.ids[i] == 0 {
		return
	}
	dt := t.detail(t.ids[i])
	dt.gtpuPackets++
	dt.gtpuBytes += int64(wire)
}

// follow feeds m to the endpoint table and links its session to the
// Correlator's id once the Correlator has one.
func (t *tracker) follow(c *pfcp.Correlator, m *pfcp.Message) {
	i, class := t.mob.Add(m.Src.Addr(), m.Dst.Addr(), m.Summary)
	if class != mobile.ClassSession {
		return
	}
	for int(i) >= len(t.ids) {
		t.ids = append(t.ids, 0)
	}
	if t.ids[i] == 0 {
		if id, ok := c.SessionOf(m.Ref); ok {
			t.ids[i] = id
		}
	}
}

func (t *tracker) detail(id int) *detail {
	d := t.details[id]
	if d == nil {
		d = &detail{byType: map[pfcp.MessageType]int{}}
		t.details[id] = d
	}
	return d
}

// add records message m (already fed to c) of packet p.
func (t *tracker) add(c *pfcp.Correlator, m *pfcp.Message, p *pipeline.Packet) {
	s := m.Summary
	t.refs = append(t.refs, refInfo{frame: p.Frame, ts: p.Timestamp, input: p.Input, digits: p.TsDigits})
	if !s.HeaderOK {
		return
	}
	t.follow(c, m)
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
		e := estReq{ref: m.Ref, cp: m.Src.Addr(), up: m.Dst.Addr(), nUE: min(s.NumUEIPs, len(s.UEIPs)), nFT: min(s.NumFTEIDs, len(s.FTEIDs)),
			ueIPs: s.UEIPs, fteids: s.FTEIDs, ohcs: s.OHCs, nOHC: min(s.NumOHCs, len(s.OHCs))}
		if s.HasNodeID {
			e.node = string(s.NodeText(nil))
		}
		if s.NumFSEIDs > 0 {
			e.cpSEID = pfcp.OptSEID{SEID: s.FSEIDs[0].SEID, Valid: true}
		}
		t.ests = append(t.ests, e)
		return
	}
	id, ok := c.SessionOf(m.Ref)
	if !ok {
		return
	}
	d := t.detail(id)
	d.byType[h.Type]++
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
		k := txKey{m.Src, m.Dst, h.Seq}
		if i, ok := t.txs[k]; ok {
			t.txList[i].copies++
			return
		}
		t.txs[k] = int32(len(t.txList))
		t.txList = append(t.txList, txState{key: k, ref: m.Ref, typ: h.Type, first: m.Time, copies: 1})
	case h.Type.IsResponse():
		if i, ok := t.txs[txKey{m.Dst, m.Src, h.Seq}]; ok && !t.txList[i].answered {
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
func (t *tracker) finish(c *pfcp.Correlator) {
	for i := range t.ests {
		e := &t.ests[i]
		id, ok := c.SessionOf(e.ref)
		if !ok {
			continue
		}
		d := t.detail(id)
		d.byType[pfcp.SessionEstablishmentRequest]++
		if d.cpNode == "" {
			d.cpNode = e.node
		}
		d.addAddrs(e.ueIPs[:e.nUE], e.fteids[:e.nFT])
		d.addOHCs(e.ohcs[:e.nOHC])
	}
	for i := range t.txList {
		tx := &t.txList[i]
		if id, ok := c.SessionOf(tx.ref); ok && tx.typ.IsSessionMessage() {
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
		a, b := tx.key.requester.Addr(), tx.key.responder.Addr()
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
func (t *tracker) unassigned(c *pfcp.Correlator) []incomplete {
	var out []incomplete
	idx := map[[2]netip.Addr]map[pfcp.OptSEID]int{}
	for i := range t.ests {
		e := &t.ests[i]
		if _, ok := c.SessionOf(e.ref); ok {
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
