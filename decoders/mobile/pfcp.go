package mobile

import (
	"net/netip"
	"slices"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
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
	// a refusal in it, and an accepted deletion.
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

type cpKey struct {
	cp, up netip.Addr
	seid   uint64
	has    bool
}

type seidKey struct {
	src, dst netip.Addr
	seid     uint64
}

type estKey struct {
	cp, up netip.Addr
	seq    uint32
}

// PFCPTable assigns PFCP messages to sessions in capture order and keeps
// the GTP-U endpoints and UE addresses each session announced (see the
// package documentation). The zero value is not usable; call NewPFCPTable.
type PFCPTable struct {
	sessions []PFCPSession
	byCP     map[cpKey]int32
	bySEID   map[seidKey]int32
	pending  map[estKey]int32
	tunnels  endpoints
	ues      map[netip.Addr]int32
}

// NewPFCPTable returns an empty table.
func NewPFCPTable() *PFCPTable {
	return &PFCPTable{
		byCP:    map[cpKey]int32{},
		bySEID:  map[seidKey]int32{},
		pending: map[estKey]int32{},
		tunnels: endpoints{},
		ues:     map[netip.Addr]int32{},
	}
}

// Len returns the number of sessions opened so far.
func (t *PFCPTable) Len() int { return len(t.sessions) }

// Session returns session i (0 <= i < Len). The pointer is valid until the
// next Add.
func (t *PFCPTable) Session(i int32) *PFCPSession { return &t.sessions[i] }

// Add assigns one PFCP datagram, summarised in s, sent from src to dst.
// For ClassSession it returns the session's index.
func (t *PFCPTable) Add(src, dst netip.Addr, s *pfcp.Summary) (int32, Class) {
	if s == nil || !s.HeaderOK || s.Messages != 1 {
		return -1, ClassNone
	}
	src, dst = src.Unmap(), dst.Unmap()
	h := &s.Header
	if !h.Type.IsSessionMessage() {
		if h.Type.Known() || h.Type < pfcp.SessionEstablishmentRequest {
			return -1, ClassNode
		}
		return -1, ClassNone
	}
	var i int32
	switch {
	case h.Type == pfcp.SessionEstablishmentRequest:
		i = t.establish(src, dst, h.Seq, s)
	case h.Type == pfcp.SessionEstablishmentResponse:
		var ok bool
		if i, ok = t.pending[estKey{dst, src, h.Seq}]; !ok {
			return -1, ClassNone
		}
		t.answer(i, s)
	default:
		if !h.HasSEID {
			return -1, ClassNone
		}
		var ok bool
		if i, ok = t.bySEID[seidKey{src, dst, h.SEID}]; !ok {
			return -1, ClassNone
		}
	}
	ss := &t.sessions[i]
	ss.Messages++
	if ss.Live() {
		t.learn(i, s)
	}
	if h.Type == pfcp.SessionDeletionResponse && (!s.HasCause || s.Cause.Accepted()) && !ss.Deleted {
		ss.Deleted = true
		t.releaseAll(i)
	}
	return i, ClassSession
}

// establish opens (or rejoins) the session of an establishment request.
func (t *PFCPTable) establish(cp, up netip.Addr, seq uint32, s *pfcp.Summary) int32 {
	k := cpKey{cp: cp, up: up}
	if s.NumFSEIDs > 0 {
		k.seid, k.has = s.FSEIDs[0].SEID, true
	}
	ek := estKey{cp, up, seq}
	if i, ok := t.byCP[k]; ok && t.sessions[i].Live() {
		// A retransmission, a retry with a new sequence number, or a
		// re-establishment of a live session.
		t.pending[ek] = i
		return i
	}
	var gen uint32
	if i, ok := t.byCP[k]; ok {
		gen = t.sessions[i].Gen + 1
	}
	i := int32(len(t.sessions))
	t.sessions = append(t.sessions, PFCPSession{CP: cp, UP: up, CPSEID: k.seid, HasCPSEID: k.has, Gen: gen})
	t.byCP[k] = i
	t.pending[ek] = i
	return i
}

// answer records an establishment response for session i.
func (t *PFCPTable) answer(i int32, s *pfcp.Summary) {
	ss := &t.sessions[i]
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
		t.bySEID[seidKey{ss.CP, ss.UP, ss.UPSEID}] = i
	}
	if ss.HasCPSEID {
		t.bySEID[seidKey{ss.UP, ss.CP, ss.CPSEID}] = i
	}
}

// learn records the endpoints and UE addresses message s announces.
func (t *PFCPTable) learn(i int32, s *pfcp.Summary) {
	ss := &t.sessions[i]
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
			t.ues[a] = i
			if len(ss.UEIPs) < maxSessionUEIPs && !slices.Contains(ss.UEIPs, a) {
				ss.UEIPs = append(ss.UEIPs, a)
			}
		}
	}
}

func (t *PFCPTable) claim(ss *PFCPSession, i int32, e Endpoint) {
	if !t.tunnels.claim(e, i) {
		return
	}
	e.Addr = e.Addr.Unmap()
	if !slices.Contains(ss.Endpoints, e) {
		if len(ss.Endpoints) < maxSessionEndpoints {
			ss.Endpoints = append(ss.Endpoints, e)
		}
	}
}

// releaseAll drops the endpoints and UE addresses session i still owns.
func (t *PFCPTable) releaseAll(i int32) {
	ss := &t.sessions[i]
	for _, e := range ss.Endpoints {
		t.tunnels.release(e, i)
	}
	for _, a := range ss.UEIPs {
		if cur, ok := t.ues[a]; ok && cur == i {
			delete(t.ues, a)
		}
	}
}

// Tunnel returns the session that owns the GTP-U endpoint (dst, teid) now.
func (t *PFCPTable) Tunnel(dst netip.Addr, teid uint32) (int32, bool) {
	return t.tunnels.lookup(dst, teid)
}

// UE returns the live session that announced UE address a.
func (t *PFCPTable) UE(a netip.Addr) (int32, bool) {
	i, ok := t.ues[a.Unmap()]
	return i, ok
}
