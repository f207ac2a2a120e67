package generators

// PFCPExpectation is what a correct analysis of a PFCPScenario must find:
// the per-packet counts of every generator plus the PFCP bookkeeping.
type PFCPExpectation struct {
	Expectation
	// PFCPMessages counts PFCP datagrams (one message each), copies of
	// retransmitted requests included; GPDUs the GTP-U G-PDUs.
	PFCPMessages int64 `json:"pfcp_messages"`
	GPDUs        int64 `json:"gpdus"`
	// Requests and Responses split PFCPMessages; every request is answered.
	Requests  int64 `json:"requests"`
	Responses int64 `json:"responses"`
	// PFCPRetransmissions counts the requests sent a second time.
	PFCPRetransmissions int64 `json:"pfcp_retransmissions"`
	// PFCPSessions counts sessions (one per establishment exchange, rejected
	// ones included); Established, Rejected and Deleted split them.
	PFCPSessions int64 `json:"pfcp_sessions"`
	Established  int64 `json:"established"`
	Rejected     int64 `json:"rejected"`
	Deleted      int64 `json:"deleted"`
	// Heartbeats and Associations count exchanges (request and response).
	Heartbeats   int64 `json:"heartbeats"`
	Associations int64 `json:"associations"`
	// MessagesByType counts PFCP messages by message type.
	MessagesByType map[uint8]int64 `json:"messages_by_type"`
}

// Expect returns what an analysis of the scenario must find. An invalid
// config gives an Expectation with only the generator name.
func (c PFCPScenario) Expect() PFCPExpectation {
	p, err := c.plan()
	if err != nil {
		return PFCPExpectation{Expectation: Expectation{Generator: "pfcp"}}
	}
	e := PFCPExpectation{Expectation: dryRun("pfcp", newPFCPGen(p)), MessagesByType: map[uint8]int64{}}
	types := [...]uint8{evAssocReq: pfcpAssocReq, evAssocResp: pfcpAssocResp, evHeartbeatReq: pfcpHeartbeatReq,
		evHeartbeatResp: pfcpHeartbeatResp, evEstReq: pfcpEstReq, evEstResp: pfcpEstResp, evModReq: pfcpModReq,
		evModResp: pfcpModResp, evDelReq: pfcpDelReq, evDelResp: pfcpDelResp}
	for _, ev := range p.events {
		switch {
		case ev.kind == evGPDUUp || ev.kind == evGPDUDown:
			e.GPDUs++
			continue
		case isRequest(ev.kind):
			e.Requests++
		default:
			e.Responses++
		}
		e.PFCPMessages++
		e.MessagesByType[types[ev.kind]]++
		switch ev.kind {
		case evHeartbeatResp:
			e.Heartbeats++
		case evAssocResp:
			e.Associations++
		case evDelResp:
			e.Deleted++
		}
	}
	e.PFCPRetransmissions = int64(p.retrans)
	e.PFCPSessions = int64(len(p.sessions))
	for _, s := range p.sessions {
		if s.rejected {
			e.Rejected++
		} else {
			e.Established++
		}
	}
	// Every UDP flow: CP↔UP signalling, and one GTP-U flow gNB↔UPF.
	e.Flows, e.IPPairs = 1, 1
	if e.GPDUs > 0 {
		e.Flows, e.IPPairs = 2, 2
	}
	e.Sessions = e.Established
	return e
}
