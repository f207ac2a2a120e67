package flows

// epState is one TCP endpoint's state, after Zeek's TCP_Endpoint states.
type epState uint8

const (
	epInactive epState = iota
	epSynSent
	epSynAckSent
	epPartial
	epEstablished
	epClosed
	epReset
)

// tcpEndpoints is the pair of endpoint states of a TCP flow, indexed by
// side (0 originator, 1 responder).
type tcpEndpoints struct {
	st, prev [2]epState
	// size is the payload bytes each side sent, for the REJ test.
	size [2]uint64
}

func (e *tcpEndpoints) set(i int, s epState) {
	e.prev[i] = e.st[i]
	e.st[i] = s
}

// update applies a segment sent by side i (0 orig, 1 resp) with the given
// flags and payload length, the way Zeek's state machine moves.
func (e *tcpEndpoints) update(i int, flags uint16, payload uint32) {
	syn := flags&tcpSyn != 0
	ack := flags&tcpAck != 0
	fin := flags&tcpFin != 0
	rst := flags&tcpRst != 0
	peer := 1 - i
	e.size[i] += uint64(payload)
	switch e.st[i] {
	case epInactive:
		if syn {
			if i == 0 {
				if ack {
					e.set(i, epSynAckSent)
				} else {
					e.set(i, epSynSent)
				}
			} else {
				if e.st[peer] == epSynSent {
					e.set(peer, epEstablished)
				}
				e.set(i, epEstablished)
			}
		}
		if fin {
			e.set(i, epClosed)
		}
		if rst {
			e.set(i, epReset)
		}
		if e.st[i] == epInactive {
			switch {
			case i == 1 && payload == 0 && e.st[0] == epSynSent:
				// An ACK of the SYN before the SYN+ACK: not partial.
			case ack && e.st[peer] == epEstablished:
				e.set(i, epEstablished)
			default:
				e.set(i, epPartial)
			}
		}
	case epSynSent, epSynAckSent:
		if fin {
			e.set(i, epClosed)
		}
		if rst {
			e.set(i, epReset)
		} else if !fin && !syn && ack && (e.st[peer] == epEstablished || e.st[peer] == epSynAckSent) {
			// The handshake's final ACK.
			e.set(i, epEstablished)
		}
	case epEstablished, epPartial:
		if syn && e.st[i] == epPartial && e.st[peer] == epInactive && !ack {
			e.set(i, epSynSent)
		}
		if fin && !rst {
			e.set(i, epClosed)
			if e.st[peer] == epReset && e.prev[peer] == epClosed {
				e.set(peer, epClosed)
			}
		}
		if rst {
			e.set(i, epReset)
		}
	case epClosed:
		if rst && e.st[peer] != epClosed {
			e.set(i, epReset)
		}
	case epReset:
	}
}

func inactive(s epState) bool { return s == epInactive || s == epPartial }

// Zeek conn_state values.
const (
	StateS0     = "S0"
	StateS1     = "S1"
	StateSF     = "SF"
	StateREJ    = "REJ"
	StateS2     = "S2"
	StateS3     = "S3"
	StateRSTO   = "RSTO"
	StateRSTR   = "RSTR"
	StateRSTOS0 = "RSTOS0"
	StateRSTRH  = "RSTRH"
	StateSH     = "SH"
	StateSHR    = "SHR"
	StateOTH    = "OTH"
)

// connState derives Zeek's conn_state from the endpoint states; synThenRst
// reports whether the history is a SYN followed by a RST with no handshake,
// data or FIN between (Zeek's /^?S[^HAFGIQ]*R.*/).
func (e *tcpEndpoints) connState(synThenRst bool) string {
	os, rs := e.st[0], e.st[1]
	switch {
	case rs == epReset:
		if os == epSynSent || os == epSynAckSent || (os == epReset && e.size[0] == 0 && e.size[1] == 0) {
			return StateREJ
		}
		if inactive(os) {
			return StateRSTRH
		}
		return StateRSTR
	case os == epReset:
		if inactive(rs) {
			if synThenRst {
				return StateRSTOS0
			}
			return StateOTH
		}
		return StateRSTO
	case os == epClosed && rs == epClosed:
		return StateSF
	case os == epClosed:
		if inactive(rs) {
			return StateSH
		}
		return StateS2
	case rs == epClosed:
		if inactive(os) {
			return StateSHR
		}
		return StateS3
	case os == epSynSent && rs == epInactive:
		return StateS0
	case os == epEstablished && rs == epEstablished:
		return StateS1
	}
	return StateOTH
}

// udpConnState is Zeek's conn_state for UDP: SF when both sides sent, S0
// when only the originator did, SHR when only the responder did.
func udpConnState(origPkts, respPkts uint64) string {
	switch {
	case origPkts > 0 && respPkts > 0:
		return StateSF
	case origPkts > 0:
		return StateS0
	case respPkts > 0:
		return StateSHR
	}
	return StateOTH
}
