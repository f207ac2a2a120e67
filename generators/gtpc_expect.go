package generators

import (
	"net/netip"
	"strconv"
)

// GTPCExpectation is what a correct analysis of a GTPCScenario must find:
// the per-packet counts of every generator, the GTPv2-C bookkeeping, and
// per subscriber what a split by IMSI must put in its file.
type GTPCExpectation struct {
	Expectation
	// GTPCMessages counts GTPv2-C datagrams (one message each), Echo and
	// copies of retransmitted requests included; GPDUs the GTP-U G-PDUs.
	GTPCMessages int64 `json:"gtpc_messages"`
	GPDUs        int64 `json:"gpdus"`
	// Requests and Responses split GTPCMessages; every request is answered.
	Requests  int64 `json:"requests"`
	Responses int64 `json:"responses"`
	// GTPCRetransmissions counts the requests sent a second time.
	GTPCRetransmissions int64 `json:"gtpc_retransmissions"`
	// Subscribers counts subscribers (one Create Session exchange each);
	// Accepted and Rejected split them; Deleted counts Delete Session
	// exchanges.
	Subscribers int64 `json:"subscribers"`
	Accepted    int64 `json:"accepted"`
	Rejected    int64 `json:"rejected"`
	Deleted     int64 `json:"deleted"`
	// Echoes counts Echo exchanges (request and response).
	Echoes int64 `json:"echoes"`
	// ReusedTEIDs counts subscribers that took over a deleted subscriber's
	// TEIDs.
	ReusedTEIDs int64 `json:"reused_teids"`
	// MessagesByType counts GTPv2-C messages by message type.
	MessagesByType map[uint8]int64 `json:"messages_by_type"`
	// PerSubscriber lists the subscribers in attach order.
	PerSubscriber []GTPCSubscriber `json:"per_subscriber"`
	// OtherFrames are the frames no subscriber owns (Echo), numbered from 1.
	OtherFrames []int64 `json:"other_frames"`
}

// GTPCSubscriber is one subscriber of a GTPCScenario and the frames that
// are its own.
type GTPCSubscriber struct {
	// IMSI, MSISDN and MEI are the identities its Create Session Request
	// carries, as digits.
	IMSI   string `json:"imsi"`
	MSISDN string `json:"msisdn"`
	MEI    string `json:"mei"`
	// Rejected is true when its Create Session Request was refused.
	Rejected bool `json:"rejected"`
	// UEIPv4 and UEIPv6 are the PDN addresses of its PAA (invalid when
	// rejected, or without UEIPv6).
	UEIPv4 netip.Addr `json:"ue_ipv4,omitzero"`
	UEIPv6 netip.Addr `json:"ue_ipv6,omitzero"`
	// S11 control-plane TEIDs of the MME and the SGW, S1-U user-plane TEIDs
	// of the SGW and the eNodeB, S5/S8 TEIDs of the PGW. Without acceptance
	// only the MME's TEID is used. With Gn, the MME and eNodeB TEIDs are the
	// SGSN's TEID Control Plane and TEID Data I (both sent in the request,
	// so known without acceptance too), the SGW and SGW-U ones the GGSN's;
	// the PGW's are not used.
	MMETEID  uint32 `json:"mme_teid"`
	SGWTEID  uint32 `json:"sgw_teid"`
	SGWUTEID uint32 `json:"sgwu_teid"`
	ENBTEID  uint32 `json:"enb_teid"`
	PGWCTEID uint32 `json:"pgwc_teid"`
	PGWUTEID uint32 `json:"pgwu_teid"`
	// ReusedFrom is the IMSI of the deleted subscriber whose TEIDs this one
	// took over ("" when none).
	ReusedFrom string `json:"reused_from,omitempty"`
	// ControlMessages counts its GTPv2-C datagrams, UserPackets its G-PDUs.
	ControlMessages int64 `json:"control_messages"`
	UserPackets     int64 `json:"user_packets"`
	// Frames are all its frames (control and user plane), numbered from 1.
	Frames []int64 `json:"frames"`
}

// Expect returns what an analysis of the scenario must find. An invalid
// config gives an expectation with only the generator name.
func (c GTPCScenario) Expect() GTPCExpectation {
	p, err := c.plan()
	if err != nil {
		return GTPCExpectation{Expectation: Expectation{Generator: "gtpc"}}
	}
	e := GTPCExpectation{Expectation: dryRun("gtpc", newGTPCGen(p)), MessagesByType: map[uint8]int64{},
		PerSubscriber: make([]GTPCSubscriber, len(p.subs)), OtherFrames: []int64{}}
	types := [...]uint8{gcCSReq: gtpcCSReq, gcCSResp: gtpcCSResp, gcMBReq: gtpcMBReq, gcMBResp: gtpcMBResp,
		gcDSReq: gtpcDSReq, gcDSResp: gtpcDSResp, gcEchoReq: gtpcEchoReq, gcEchoResp: gtpcEchoResp}
	for i := range p.subs {
		s := &p.subs[i]
		ps := &e.PerSubscriber[i]
		ps.IMSI = digits(p.imsi(s), 15)
		ps.MSISDN = digits(s.msisdn, 11)
		ps.MEI = digits(imei(int32(i)), 15)
		ps.Rejected = s.rejected
		ps.MMETEID = s.mmeC
		if p.Gn {
			ps.ENBTEID = s.enbU
		}
		ps.Frames = []int64{}
		if s.rejected {
			e.Rejected++
			continue
		}
		e.Accepted++
		ps.UEIPv4, ps.UEIPv6 = s.ue4, s.ue6
		ps.SGWTEID, ps.SGWUTEID, ps.ENBTEID, ps.PGWCTEID, ps.PGWUTEID = s.sgwC, s.sgwU, s.enbU, s.pgwC, s.pgwU
		if s.reusedFrom >= 0 {
			ps.ReusedFrom = digits(p.imsi(&p.subs[s.reusedFrom]), 15)
		}
	}
	for k, ev := range p.events {
		frame := int64(k + 1)
		if ev.sub < 0 {
			e.OtherFrames = append(e.OtherFrames, frame)
		} else {
			ps := &e.PerSubscriber[ev.sub]
			ps.Frames = append(ps.Frames, frame)
			if ev.kind == gcUserUp || ev.kind == gcUserDown {
				ps.UserPackets++
			} else {
				ps.ControlMessages++
			}
		}
		switch {
		case ev.kind == gcUserUp || ev.kind == gcUserDown:
			e.GPDUs++
			continue
		case gcIsRequest(ev.kind):
			e.Requests++
		default:
			e.Responses++
		}
		e.GTPCMessages++
		e.MessagesByType[types[ev.kind]]++
		switch ev.kind {
		case gcEchoResp:
			e.Echoes++
		case gcDSResp:
			e.Deleted++
		}
	}
	e.GTPCRetransmissions = int64(p.retrans)
	e.Subscribers = int64(len(p.subs))
	e.ReusedTEIDs = int64(p.reused)
	// Every UDP flow: MME↔SGW signalling and one GTP-U flow eNodeB↔SGW-U.
	e.Flows, e.IPPairs = 1, 1
	if e.GPDUs > 0 {
		e.Flows, e.IPPairs = 2, 2
	}
	e.Sessions = e.Accepted
	return e
}

// digits formats v with exactly n decimal digits (leading zeros kept).
func digits(v uint64, n int) string {
	s := strconv.FormatUint(v, 10)
	for len(s) < n {
		s = "0" + s
	}
	return s
}
