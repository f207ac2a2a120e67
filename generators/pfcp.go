package generators

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"time"

	"github.com/pcapflow/pcapflow/pipeline"
)

// PFCPScenario generates the N4 (Sxb) signalling of a CP function (SMF)
// and a UP function (UPF), PFCP over UDP port 8805, and optionally the
// GTP-U user plane of the sessions it sets up. Zero fields pick defaults.
//
// The scenario starts with a PFCP Association Setup (unless
// NoAssociation), then for each session:
//
//  1. Session Establishment Request (header SEID 0): Node ID, the CP F-SEID,
//     an uplink Create PDR (source Access, F-TEID with CH set, UE IP) and a
//     downlink one (source Core, UE IP as destination), two Create FARs and,
//     with VendorIE, a Travelping vendor IE.
//  2. Session Establishment Response (header SEID = CP SEID): Cause, the UP
//     F-SEID and a Created PDR with the uplink F-TEID the UPF allocated.
//     Every RejectEvery-th establishment is refused instead: Cause 75 (no
//     resources), header SEID 0, no F-SEID; such a session stops there.
//  3. Modifications × Session Modification Request (header SEID = UP SEID)
//     with an Update FAR whose Outer Header Creation points the downlink at
//     the gNB's F-TEID, each answered (header SEID = CP SEID).
//  4. Session Deletion Request and Response (unless NoDeletion).
//
// Between the last modification and the deletion, UserPlane G-PDUs per
// session alternate uplink (gNB → UPF, the UPF's TEID, UE → server) and
// downlink (UPF → gNB, the gNB's TEID, server → UE), carrying inner UDP,
// TCP and ICMP in turn, with a PDU Session Container when QFI is set.
//
// Each request is retransmitted with probability Retransmit, T1 after its
// first copy; the answer follows the last copy. Heartbeats exchanges are
// spread evenly over the scenario. Sequence numbers count per sender in
// capture order.
type PFCPScenario struct {
	// Sessions is the number of sessions (default 10).
	Sessions int
	// CP and UP are the node addresses (defaults 10.0.0.1 and 10.0.0.2, or
	// 2001:db8:4::1 and 2001:db8:4::2 with IPv6). They must be of one
	// family; the UP address is also the UPF's N3 (GTP-U) address.
	CP, UP netip.Addr
	// GNB is the access node's GTP-U address (default 10.0.1.1, or
	// 2001:db8:5::1), of the same family as UP.
	GNB netip.Addr
	// IPv6 switches the default addresses to IPv6.
	IPv6 bool
	// CPPort is the CP function's source port (default 8805).
	CPPort uint16
	// Start is the first timestamp (default 2024-01-01T00:00:00Z).
	Start time.Time
	// Rate is the number of sessions established per second (default 100).
	Rate float64
	// Hold is how long a session lasts from its establishment response to
	// its deletion request (default 2s).
	Hold time.Duration
	// Seed seeds SEIDs, TEIDs, sequence numbers, delays and retransmissions.
	Seed uint64
	// Retransmit is the probability that a request is sent twice (0..1).
	Retransmit float64
	// T1 is the retransmission timer (default 500ms).
	T1 time.Duration
	// RejectEvery rejects every k-th establishment (0: none).
	RejectEvery int
	// VendorIE adds a vendor-specific IE (enterprise 18681) to every
	// establishment request.
	VendorIE bool
	// Heartbeats is the number of heartbeat exchanges.
	Heartbeats int
	// NoAssociation leaves out the Association Setup at the start.
	NoAssociation bool
	// Modifications is the number of modification exchanges per session
	// (default 1; -1 for none).
	Modifications int
	// NoDeletion leaves the sessions established.
	NoDeletion bool
	// UserPlane is the number of G-PDUs per established session.
	UserPlane int
	// QFI, when not 0, adds a PDU Session Container with this QoS flow id
	// (1..63) to every G-PDU.
	QFI uint8
	// MTU, when not 0, is the largest outer IP packet (576..9000 bytes): a
	// G-PDU whose datagram does not fit is sent in IP fragments (IPv4
	// fragments, or IPv6 fragment headers), as a transport network with too
	// small an MTU for the user plane makes it.
	MTU int
	// Server is the data-network host the UEs talk to (default 198.51.100.10).
	Server netip.Addr
	// CPMAC and UPMAC are the Ethernet addresses of the CP and UP sides
	// (defaults 00:00:01:00:00:01 and 00:00:01:00:00:02).
	CPMAC, UPMAC net.HardwareAddr
}

