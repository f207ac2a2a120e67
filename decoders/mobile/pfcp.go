package mobile

import (
	"net/netip"
	"slices"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/internal/chunked"
	"github.com/pcapflow/pcapflow/internal/numbering"
)

// Bounds of what a PFCPSession remembers.
const (
	maxSessionEndpoints = 32
	maxSessionUEIPs     = 8
)

// PFCPSession is one PFCP session as PFCPTable sees it.
type PFCPSession struct {
	// CP and UP are the node addresses; CPSEID is the CP F-SEID of the
	// establishment request (HasCPSEID false when it carried none).
	CP, UP    netip.Addr
	CPSEID    uint64
	HasCPSEID bool
	// UPSEID comes from the establishment response (HasUPSEID false
	// until then, or when the establishment was rejected).
	UPSEID    uint64
	HasUPSEID bool
	// Gen numbers the sessions opened on the same (CP, UP, CP SEID), from 0.
	Gen uint32
	// Answered, Rejected and Deleted record the establishment response,
	// a refusal in it, and a deletion that ended the session
	// (pfcp.DeletionEnds).
	Answered, Rejected, Deleted bool
	// Endpoints are the GTP-U endpoints the session announced (local
	// F-TEIDs and Outer Header Creation peers), first ones only.
	Endpoints []Endpoint
	// UEIPs are the UE addresses of its UE IP Address IEs.
	UEIPs []netip.Addr
	// Messages counts the PFCP messages assigned to it.
	Messages int
}

// Live reports whether the session still owns its endpoints.
func (s *PFCPSession) Live() bool { return !s.Rejected && !s.Deleted }

// Class says what a PFCP message is to the table.
type Class uint8

// Message classes.
const (
	// ClassNone: a session message that matches no session (no
	// establishment seen), a malformed or chained datagram.
	ClassNone Class = iota
	// ClassSession: the message belongs to the returned session.
	ClassSession
	// ClassNode: a node message (heartbeat, association, ...; types 1-49).
	ClassNode
)

// Keys of the table's maps: node addresses are numbered (see numbering),
// so that keys are small and hold no pointers.
type cpKey struct {
	cp, up uint32
	seid   uint64
	has    bool
}

type seidKey struct {
	src, dst uint32
	seid     uint64
}

type estKey struct {
	cp, up, seq uint32
}

// pfcpSession is a session with its nodes' numbers, and what Forget
// needs to take it out of the table: the sequence numbers of its
// establishment requests (seq, then more) and the endpoints and UE
// addresses it claimed beyond the ones PFCPSession lists (extraEnds,
// extraUEs); forgotten says Forget freed its slot.
type pfcpSession struct {
	PFCPSession
	cp, up    uint32
	seq       uint32
	more      []uint32
	extraEnds []Endpoint
	extraUEs  []netip.Addr
	forgotten bool
}

// PFCPTable assigns PFCP messages to sessions in capture order and keeps
// the GTP-U endpoints and UE addresses each session announced (see the
// package documentation). The zero value is not usable; call NewPFCPTable.
type PFCPTable struct {
	sessions chunked.Array[pfcpSession]
	nodes    *numbering.Numbers[addrKey]
	byCP     map[cpKey]int32
	bySEID   seidIndex
	pending  map[estKey]int32
	tunnels  endpoints
	ues      map[addrKey]int32
	// free lists the slots of forgotten sessions, reused oldest first.
	free []int32
	head int
}

// NewPFCPTable returns an empty table.
func NewPFCPTable() *PFCPTable {
	return &PFCPTable{
		nodes:   numbering.New[addrKey](),
		byCP:    map[cpKey]int32{},
		bySEID:  newSEIDIndex(),
		pending: map[estKey]int32{},
		tunnels: endpoints{},
		ues:     map[addrKey]int32{},
	}
}

// Len returns the number of session slots: the number of sessions opened
// so far, unless some were forgotten (see Forget).
func (t *PFCPTable) Len() int { return t.sessions.Len() }

