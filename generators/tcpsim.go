package generators

import (
	"cmp"
	"slices"
	"time"
)

// segRec is one captured segment of a simulated session.
type segRec struct {
	t            int64
	toServer     bool
	flags        uint8
	seq, ack     uint32
	off, n       int // payload: bytes off..off+n of the request or response
	port         uint16
	ipid         uint32
	tsval, tsecr uint32 // SYN timestamps option
}

// l4Len is the segment's TCP length.
func (r *segRec) l4Len() int {
	if r.flags&tcpSyn != 0 {
		return 40 + r.n
	}
	return 20 + r.n
}

// Event kinds of the session simulation. Data, FIN and the server's last
// ACK arrive at the client (the capture point); the others at the server or
// are timers.
const (
	evData      = iota // server segment a arrives at the client
	evFin              // server FIN arrives at the client
	evAck              // client ACK of a bytes arrives at the server
	evClientFin        // client FIN arrives at the server
	evLastAck          // server's ACK of the client FIN arrives at the client
	evRTO              // server retransmission timer, generation b
	evDelAck           // client delayed-ACK timer, generation b
)

type event struct {
	t    int64
	n    uint64 // insertion order, to break ties deterministically
	kind uint8
	a, b int
}

func (e event) before(f event) bool { return e.t < f.t || (e.t == f.t && e.n < f.n) }

// sessSim simulates one session at a time; its buffers are reused.
type sessSim struct {
	p   *sessPlan
	rng *rng
	out []segRec
	ev  []event
	evN uint64

	half, gap     int64
	port          uint16
	cISN, sISN    uint32
	ipidC, ipidS  uint32
	reqEnd        uint32 // client sequence number after the request
	total, mss    int
	retrans, lost int64

	// Server state (byte offsets into the response).
	una, nxt, maxNxt, cwnd, dup int
	rto                         int64
	linkFree                    int64 // when the server's link can send again
	rtoGen                      int
	rtoArmed, finSent           bool
	losses                      []uint8

	// Client state.
	rcv, pending int
	got          []bool
	delGen       int
	delArmed     bool
}

func (s *sessSim) push(t int64, kind uint8, a, b int) {
	s.evN++
	s.ev = append(s.ev, event{t: t, n: s.evN, kind: kind, a: a, b: b})
	for i := len(s.ev) - 1; i > 0; {
		parent := (i - 1) / 2
		if !s.ev[i].before(s.ev[parent]) {
			break
		}
		s.ev[i], s.ev[parent] = s.ev[parent], s.ev[i]
		i = parent
	}
}

func (s *sessSim) pop() event {
	e := s.ev[0]
	last := len(s.ev) - 1
	s.ev[0] = s.ev[last]
	s.ev = s.ev[:last]
	for i := 0; ; {
		l, small := 2*i+1, i
		if l < last && s.ev[l].before(s.ev[small]) {
			small = l
		}
		if l+1 < last && s.ev[l+1].before(s.ev[small]) {
			small = l + 1
		}
		if small == i {
			break
		}
		s.ev[i], s.ev[small] = s.ev[small], s.ev[i]
		i = small
	}
	return e
}

// client records a client segment sent (and captured) at t.
func (s *sessSim) client(t int64, flags uint8, seq, ack uint32, off, n int) {
	s.ipidC++
	s.out = append(s.out, segRec{t: t, toServer: true, flags: flags, seq: seq, ack: ack, off: off, n: n, port: s.port, ipid: s.ipidC})
}

// server records a server segment arriving at (captured at) t.
func (s *sessSim) server(t int64, flags uint8, seq, ack uint32, off, n int) {
	s.ipidS++
	s.out = append(s.out, segRec{t: t, flags: flags, seq: seq, ack: ack, off: off, n: n, port: s.port, ipid: s.ipidS})
}