// pfcp event kinds, in the order a session goes through them.
const (
	evAssocReq uint8 = iota
	evAssocResp
	evHeartbeatReq
	evHeartbeatResp
	evEstReq
	evEstResp
	evModReq
	evModResp
	evDelReq
	evDelResp
	evGPDUUp
	evGPDUDown
)

// pfEvent is one frame of the scenario.
type pfEvent struct {
	t    int64
	kind uint8
	// copy is 1 for the retransmitted copy of a request.
	copy uint8
	sess int32 // session index, -1 for node messages
	tx   int32 // transaction index (request and its response)
	n    int32 // G-PDU number within the session
}

// pfSession is what the scenario allocated for one session.
type pfSession struct {
	cpSEID, upSEID uint64
	ue             netip.Addr
	ulTEID, dlTEID uint32 // UPF's (uplink) and gNB's (downlink) TEIDs
	rejected       bool
}

type pfPlan struct {
	PFCPScenario
	sessions []pfSession
	events   []pfEvent
	seqs     []uint32 // by transaction
	cpToUP   path
	gnbToUP  path
	recovery int64
	retrans  int
}

func (c PFCPScenario) plan() (*pfPlan, error) {
	p := &pfPlan{PFCPScenario: c}
	s := &p.PFCPScenario
	v6 := s.IPv6 || (s.CP.IsValid() && s.CP.Unmap().Is6()) || (s.UP.IsValid() && s.UP.Unmap().Is6())
	var err error
	if s.CP, s.UP, err = endpoints(s.CP, s.UP, v6, "10.0.0.1", "10.0.0.2", "2001:db8:4::1", "2001:db8:4::2"); err != nil {
		return nil, fmt.Errorf("pfcp: %w", err)
	}
	if !s.GNB.IsValid() {
		s.GNB = netip.MustParseAddr(map[bool]string{false: "10.0.1.1", true: "2001:db8:5::1"}[v6])
	}
	s.GNB = s.GNB.Unmap()
	if s.GNB.Is6() != v6 {
		return nil, errors.New("pfcp: the gNB address must be of the same family as the nodes")
	}
	if !s.Server.IsValid() {
		s.Server = netip.MustParseAddr("198.51.100.10")
	}
	if !s.Server.Unmap().Is4() {
		return nil, errors.New("pfcp: the data-network server must be an IPv4 address (UEs get IPv4 addresses)")
	}
	s.Server = s.Server.Unmap()
	if s.Sessions == 0 {
		s.Sessions = 10
	}
	if s.CPPort == 0 {
		s.CPPort = pfcpPort
	}
	if s.Hold == 0 {
		s.Hold = 2 * time.Second
	}
	if s.T1 == 0 {
		s.T1 = 500 * time.Millisecond
	}
	switch {
	case s.Modifications == 0:
		s.Modifications = 1
	case s.Modifications < 0:
		s.Modifications = 0
	}
	rate, ok := checkRate(s.Rate, 100)
	if !ok {
		return nil, fmt.Errorf("pfcp: rate %v is not a positive number", s.Rate)
	}
	s.Rate = rate
	switch {
	case s.Sessions < 0 || s.Sessions > 1<<22:
		return nil, fmt.Errorf("pfcp: %d sessions is outside 1..%d", s.Sessions, 1<<22)
	case s.Retransmit < 0 || s.Retransmit > 1:
		return nil, fmt.Errorf("pfcp: retransmit probability %v is outside 0..1", s.Retransmit)
	case s.RejectEvery < 0 || s.Heartbeats < 0 || s.UserPlane < 0 || s.Modifications > 100:
		return nil, errors.New("pfcp: reject-every, heartbeats and user-plane must not be negative, modifications at most 100")
	case s.Hold < 0 || s.T1 < 0:
		return nil, errors.New("pfcp: hold and T1 must not be negative")
	case s.QFI > 63:
		return nil, fmt.Errorf("pfcp: QFI %d is outside 1..63", s.QFI)
	case s.MTU != 0 && (s.MTU < 576 || s.MTU > 9000):
		return nil, fmt.Errorf("pfcp: MTU %d is outside 576..9000", s.MTU)
	}
	cm, err := macOr(s.CPMAC, defaultSrcMAC)
	if err != nil {
		return nil, fmt.Errorf("pfcp: CP MAC: %w", err)
	}
	um, err := macOr(s.UPMAC, defaultDstMAC)
	if err != nil {
		return nil, fmt.Errorf("pfcp: UP MAC: %w", err)
	}
	p.cpToUP = newPath(cm, um, 0, s.CP, s.UP, 64)
	p.gnbToUP = newPath(cm, um, 0, s.GNB, s.UP, 64)
	p.recovery = newClock(s.Start, 1).start/1e9 - 3600
	p.allocate()
	p.schedule()
	return p, nil
}

