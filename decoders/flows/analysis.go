package flows

import "github.com/pcapflow/pcapflow/pipeline"

// TCP flag bits, as in pipeline.Decoded.TCPFlags.
const (
	tcpFin = pipeline.TCPFin
	tcpSyn = pipeline.TCPSyn
	tcpRst = pipeline.TCPRst
	tcpAck = pipeline.TCPAck
)

// Thresholds of tshark's analysis.
const (
	fastRetransWindow = 20_000_000 // ns since the duplicate ACKs
	defaultOOOThresh  = 3_000_000  // ns, when the handshake RTT is unknown
)

// seqState is what one direction's analysis remembers.
type seqState struct {
	nextSeq     uint32
	nextSeqTime int64
	lastAck     uint32
	lastAckTime int64
	dupAcks     uint32
	window      uint16
	seqKnown    bool
	ackKnown    bool
	winKnown    bool
}

func seqLT(a, b uint32) bool { return int32(a-b) < 0 }
func seqGT(a, b uint32) bool { return int32(a-b) > 0 }
func seqLE(a, b uint32) bool { return int32(a-b) <= 0 }

// tcpFlags are the analysis results for one segment.
type tcpFlags uint8

const (
	aRetrans tcpFlags = 1 << iota
	aFast
	aSpurious
	aOOO
	aDupAck
	aZeroWin
	aKeepAlive
)

// analyze classifies a segment sent by fwd (with rev the other direction)
// after tshark's tcp_analyze_sequence_number, and updates both states.
// ooo is the out-of-order threshold in ns.
func analyze(fwd, rev *seqState, now int64, seq, ack uint32, win uint16, flags uint16, seglen uint32, ooo int64) tcpFlags {
	var r tcpFlags
	ctl := flags & (tcpSyn | tcpFin | tcpRst)
	if win == 0 && ctl == 0 {
		r |= aZeroWin
	}
	if seglen <= 1 && ctl == 0 && fwd.seqKnown && seq == fwd.nextSeq-1 {
		r |= aKeepAlive
	}
	if seglen == 0 && win != 0 && ctl == 0 && flags&tcpAck != 0 &&
		fwd.winKnown && win == fwd.window && fwd.seqKnown && seq == fwd.nextSeq &&
		fwd.ackKnown && ack == fwd.lastAck {
		r |= aDupAck
		fwd.dupAcks++
	}
	end := seq + seglen
	if flags&(tcpSyn|tcpFin) != 0 {
		end++
	}
	if (seglen > 0 || flags&(tcpSyn|tcpFin) != 0) && fwd.seqKnown && seqLT(seq, fwd.nextSeq) && r&aKeepAlive == 0 {
		switch {
		case rev.ackKnown && rev.dupAcks >= 2 && rev.lastAck == seq && now-rev.lastAckTime < fastRetransWindow:
			r |= aFast | aRetrans
		case now-fwd.nextSeqTime < ooo && fwd.nextSeq != end:
			r |= aOOO
		case seglen > 0 && rev.ackKnown && seqLE(seq+seglen, rev.lastAck):
			r |= aSpurious | aRetrans
		default:
			r |= aRetrans
		}
	}
	if !fwd.seqKnown {
		fwd.nextSeq, fwd.nextSeqTime, fwd.seqKnown = end, now, true
	} else if seqGT(end, fwd.nextSeq) {
		// As tshark does, any segment that ends beyond the highest
		// sequence seen moves it, even one without payload (a RST).

		fwd.nextSeq, fwd.nextSeqTime = end, now
	}
	if r&aDupAck == 0 {
		fwd.dupAcks = 0
	}
	if flags&tcpAck != 0 {
		fwd.lastAck, fwd.lastAckTime, fwd.ackKnown = ack, now, true
	}
	fwd.window, fwd.winKnown = win, true
	return r
}

// count adds the analysis flags of a segment to s.
func (s *Side) count(r tcpFlags) {
	if r&aRetrans != 0 {
		s.Retransmissions++
	}
	if r&aFast != 0 {
		s.FastRetransmissions++
	}
	if r&aSpurious != 0 {
		s.SpuriousRetransmissions++
	}
	if r&aOOO != 0 {
		s.OutOfOrder++
	}
	if r&aDupAck != 0 {
		s.DupAcks++
	}
	if r&aZeroWin != 0 {
		s.ZeroWindows++
	}
	if r&aKeepAlive != 0 {
		s.KeepAlives++
	}
}