// run simulates one session starting at t0 from port and appends its
// captured segments to out, in capture order.
func (s *sessSim) run(p *sessPlan, r *rng, t0 int64, port uint16, out []segRec) []segRec {
	*s = sessSim{p: p, rng: r, out: out, ev: s.ev[:0], losses: s.losses[:0], got: s.got[:0]}
	s.port = port
	s.half, s.gap = int64(p.RTT)/2, int64(sessGap)
	s.cISN, s.sISN = r.uint32(), r.uint32()
	s.ipidC, s.ipidS = r.uint32()&0xffff, r.uint32()&0xffff
	tsC, tsS := r.uint32(), r.uint32()
	s.total, s.mss = len(p.response), p.MSS
	nseg := (s.total + s.mss - 1) / s.mss
	for range nseg {
		s.losses = append(s.losses, 0)
		s.got = append(s.got, false)
	}
	s.cwnd, s.rto = p.InitCwnd, int64(p.RTO)
	s.reqEnd = s.cISN + 1 + uint32(len(p.request))

	// Handshake and request, as the client sees them.
	rtt, turn := int64(p.RTT), int64(sessClientTurn)
	s.client(t0, tcpSyn, s.cISN, 0, 0, 0)
	s.out[len(s.out)-1].tsval = tsC
	s.server(t0+rtt, tcpSyn|tcpAck, s.sISN, s.cISN+1, 0, 0)
	s.out[len(s.out)-1].tsval, s.out[len(s.out)-1].tsecr = tsS, tsC
	t := t0 + rtt + turn
	s.client(t, tcpAck, s.cISN+1, s.sISN+1, 0, 0)
	t += turn
	s.client(t, tcpPsh|tcpAck, s.cISN+1, s.sISN+1, 0, len(p.request))
	s.send(t + s.half + int64(sessServerTurn))

	for steps := 0; len(s.ev) > 0 && steps < 10_000_000; steps++ {
		e := s.pop()
		switch e.kind {
		case evData:
			s.onData(e.t, e.a)
		case evFin:
			s.server(e.t, tcpFin|tcpAck, s.sISN+1+uint32(s.total), s.reqEnd, 0, 0)
			s.client(e.t+turn, tcpFin|tcpAck, s.reqEnd, s.sISN+2+uint32(s.total), 0, 0)
			s.push(e.t+turn+s.half, evClientFin, 0, 0)
		case evClientFin:
			s.push(e.t+s.half, evLastAck, 0, 0)
		case evLastAck:
			s.server(e.t, tcpAck, s.sISN+2+uint32(s.total), s.reqEnd+1, 0, 0)
		case evAck:
			s.onAck(e.t, e.a)
		case evRTO:
			if e.b == s.rtoGen && s.rtoArmed && s.una < s.nxt {
				s.rtoArmed = false
				s.nxt, s.cwnd, s.dup = s.una, 1, 0
				s.rto = min(2*s.rto, int64(60*time.Second))
				s.send(e.t)
			}
		case evDelAck:
			if e.b == s.delGen && s.delArmed && s.pending > 0 {
				s.ackNow(e.t)
			}
		}
	}
	// Client segments were recorded when sent, server ones when they
	// arrived; put them in capture order (stable: ties keep event order).
	slices.SortStableFunc(s.out, func(a, b segRec) int { return cmp.Compare(a.t, b.t) })
	return s.out
}

// send transmits what the window allows from server time t and arms the
// retransmission timer; with everything acknowledged it sends the FIN.
func (s *sessSim) send(t int64) {
	for s.nxt < s.total && s.nxt-s.una < s.cwnd*s.mss {
		s.transmit(t, s.nxt/s.mss)
		s.nxt = min(s.nxt+s.mss, s.total)
		s.maxNxt = max(s.maxNxt, s.nxt)
	}
	if s.una < s.nxt && !s.rtoArmed {
		s.rtoArmed = true
		s.rtoGen++
		s.push(t+s.rto, evRTO, 0, s.rtoGen)
	}
	if s.una == s.total && !s.finSent {
		s.finSent = true
		s.push(t+s.half, evFin, 0, 0)
	}
}

// transmit sends data segment i at server time t: it is lost, or arrives
// at the client half an RTT later (a little more when reordered).
func (s *sessSim) transmit(t int64, i int) {
	// Segments leave one after another at the link's pace.
	t = max(t, s.linkFree)
	s.linkFree = t + s.gap
	resent := i*s.mss < s.maxNxt
	if s.losses[i] < sessMaxLosses && s.rng.chance(s.p.Loss) {
		s.losses[i]++
		s.lost++
		return
	}
	if resent {
		s.retrans++
	}
	arrive := t + s.half
	if s.rng.chance(s.p.Reorder) {
		arrive += s.gap * 3 / 2
	}
	s.push(arrive, evData, i, 0)
}

// onAck processes a client ACK of ack response bytes at the server.
func (s *sessSim) onAck(t int64, ack int) {
	switch {
	case ack > s.una:
		s.una, s.dup = ack, 0
		s.nxt = max(s.nxt, s.una)
		s.cwnd = min(s.cwnd+1, 64)
		s.rto = int64(s.p.RTO)
		s.rtoArmed = false // re-armed by send while data is outstanding
		s.send(t)
	case ack == s.una && s.una < s.nxt:
		s.dup++
		if s.dup == 3 { // fast retransmit
			s.transmit(t, s.una/s.mss)
			s.cwnd = max(s.cwnd/2, 2)
		}
	}
}

// onData records server data segment i arriving at the client at t and
// acknowledges it now or later.
func (s *sessSim) onData(t int64, i int) {
	off := i * s.mss
	n := min(s.mss, s.total-off)
	flags := uint8(tcpAck)
	if off+n == s.total {
		flags |= tcpPsh
	}
	s.server(t, flags, s.sISN+1+uint32(off), s.reqEnd, off, n)
	at := t + int64(sessClientTurn)
	switch {
	case off < s.rcv || s.got[i]: // duplicate: tell the server at once
		s.ackNow(at)
	case off > s.rcv: // hole before it: duplicate ACK at once
		s.got[i] = true
		s.ackNow(at)
	default:
		s.got[i] = true
		before := s.rcv
		for j := i; j < len(s.got) && s.got[j]; j++ {
			s.rcv = min((j+1)*s.mss, s.total)
		}
		s.pending++
		filled := s.rcv-before > s.mss
		if s.p.DelayedACK == 0 || s.pending >= 2 || filled {
			s.ackNow(at)
		} else if !s.delArmed {
			s.delArmed = true
			s.delGen++
			s.push(t+int64(s.p.DelayedACK), evDelAck, 0, s.delGen)
		}
	}
}

// ackNow sends a pure ACK of everything received in order.
func (s *sessSim) ackNow(t int64) {
	s.pending, s.delArmed = 0, false
	s.client(t, tcpAck, s.reqEnd, s.sISN+1+uint32(s.rcv), 0, 0)
	s.push(t+s.half, evAck, s.rcv, 0)
}