// allocate draws each session's SEIDs, TEIDs and UE address.
func (p *pfPlan) allocate() {
	r := newRNG(p.Seed, 40)
	cpBase := r.uint64() >> 24 << 20
	upBase := r.uint64() >> 24 << 20
	ulBase := r.uint32() >> 4
	dlBase := r.uint32() >> 4
	p.sessions = make([]pfSession, p.Sessions)
	for i := range p.sessions {
		ue := [4]byte{10, 45, byte((i + 1) >> 8), byte(i + 1)}
		if i+1 >= 1<<16 {
			ue[1] = 45 + byte((i+1)>>16)
		}
		p.sessions[i] = pfSession{
			cpSEID:   cpBase + uint64(i) + 1,
			upSEID:   upBase + uint64(i) + 1,
			ue:       netip.AddrFrom4(ue),
			ulTEID:   ulBase + uint32(i)*2 + 1,
			dlTEID:   dlBase + uint32(i)*2 + 1,
			rejected: p.RejectEvery > 0 && (i+1)%p.RejectEvery == 0,
		}
	}
}

// schedule lays out every frame in capture order and numbers the
// transactions' sequence numbers in the order their requests are sent.
func (p *pfPlan) schedule() {
	r := newRNG(p.Seed, 41)
	clk := newClock(p.Start, p.Rate)
	var ev []pfEvent
	tx := int32(0)
	// exchange adds a request (maybe twice) and its response; it returns
	// the time of the response.
	exchange := func(t int64, req uint8, sess int32) int64 {
		ev = append(ev, pfEvent{t: t, kind: req, sess: sess, tx: tx})
		if r.chance(p.Retransmit) {
			t += int64(p.T1)
			ev = append(ev, pfEvent{t: t, kind: req, copy: 1, sess: sess, tx: tx})
			p.retrans++
		}
		t += int64(200*time.Microsecond) + int64(r.intn(800))*int64(time.Microsecond)
		ev = append(ev, pfEvent{t: t, kind: req + 1, sess: sess, tx: tx})
		tx++
		return t
	}
	first := clk.start
	if !p.NoAssociation {
		exchange(first, evAssocReq, -1)
		first += int64(10 * time.Millisecond)
	}
	end := first
	for i := range p.sessions {
		s := &p.sessions[i]
		t := exchange(first+clk.at(int64(i))-clk.start, evEstReq, int32(i))
		if s.rejected {
			end = max(end, t)
			continue
		}
		estResp := t
		for m := range p.Modifications {
			at := estResp + int64(p.Hold)*int64(m+1)/int64(p.Modifications+2)
			t = exchange(max(at, t+int64(time.Millisecond)), evModReq, int32(i))
		}
		delAt := max(estResp+int64(p.Hold), t+int64(time.Millisecond))
		if p.UserPlane > 0 {
			span := delAt - t
			for n := range p.UserPlane {
				kind := evGPDUUp
				if n%2 == 1 {
					kind = evGPDUDown
				}
				at := t + span*int64(n+1)/int64(p.UserPlane+1)
				ev = append(ev, pfEvent{t: at, kind: kind, sess: int32(i), tx: -1, n: int32(n)})
			}
		}
		if !p.NoDeletion {
			t = exchange(delAt, evDelReq, int32(i))
		}
		end = max(end, t)
	}
	for h := range p.Heartbeats {
		at := first + (end-first)*int64(h+1)/int64(p.Heartbeats+1)
		exchange(at, evHeartbeatReq, -1)
	}
	slices.SortStableFunc(ev, func(a, b pfEvent) int { return cmp.Compare(a.t, b.t) })
	p.events = ev
	p.seqs = numberRequests(ev, int(tx), newRNG(p.Seed, 42), func(e *pfEvent) int32 {
		if isRequest(e.kind) {
			return e.tx
		}
		return -1
	})
}

// isRequest reports whether an event kind is a PFCP request.
func isRequest(k uint8) bool {
	switch k {
	case evAssocReq, evHeartbeatReq, evEstReq, evModReq, evDelReq:
		return true
	}
	return false
}

// Run generates the scenario into em's graph. It implements pipeline.Source.
func (c PFCPScenario) Run(ctx context.Context, em *pipeline.Emitter) error {
	p, err := c.plan()
	if err != nil {
		return err
	}
	return run(ctx, em, "pfcp", newPFCPGen(p))
}

// Validate reports whether the configuration is usable, with the reason when not.
func (c PFCPScenario) Validate() error { _, err := c.plan(); return err }