// Session returns session i (0 <= i < Len). The pointer stays valid (and
// the session's fields current) for the table's life, or until Forget(i).
func (t *PFCPTable) Session(i int32) *PFCPSession { return &t.sessions.At(int(i)).PFCPSession }

// Add assigns one PFCP datagram, summarised in s, sent from src to dst.
// For ClassSession it returns the session's index.
func (t *PFCPTable) Add(src, dst netip.Addr, s *pfcp.Summary) (int32, Class) {
	if s == nil || !s.HeaderOK || s.Messages != 1 {
		return -1, ClassNone
	}
	h := &s.Header
	if !h.Type.IsSessionMessage() {
		if h.Type.Known() || h.Type < pfcp.SessionEstablishmentRequest {
			return -1, ClassNode
		}
		return -1, ClassNone
	}
	src, dst = src.Unmap(), dst.Unmap()
	sn, dn := t.nodes.ID(addrKeyOf(src)), t.nodes.ID(addrKeyOf(dst))
	var i int32
	switch {
	case h.Type == pfcp.SessionEstablishmentRequest:
		i = t.establish(src, dst, sn, dn, h.Seq, s)
	case h.Type == pfcp.SessionEstablishmentResponse:
		var ok bool
		if i, ok = t.pending[estKey{dn, sn, h.Seq}]; !ok {
			return -1, ClassNone
		}
		t.answer(i, s)
	default:
		if !h.HasSEID {
			return -1, ClassNone
		}
		var ok bool
		if i, ok = t.findSEID(seidKey{sn, dn, h.SEID}); !ok {
			return -1, ClassNone
		}
	}
	ss := &t.sessions.At(int(i)).PFCPSession
	ss.Messages++
	if ss.Live() {
		t.learn(i, s)
	}
	if h.Type == pfcp.SessionDeletionResponse && pfcp.DeletionEnds(s.HasCause, s.Cause) && !ss.Deleted {
		ss.Deleted = true
		t.releaseAll(i)
	}
	return i, ClassSession
}

// establish opens (or rejoins) the session of an establishment request.
func (t *PFCPTable) establish(cp, up netip.Addr, cpn, upn, seq uint32, s *pfcp.Summary) int32 {
	k := cpKey{cp: cpn, up: upn}
	if s.NumFSEIDs > 0 {
		k.seid, k.has = s.FSEIDs[0].SEID, true
	}
	ek := estKey{cpn, upn, seq}
	i, ok := t.byCP[k]
	if ok && t.sessions.At(int(i)).Live() {
		// A retransmission, a retry with a new sequence number, or a
		// re-establishment of a live session.
		if cur, ok := t.pending[ek]; !ok || cur != i {
			t.pending[ek] = i
			if ss := t.sessions.At(int(i)); seq != ss.seq && !slices.Contains(ss.more, seq) {
				ss.more = append(ss.more, seq)
			}
		}
		return i
	}
	var gen uint32
	if ok {
		gen = t.sessions.At(int(i)).Gen + 1
	}
	i = t.alloc()
	ss := t.sessions.At(int(i))
	// A reused slot keeps its slices' arrays.
	*ss = pfcpSession{PFCPSession: PFCPSession{CP: cp, UP: up, CPSEID: k.seid, HasCPSEID: k.has, Gen: gen,
		Endpoints: ss.Endpoints[:0], UEIPs: ss.UEIPs[:0]},
		cp: cpn, up: upn, seq: seq, more: ss.more[:0], extraEnds: ss.extraEnds[:0], extraUEs: ss.extraUEs[:0]}
	t.byCP[k] = i
	t.pending[ek] = i
	return i
}

