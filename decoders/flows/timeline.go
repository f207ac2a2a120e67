package flows

// Timeline summarises how a TCP connection's transfer went, with the
// definitions of decoders/tcpreasm's per-connection timeline (which
// `pcapflow follow --timeline` prints) computed from sequence numbers alone,
// without reassembly. Arrays are indexed by side: 0 originator, 1 responder.
type Timeline struct {
	// MaxInFlight is the most bytes a side had sent and the peer had not yet
	// acknowledged (highest sequence sent minus the peer's latest ACK).
	MaxInFlight [2]uint64
	// RetransEpisodes counts runs of retransmitted segments (any of tshark's
	// retransmission kinds) a side sent; a segment with new data ends a run.
	RetransEpisodes [2]uint32
	// ZeroWindowEvents counts the times a side's advertised window closed
	// (went to zero after being open); ZeroWindows in Side counts segments.
	ZeroWindowEvents [2]uint32
	// Gaps and GapBytes count the holes in a side's sequence space that no
	// later segment filled: bytes the capture never held (lost before the
	// capture point, or dropped by it).
	Gaps     [2]uint32
	GapBytes [2]uint64
	// Stalls counts the pauses between consecutive packets of the
	// connection longer than the stall threshold: four handshake RTTs, at
	// least 200 ms. StallTime sums them (ns).
	Stalls    uint32
	StallTime int64
}

// Stall threshold, as decoders/tcpreasm defines it.
const (
	stallMin      = 200_000_000 // ns
	stallRTTTimes = 4
	// maxHoles is the number of open holes tracked per side; when more
	// open, the oldest is counted as a gap at once.
	maxHoles = 4
	// maxHoleSize bounds a plausible hole: a jump larger than this is a
	// new sequence space (or garbage), not missing bytes.
	maxHoleSize = 1 << 30
)

type hole struct{ start, end uint32 }

// tlSide is one side's timeline state.
type tlSide struct {
	maxEnd    uint32 // highest sequence sent (data, SYN, FIN; not RST)
	n         uint8
	inEpisode bool
	zeroOpen  bool
	maxKnown  bool
	holes     [maxHoles]hole
}

// tlState is a TCP flow's timeline state.
type tlState struct {
	last int64 // previous TCP packet of the flow, 0 before the first
	side [2]tlSide
	tl   Timeline
}

// gap counts hole h of side as missing bytes.
func (t *tlState) gap(side int, h hole) {
	t.tl.Gaps[side]++
	t.tl.GapBytes[side] += uint64(h.end - h.start)
}

// open records the hole [start, end) in side's sequence space.
func (t *tlState) open(side int, start, end uint32) {
	s := &t.side[side]
	if s.n == maxHoles {
		t.gap(side, s.holes[0])
		copy(s.holes[:], s.holes[1:])
		s.n--
	}
	s.holes[s.n] = hole{start, end}
	s.n++
}

// fill removes [start, end) from side's open holes.
func (t *tlState) fill(side int, start, end uint32) {
	s := &t.side[side]
	for i := 0; i < int(s.n); i++ {
		h := s.holes[i]
		if !seqLT(start, h.end) || !seqGT(end, h.start) {
			continue // no overlap
		}
		left := seqLT(h.start, start)
		right := seqGT(h.end, end)
		switch {
		case left && right:
			s.holes[i].end = start
			if s.n < maxHoles {
				copy(s.holes[i+2:s.n+1], s.holes[i+1:s.n])
				s.holes[i+1] = hole{end, h.end}
				s.n++
				i++
			} else {
				t.gap(side, hole{end, h.end})
			}
		case left:
			s.holes[i].end = start
		case right:
			s.holes[i].start = end
		default:
			copy(s.holes[i:], s.holes[i+1:s.n])
			s.n--
			i--
		}
	}
}

// segment updates the timeline with a segment of side, before the
// sequence analysis moves fwd (the side's state); flags are the analysis
// results, seglen the payload length.
func (t *tlState) segment(side int, fwd *seqState, now, rtt int64, seq uint32, flags uint16, seglen uint32) {
	if t.last != 0 {
		th := int64(stallMin)
		if rtt > 0 && stallRTTTimes*rtt > th {
			th = stallRTTTimes * rtt
		}
		if d := now - t.last; d > th {
			t.tl.Stalls++
			t.tl.StallTime += d
		}
	}
	if now > t.last {
		t.last = now
	}
	if flags&tcpRst != 0 || (seglen == 0 && flags&(tcpSyn|tcpFin) == 0) {
		return
	}
	s := &t.side[side]
	if top := seq + seglen + uint32(min(flags&(tcpSyn|tcpFin), 1)); !s.maxKnown || seqGT(top, s.maxEnd) {
		s.maxEnd, s.maxKnown = top, true
	}
	if !fwd.seqKnown || flags&tcpSyn != 0 {
		return
	}
	end := seq + seglen
	switch {
	case seqGT(seq, fwd.nextSeq) && seq-fwd.nextSeq < maxHoleSize:
		t.open(side, fwd.nextSeq, seq)
	case seqLT(seq, fwd.nextSeq) && seglen > 0:
		if seqGT(end, fwd.nextSeq) {
			end = fwd.nextSeq
		}
		t.fill(side, seq, end)
	}
}

// analysed updates the timeline with the analysis results r of a segment of
// side (rev the peer's state, already updated).
func (t *tlState) analysed(side int, rev *seqState, r tcpFlags, flags uint16, seglen uint32, win uint16) {
	s := &t.side[side]
	switch {
	case r&aRetrans != 0:
		if !s.inEpisode {
			s.inEpisode = true
			t.tl.RetransEpisodes[side]++
		}
	case seglen > 0 && r&(aOOO|aKeepAlive) == 0:
		s.inEpisode = false
	}
	if flags&(tcpSyn|tcpFin|tcpRst) == 0 {
		switch {
		case win == 0 && !s.zeroOpen:
			s.zeroOpen = true
			t.tl.ZeroWindowEvents[side]++
		case win != 0:
			s.zeroOpen = false
		}
	}
	if s.maxKnown && rev.ackKnown && seqGT(s.maxEnd, rev.lastAck) {
		if f := uint64(s.maxEnd - rev.lastAck); f < maxHoleSize && f > t.tl.MaxInFlight[side] {
			t.tl.MaxInFlight[side] = f
		}
	}
}

// result returns the timeline, the holes still open counted as gaps.
func (t *tlState) result() Timeline {
	tl := t.tl
	for side := range t.side {
		s := &t.side[side]
		for _, h := range s.holes[:s.n] {
			tl.Gaps[side]++
			tl.GapBytes[side] += uint64(h.end - h.start)
		}
	}
	return tl
}
