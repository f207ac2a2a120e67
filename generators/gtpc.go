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

// GTPCScenario generates the S11 signalling (GTPv2-C over UDP port 2123)
// between an MME and an SGW for subscribers attaching to a PDN, and the
// S1-U user plane (GTP-U, port 2152) between the eNodeB and the SGW on the
// tunnels that signalling sets up. Zero fields pick defaults.
//
// For each subscriber:
//
//  1. Create Session Request, MME → SGW, header TEID 0: IMSI, MSISDN, MEI,
//     Serving Network, RAT Type, the MME's S11 F-TEID (the sender's
//     control-plane TEID, instance 0), the PGW's S5/S8 GTP-C address
//     (instance 1, TEID 0), APN, Selection Mode, PDN Type, a PAA asking for
//     an address, APN-AMBR and a Bearer Context to be created (EBI 5, Bearer
//     QoS). On an initial attach the eNodeB's S1-U F-TEID is not known yet,
//     so the request carries none.
//  2. Create Session Response, SGW → MME, header TEID = the MME's TEID:
//     Cause 16 (Request accepted), the SGW's S11 F-TEID, the PGW's S5/S8
//     GTP-C F-TEID, the PAA with the UE's IPv4 address (and IPv6 prefix with
//     UEIPv6), APN Restriction and a Bearer Context created: EBI, Cause, the
//     SGW's S1-U F-TEID (instance 0), the PGW's S5/S8-U F-TEID (instance 2)
//     and a Charging ID. Every RejectEvery-th subscriber is refused instead
//     with Cause 73 (No resources available) and header TEID 0, the case
//     where only the sequence number ties the answer to its request; such a
//     subscriber stops there.
//  3. Modify Bearer Request, MME → SGW, header TEID = the SGW's TEID, with
//     the eNodeB's S1-U F-TEID in a Bearer Context to be modified, and its
//     response (Cause 16, the bearer's SGW S1-U F-TEID).
//  4. UserPackets G-PDUs alternating uplink (eNodeB → SGW-U, the SGW's
//     S1-U TEID, UE → server) and downlink (SGW-U → eNodeB, the eNodeB's
//     TEID, server → UE), carrying inner UDP and TCP in turn; with UEIPv6
//     every other pair is IPv6 inside.
//  5. Delete Session Request (header TEID = the SGW's, the bearer's EBI)
//     and Response (Cause 16), unless NoDeletion.
//
// Each request is sent twice with probability Retransmit, T3 after the
// first copy; the answer follows the last copy. Echo exchanges (MME → SGW,
// Recovery) are spread evenly over the scenario. The MME numbers its
// requests in capture order; responses repeat the request's number.
//
// With ReuseTEIDs, a subscriber that attaches after an earlier one was
// deleted takes over all the TEIDs of the earliest such subscriber not yet
// reused (MME and SGW control TEIDs, SGW and eNodeB user-plane TEIDs, the
// PGW's): a decoder must attribute a TEID by time, not once for all.
type GTPCScenario struct {
	// Subscribers is the number of subscribers (default 10).
	Subscribers int
	// MME and SGW are the S11 GTP-C addresses (defaults 10.0.2.1 and
	// 10.0.2.2, or 2001:db8:6::1 and 2001:db8:6::2 with IPv6).
	MME, SGW netip.Addr
	// SGWU and ENB are the S1-U GTP-U addresses of the SGW and the eNodeB
	// (defaults 10.0.3.2 and 10.0.3.1, or 2001:db8:7::2 and 2001:db8:7::1).
	SGWU, ENB netip.Addr
	// PGW is the PGW's S5/S8 address the F-TEIDs name (default 10.0.4.2,
	// or 2001:db8:8::2). All addresses must be of one family.
	PGW netip.Addr
	// IPv6 switches the default node addresses to IPv6.
	IPv6 bool
	// UEIPv6 makes the PDN type IPv4v6: the PAA also carries an IPv6 prefix
	// and half the user plane is IPv6 inside the tunnel.
	UEIPv6 bool
	// Start is the first timestamp (default 2024-01-01T00:00:00Z).
	Start time.Time
	// Rate is the number of subscribers attaching per second (default 100).
	Rate float64
	// Hold is how long a session lasts from its Create Session Response to
	// its Delete Session Request (default 1s).
	Hold time.Duration
	// Seed seeds identities, TEIDs, sequence numbers, delays and
	// retransmissions.
	Seed uint64
	// Retransmit is the probability that a request is sent twice (0..1).
	Retransmit float64
	// T3 is the retransmission timer (default 500ms).
	T3 time.Duration
	// RejectEvery rejects every k-th Create Session Request (0: none).
	RejectEvery int
	// Echo is the number of Echo exchanges.
	Echo int
	// NoDeletion leaves the sessions up.
	NoDeletion bool
	// UserPackets is the number of G-PDUs per accepted subscriber.
	UserPackets int
	// ReuseTEIDs gives the TEIDs of deleted subscribers to later ones.
	ReuseTEIDs bool
	// Gn sends the same scenario over Gn/Gp instead of S11: GTPv1-C PDP
	// contexts (TS 29.060) between an SGSN (at the MME and eNodeB
	// addresses: signalling and user plane) and a GGSN (at the SGW and
	// SGW-U addresses). Create PDP Context Request (IMSI, the SGSN's TEID
	// Data I and TEID Control Plane, NSAPI 5, a dynamic End User Address,
	// APN, the SGSN's two GSN Addresses, MSISDN, QoS Profile) and Response
	// (Cause 128, or 199 No resources available, header TEID the SGSN's;
	// the GGSN's TEIDs, Charging ID, the PDP address, its GSN Addresses),
	// Update PDP Context in place of Modify Bearer, Delete PDP Context,
	// Echo; the G-PDUs are the same.
	Gn bool
	// PLMN is the MCC and MNC the IMSIs start with, 5 or 6 digits
	// (default 00101); the IMSIs have 15 digits.
	PLMN string
	// APN is the access point name (default "internet").
	APN string
	// RAT is the RAT Type value (default 6, EUTRAN).
	RAT uint8
	// Server is the data-network host the UEs talk to (default
	// 198.51.100.20; its IPv6 counterpart is 2001:db8:100::20).
	Server netip.Addr
	// MMEMAC and SGWMAC are the Ethernet addresses of the MME/eNodeB side
	// and of the SGW side (defaults 00:00:01:00:00:01 and 00:00:01:00:00:02).
	MMEMAC, SGWMAC net.HardwareAddr
}