// answer records an establishment response for session i.
func (t *PFCPTable) answer(i int32, s *pfcp.Summary) {
	ss := t.sessions.At(int(i))
	if ss.Answered {
		return // a duplicate response
	}
	ss.Answered = true
	if s.HasCause && !s.Cause.Accepted() {
		ss.Rejected = true
		t.releaseAll(i)
		return
	}
	if s.NumFSEIDs > 0 {
		ss.UPSEID, ss.HasUPSEID = s.FSEIDs[0].SEID, true
		t.setSEID(seidKey{ss.cp, ss.up, ss.UPSEID}, i, 0)
	}
	if ss.HasCPSEID {
		t.setSEID(seidKey{ss.up, ss.cp, ss.CPSEID}, i, 1)
	}
}

// learn records the endpoints and UE addresses message s announces.
func (t *PFCPTable) learn(i int32, s *pfcp.Summary) {
	ss := &t.sessions.At(int(i)).PFCPSession
	for _, f := range s.FTEIDs[:min(s.NumFTEIDs, pfcp.SummaryFTEIDs)] {
		if f.Choose() {
			continue
		}
		t.claim(ss, i, Endpoint{f.IPv4, f.TEID})
		t.claim(ss, i, Endpoint{f.IPv6, f.TEID})
	}
	for _, o := range s.OHCs[:min(s.NumOHCs, pfcp.SummaryOHCs)] {
		if o.Description&(pfcp.OHCGTPUv4|pfcp.OHCGTPUv6) == 0 {
			continue
		}
		t.claim(ss, i, Endpoint{o.IPv4, o.TEID})
		t.claim(ss, i, Endpoint{o.IPv6, o.TEID})
	}
	for _, u := range s.UEIPs[:min(s.NumUEIPs, pfcp.SummaryUEIPs)] {
		for _, a := range [2]netip.Addr{u.IPv4, u.IPv6} {
			if !a.IsValid() {
				continue
			}
			t.ues[addrKeyOf(a)] = i
			addCapped(&ss.UEIPs, &t.sessions.At(int(i)).extraUEs, maxSessionUEIPs, a)
		}
	}
}

func (t *PFCPTable) claim(ss *PFCPSession, i int32, e Endpoint) {
	if !t.tunnels.claim(e, i) {
		return
	}
	e.Addr = e.Addr.Unmap()
	addCapped(&ss.Endpoints, &t.sessions.At(int(i)).extraEnds, maxSessionEndpoints, e)
}

// addCapped adds v, unless listed already, to *listed while it holds
// fewer than max values, else to *extra (values a session owns beyond what
// PFCPSession lists, kept so that they are released with it).
func addCapped[T comparable](listed, extra *[]T, max int, v T) {
	switch {
	case slices.Contains(*listed, v):
	case len(*listed) < max:
		*listed = append(*listed, v)
	case !slices.Contains(*extra, v):
		*extra = append(*extra, v)
	}
}

// releaseAll drops the endpoints and UE addresses session i still owns,
// also the ones beyond what PFCPSession lists.
func (t *PFCPTable) releaseAll(i int32) {
	ss := t.sessions.At(int(i))
	for _, ends := range [2][]Endpoint{ss.Endpoints, ss.extraEnds} {
		for _, e := range ends {
			t.tunnels.release(e, i)
		}
	}
	for _, addrs := range [2][]netip.Addr{ss.UEIPs, ss.extraUEs} {
		for _, a := range addrs {
			k := addrKeyOf(a)
			if cur, ok := t.ues[k]; ok && cur == i {
				delete(t.ues, k)
			}
		}
	}
}

// Tunnel returns the session that owns the GTP-U endpoint (dst, teid) now.
func (t *PFCPTable) Tunnel(dst netip.Addr, teid uint32) (int32, bool) {
	return t.tunnels.lookup(dst, teid)
}

// UE returns the live session that announced UE address a.
func (t *PFCPTable) UE(a netip.Addr) (int32, bool) {
	if !a.IsValid() {
		return 0, false
	}
	i, ok := t.ues[addrKeyOf(a.Unmap())]
	return i, ok
}