// GTPv2-C scenario event kinds.
const (
	gcCSReq uint8 = iota
	gcCSResp
	gcMBReq
	gcMBResp
	gcDSReq
	gcDSResp
	gcEchoReq
	gcEchoResp
	gcUserUp
	gcUserDown
)

// gcEvent is one frame of the scenario.
type gcEvent struct {
	t    int64
	kind uint8
	copy uint8 // 1 for the retransmitted copy of a request
	sub  int32 // subscriber index, -1 for Echo
	tx   int32 // transaction (request and response) index, -1 for G-PDUs
	n    int32 // G-PDU number within the subscriber
}

// gcSubscriber is what the scenario allocated for one subscriber.
type gcSubscriber struct {
	msin, msisdn uint64
	ue4, ue6     netip.Addr
	// TEIDs: MME and SGW control plane (S11), SGW and eNodeB user plane
	// (S1-U), PGW control and user plane (S5/S8).
	mmeC, sgwC, sgwU, enbU, pgwC, pgwU uint32
	rejected                           bool
	// reusedFrom is the subscriber whose TEIDs this one took over, or -1.
	reusedFrom int32
	// attach is the time of the first Create Session Request copy; gone
	// the time of the Delete Session Response (0 when never deleted).
	attach, gone int64
}

type gcPlan struct {
	GTPCScenario
	subs      []gcSubscriber
	events    []gcEvent
	seqs      []uint32 // by transaction
	mmeToSGW  path
	enbToSGWU path
	server6   netip.Addr
	apn       []byte // label-encoded
	msinLen   int
	recovery  uint8
	retrans   int
	reused    int
}

// gtpcUEIPv6Net is the network the UEs' IPv6 prefixes are numbered from.
var gtpcUEIPv6Net = netip.MustParseAddr("2001:db8:46::")

func (c GTPCScenario) plan() (*gcPlan, error) {
	p := &gcPlan{GTPCScenario: c}
	s := &p.GTPCScenario
	v6 := s.IPv6
	for _, a := range []netip.Addr{s.MME, s.SGW, s.SGWU, s.ENB, s.PGW} {
		v6 = v6 || (a.IsValid() && a.Unmap().Is6())
	}
	def := func(a *netip.Addr, v4, v6addr string) {
		if !a.IsValid() {
			*a = netip.MustParseAddr(map[bool]string{false: v4, true: v6addr}[v6])
		}
		*a = a.Unmap()
	}
	def(&s.MME, "10.0.2.1", "2001:db8:6::1")
	def(&s.SGW, "10.0.2.2", "2001:db8:6::2")
	def(&s.SGWU, "10.0.3.2", "2001:db8:7::2")
	def(&s.ENB, "10.0.3.1", "2001:db8:7::1")
	def(&s.PGW, "10.0.4.2", "2001:db8:8::2")
	for _, a := range []netip.Addr{s.MME, s.SGW, s.SGWU, s.ENB, s.PGW} {
		if a.Is6() != v6 {
			return nil, errors.New("gtpc: the MME, SGW, SGW-U, eNodeB and PGW addresses must be of one family")
		}
	}
	if !s.Server.IsValid() {
		s.Server = netip.MustParseAddr("198.51.100.20")
	}
	if !s.Server.Unmap().Is4() {
		return nil, errors.New("gtpc: the data-network server must be an IPv4 address")
	}
	s.Server = s.Server.Unmap()
	p.server6 = netip.MustParseAddr("2001:db8:100::20")
	if s.Subscribers == 0 {
		s.Subscribers = 10
	}
	if s.Hold == 0 {
		s.Hold = time.Second
	}
	if s.T3 == 0 {
		s.T3 = 500 * time.Millisecond
	}
	if s.PLMN == "" {
		s.PLMN = "00101"
	}
	if s.APN == "" {
		s.APN = "internet"
	}
	if s.RAT == 0 {
		s.RAT = 6
	}
	rate, ok := checkRate(s.Rate, 100)
	if !ok {
		return nil, fmt.Errorf("gtpc: rate %v is not a positive number", s.Rate)
	}
	s.Rate = rate
	switch {
	case s.Subscribers < 0 || s.Subscribers > 1<<22:
		return nil, fmt.Errorf("gtpc: %d subscribers is outside 1..%d", s.Subscribers, 1<<22)
	case s.Retransmit < 0 || s.Retransmit > 1:
		return nil, fmt.Errorf("gtpc: retransmit probability %v is outside 0..1", s.Retransmit)
	case s.RejectEvery < 0 || s.Echo < 0 || s.UserPackets < 0:
		return nil, errors.New("gtpc: reject-every, echo and user-packets must not be negative")
	case s.UserPackets > 1<<16:
		return nil, fmt.Errorf("gtpc: %d user packets per subscriber is more than %d", s.UserPackets, 1<<16)
	case s.Hold < 0 || s.T3 < 0:
		return nil, errors.New("gtpc: hold and T3 must not be negative")
	case len(s.PLMN) < 5 || len(s.PLMN) > 6 || !allDigits(s.PLMN):
		return nil, fmt.Errorf("gtpc: PLMN %q is not 5 or 6 digits (MCC and MNC)", s.PLMN)
	}
	var err error
	if p.apn, err = encodeAPN(s.APN); err != nil {
		return nil, fmt.Errorf("gtpc: %w", err)
	}
	mm, err := macOr(s.MMEMAC, defaultSrcMAC)
	if err != nil {
		return nil, fmt.Errorf("gtpc: MME MAC: %w", err)
	}
	sm, err := macOr(s.SGWMAC, defaultDstMAC)
	if err != nil {
		return nil, fmt.Errorf("gtpc: SGW MAC: %w", err)
	}
	p.mmeToSGW = newPath(mm, sm, 0, s.MME, s.SGW, 64)
	p.enbToSGWU = newPath(mm, sm, 0, s.ENB, s.SGWU, 64)
	p.msinLen = 15 - len(s.PLMN)
	rr := newRNG(s.Seed, 50)
	p.recovery = uint8(rr.intn(200) + 1)
	p.schedule()
	p.allocate()
	return p, nil
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// encodeAPN writes a dotted APN as length-prefixed labels (TS 23.003).
func encodeAPN(apn string) ([]byte, error) {
	if len(apn) > 100 {
		return nil, fmt.Errorf("APN %q is longer than 100 octets", apn)
	}
	var b []byte
	for rest := apn; ; {
		label, more, cut := cutDot(rest)
		if label == "" || len(label) > 63 {
			return nil, fmt.Errorf("APN %q has an empty or too long label", apn)
		}
		b = append(b, byte(len(label)))
		b = append(b, label...)
		if !cut {
			return b, nil
		}
		rest = more
	}
}

func cutDot(s string) (before, after string, found bool) {
	for i := range len(s) {
		if s[i] == '.' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// pow10 returns 10^n for n ≤ 19.
func pow10(n int) uint64 {
	v := uint64(1)
	for range n {
		v *= 10
	}
	return v
}

// schedule lays out every frame in capture order and numbers the MME's
// requests in the order their first copies are sent.
func (p *gcPlan) schedule() {
	r := newRNG(p.Seed, 51)
	clk := newClock(p.Start, p.Rate)
	p.subs = make([]gcSubscriber, p.Subscribers)
	var ev []gcEvent
	tx := int32(0)
	exchange := func(t int64, req uint8, sub int32) int64 {
		ev = append(ev, gcEvent{t: t, kind: req, sub: sub, tx: tx})
		if r.chance(p.Retransmit) {
			t += int64(p.T3)
			ev = append(ev, gcEvent{t: t, kind: req, copy: 1, sub: sub, tx: tx})
			p.retrans++
		}
		t += int64(500*time.Microsecond) + int64(r.intn(2000))*int64(time.Microsecond)
		ev = append(ev, gcEvent{t: t, kind: req + 1, sub: sub, tx: tx})
		tx++
		return t
	}
	end := clk.start
	for i := range p.subs {
		s := &p.subs[i]
		s.rejected = p.RejectEvery > 0 && (i+1)%p.RejectEvery == 0
		s.reusedFrom = -1
		s.attach = clk.at(int64(i))
		t := exchange(s.attach, gcCSReq, int32(i))
		if s.rejected {
			end = max(end, t)
			continue
		}
		created := t
		t = exchange(t+int64(20*time.Millisecond)+int64(r.intn(30))*int64(time.Millisecond), gcMBReq, int32(i))
		delAt := max(created+int64(p.Hold), t+int64(time.Millisecond))
		span := delAt - t
		for n := range p.UserPackets {
			kind := gcUserUp
			if n%2 == 1 {
				kind = gcUserDown
			}
			at := t + span*int64(n+1)/int64(p.UserPackets+1)
			ev = append(ev, gcEvent{t: at, kind: kind, sub: int32(i), tx: -1, n: int32(n)})
		}
		if !p.NoDeletion {
			t = exchange(delAt, gcDSReq, int32(i))
			s.gone = t
		}
		end = max(end, t)
	}
	for k := range p.Echo {
		exchange(clk.start+(end-clk.start)*int64(k+1)/int64(p.Echo+1), gcEchoReq, -1)
	}
	slices.SortStableFunc(ev, func(a, b gcEvent) int { return cmp.Compare(a.t, b.t) })
	p.events = ev
	p.seqs = numberRequests(ev, int(tx), newRNG(p.Seed, 52), func(e *gcEvent) int32 {
		if gcIsRequest(e.kind) {
			return e.tx
		}
		return -1
	})
}

// allocate draws each subscriber's identities, TEIDs and UE addresses;
// with ReuseTEIDs a subscriber takes over the TEIDs of the earliest
// deleted subscriber whose Delete Session Response came before its attach.
func (p *gcPlan) allocate() {
	r := newRNG(p.Seed, 53)
	msinBase := r.uint64() % (pow10(p.msinLen) - uint64(len(p.subs)))
	msisdnBase := 1555_0000000 + r.uint64()%(9_000_000-uint64(len(p.subs)))
	var base [6]uint32
	for k := range base {
		base[k] = r.uint32()>>4 | 1<<27
	}
	// Deleted subscribers in order of their deletion, for reuse.
	var gone []int32
	if p.ReuseTEIDs {
		for i := range p.subs {
			if p.subs[i].gone != 0 {
				gone = append(gone, int32(i))
			}
		}
		slices.SortStableFunc(gone, func(a, b int32) int {
			return int(min(max(p.subs[a].gone-p.subs[b].gone, -1), 1))
		})
	}
	next := 0
	for i := range p.subs {
		s := &p.subs[i]
		s.msin = msinBase + uint64(i)
		s.msisdn = msisdnBase + uint64(i)
		ue := [4]byte{10, 46, byte((i + 1) >> 8), byte(i + 1)}
		if i+1 >= 1<<16 {
			ue[1] = 46 + byte((i+1)>>16)
		}
		s.ue4 = netip.AddrFrom4(ue)
		if p.UEIPv6 {
			a := gtpcUEIPv6Net.As16()
			a[4], a[6], a[7] = byte((i+1)>>16), byte((i+1)>>8), byte(i+1)
			a[15] = 1
			s.ue6 = netip.AddrFrom16(a)
		}
		if p.ReuseTEIDs && !s.rejected && next < len(gone) && p.subs[gone[next]].gone < s.attach {
			o := &p.subs[gone[next]]
			s.mmeC, s.sgwC, s.sgwU, s.enbU, s.pgwC, s.pgwU = o.mmeC, o.sgwC, o.sgwU, o.enbU, o.pgwC, o.pgwU
			s.reusedFrom = gone[next]
			next++
			p.reused++
			continue
		}
		u := uint32(i) * 2
		s.mmeC, s.sgwC, s.sgwU = base[0]+u+1, base[1]+u+1, base[2]+u+1
		s.enbU, s.pgwC, s.pgwU = base[3]+u+1, base[4]+u+1, base[5]+u+1
	}
}

// gcIsRequest reports whether an event kind is a GTPv2-C request.
func gcIsRequest(k uint8) bool {
	switch k {
	case gcCSReq, gcMBReq, gcDSReq, gcEchoReq:
		return true
	}
	return false
}

// Run generates the scenario into em's graph. It implements pipeline.Source.
func (c GTPCScenario) Run(ctx context.Context, em *pipeline.Emitter) error {
	p, err := c.plan()
	if err != nil {
		return err
	}
	return run(ctx, em, "gtpc", newGTPCGen(p))
}

// Validate reports whether the configuration is usable, with the reason when not.
func (c GTPCScenario) Validate() error { _, err := c.plan(); return err }
