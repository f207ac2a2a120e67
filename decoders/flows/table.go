package flows

import (
	"math/rand/v2"
	"time"

	"github.com/pcapflow/pcapflow/internal/slotindex"
	"github.com/pcapflow/pcapflow/internal/tuplekey"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Timeout classes, one recency list each.
const (
	classTCP = iota
	classUDP
	classICMP
	classOther
	numClasses
)

// flow is the state of one active flow apart from its hotState and link:
// first the counters every packet adds to, then what every packet reads
// and what TCP's handshake sets, then the TCP state, then what only the
// flow's creation and record use.
type flow struct {
	side       [2]Side
	first      int64
	service    string
	sniffed    [2]bool
	closed     bool
	synSeen    bool
	synSide    uint8
	synSeq     uint32
	synTime    int64
	synAckTime int64
	ackTime    int64
	ep         tcpEndpoints
	hist       history
	seq        [2]seqState
	tl         tlState

	communityID string
	origPort    uint16
	respPort    uint16
	firstInput  pipeline.InputID
	firstFrame  uint64
	parent      uint64
}

// Table tracks flows over packets seen in capture order. It is not safe for
// concurrent use.
type Table struct {
	opts     Options
	seed     uint64
	ix       slotindex.Index
	slab     slab
	free     []int32
	lists    [numClasses]list
	nextID   uint64
	cur      int32
	rec      Record
	finished uint64
	frags    fragTable
	prep     preparedBatch // see Prepare
}

// NewTable returns an empty Table.
func NewTable(opts Options) *Table {
	opts.fill()
	t := &Table{opts: opts, seed: rand.Uint64(), nextID: 1, cur: -1}
	t.ix.Init(indexMin)
	t.ix.Grow()
	idle := [numClasses]time.Duration{opts.TCPIdle, opts.UDPIdle, opts.ICMPIdle, opts.OtherIdle}
	for c := range t.lists {
		t.lists[c] = list{head: -1, tail: -1, idle: int64(idle[c])}
	}
	return t
}

// Active returns the number of flows being tracked.
func (t *Table) Active() int { return t.ix.Len() }

// Finished returns the number of records emitted so far.
func (t *Table) Finished() uint64 { return t.finished }

// Slot returns the slot of the flow of the last packet Observe assigned to
// a flow, or -1. Slots are small numbers, below the most flows tracked at
// once; a finished flow's slot goes to a later flow, so a caller keeping
// per-flow data in an array indexed by slot also keeps the flow's id.
func (t *Table) Slot() int32 { return t.cur }

// CommunityID returns the Community ID of the flow of the last packet
// Observe assigned to a flow, or "".
func (t *Table) CommunityID() string {
	if t.cur < 0 {
		return ""
	}
	return t.slab.at(t.cur).communityID
}

func classOf(proto uint8) uint8 {
	switch proto {
	case 6:
		return classTCP
	case 17, 132, 136:
		return classUDP
	case 1, 58:
		return classICMP
	}
	return classOther
}

// Observe adds packet p (with its captured bytes data) to its flow and
// returns the flow's id and the packet's direction. Packets without an IP
// header belong to no flow: Observe returns 0 and DirNone. Finished flows
// (idle by p's timestamp, reused, evicted) are emitted before it returns.
// A flow is its exact outer 5-tuple: every packet given one flow id has
// the same two outer addresses (as 16 bytes and family), the originator's
// as the source when the direction is DirOrig, the responder's when it is
// DirResp.
func (t *Table) Observe(p *pipeline.Packet, data []byte) (uint64, Direction) {
	d := &p.Decoded
	t.cur = -1
	if d.Layers&(pipeline.LayerIPv4|pipeline.LayerIPv6) == 0 || !d.IP.Src.IsValid() || !d.IP.Dst.IsValid() {
		return 0, DirNone
	}
	var s segment
	s.outer(p, data)
	return t.observe(p, data, &s, 0)
}

// ObserveInner adds the packet a tunnel in p carries (a GTP-U G-PDU's, or
// VXLAN's, Geneve's, GRE's, IP in IP's: Decoded.Inner) to its own flow, as
// Observe does with the outer headers, and returns that flow's id and the
// packet's direction in it; 0 and DirNone when p carries no tunnelled IP
// packet. parent is the id of the flow p's outer headers belong to: a
// flow started here records it as its TunnelParent. Inner and outer flows
// share the table (and its ids); a tunnelled flow whose tuple equals an
// outer flow's is that flow.
func (t *Table) ObserveInner(p *pipeline.Packet, data []byte, parent uint64) (uint64, Direction) {
	d := &p.Decoded
	t.cur = -1
	if d.Layers&(pipeline.LayerInnerIPv4|pipeline.LayerInnerIPv6) == 0 || !d.Inner.Src.IsValid() || !d.Inner.Dst.IsValid() {
		return 0, DirNone
	}
	var s segment
	s.inner(p, data)
	return t.observe(p, data, &s, parent)
}

// observe adds segment s of packet p to its flow.
func (t *Table) observe(p *pipeline.Packet, data []byte, s *segment, parent uint64) (uint64, Direction) {
	now := p.Timestamp
	t.expire(now)
	if t.frags.waiting() {
		t.frags.expire(now)
	}
	if s.frag == fragLater {
		if id, dir, ok := t.laterFragment(p, s); ok {
			return id, dir
		}
	}

	d := &p.Decoded
	var (
		k      key
		h      uint32
		srcIsA bool
	)
	tu := s.tuple(d)
	proto := tu.Proto
	if pk := t.preparedKey(p, s); pk != nil {
		k, h, srcIsA = pk.k, pk.h, pk.srcIsA
	} else {
		sport, dport := s.ports(d, tu)
		k, srcIsA = tuplekey.Make(tu.Src, tu.Dst, sport, dport, proto)
		h = k.Hash(t.seed)
	}
	var fl uint16
	var seq uint32
	if s.tcp {
		fl, seq, _, _ = s.tcpHeader(d)
	}

	pos, i, ok := find(&t.ix, &k, h, &t.slab)
	posOK := !ok
	if ok {
		hs := t.slab.hot(i)
		f := t.slab.at(i)
		side := uint8(0)
		if srcIsA != hs.origIsA {
			side = 1
		}
		switch {
		case now-hs.last > t.lists[hs.class].idle:
			t.finish(i, EndIdle)
			ok = false
		case t.opts.Active > 0 && now-f.first >= int64(t.opts.Active):
			t.finish(i, EndActive)
			ok = false
		case s.tcp && fl&tcpSyn != 0 && fl&tcpAck == 0 &&
			((f.closed && (!f.synSeen || seq != f.synSeq)) ||
				(f.synSeen && seq != f.synSeq && f.synSide == side)):
			t.finish(i, EndReuse)
			ok = false
		}
	}
	if !ok {
		i = t.create(&k, h, pos, posOK, p, s, srcIsA, parent)
	}
	hs := t.slab.hot(i)
	f := t.slab.at(i)
	side := 0
	if srcIsA != hs.origIsA {
		side = 1
	}
	t.cur = i
	if now > hs.last {
		hs.last = now
	}
	t.touch(i, hs.class, hs.last)

	if f.service == "" && !f.sniffed[side] && s.payLen > 0 && s.frag != fragLater {
		f.sniffed[side] = true
		if end := uint64(s.payOff) + uint64(s.payLen); end <= uint64(len(data)) {
			f.service = sniff(proto, data[s.payOff:end])
		}
	}

	switch {
	case s.frag == fragFirst:
		t.firstFragment(p, i, side, s)
	case s.tunnelled && s.frag == fragNone && d.Layers.Has(pipeline.LayerFragment) && t.holdCarried(p, i, side, s):
	default:
		var h tcpSeg
		if s.tcp {
			h.flags, h.seq, h.ack, h.win = s.tcpHeader(d)
		}
		t.count(f, side, now, proto, uint64(p.OrigLen), s.ipLen, s.payload, s.tcp, h)
	}
	return hs.id, Direction(side + 1)
}

// count adds one packet to side side of flow f: frameBytes on the wire, an
// IP packet of ipLen bytes with a transport payload of payload bytes, and
// TCP header h when tcp is set.
func (t *Table) count(f *flow, side int, now int64, proto uint8, frameBytes uint64, ipLen, payload uint32, tcp bool, h tcpSeg) {
	sd := &f.side[side]
	sd.Packets++
	sd.FrameBytes += frameBytes
	sd.IPBytes += uint64(ipLen)
	if tcp {
		t.tcp(f, side, now, h, payload)
	} else if proto != 6 {
		sd.Bytes += uint64(payload)
		if payload > 0 {
			f.hist.once(hData, side)
		}
	}
}

// tcp runs the TCP state machine, history and analysis for one segment.
func (t *Table) tcp(f *flow, side int, now int64, h tcpSeg, payload uint32) {
	fl, seq, ackNo, win := h.flags, h.seq, h.ack, h.win
	sd := &f.side[side]
	if fl&tcpRst == 0 {
		sd.Bytes += uint64(payload)
	}
	syn := fl&tcpSyn != 0
	ack := fl&tcpAck != 0
	if syn && !ack {
		if !f.synSeen || seq != f.synSeq {
			f.synSeen, f.synSeq, f.synSide = true, seq, uint8(side)
		}
		if side == 0 && f.synTime == 0 {
			f.synTime = now
		}
	}
	if syn && ack && side == 1 && f.synTime != 0 && f.synAckTime == 0 {
		f.synAckTime = now
	}
	if !syn && ack && side == 0 && f.synAckTime != 0 && f.ackTime == 0 {
		f.ackTime = now
	}
	if fl&(tcpFin|tcpRst) != 0 {
		f.closed = true
	}
	f.ep.update(side, fl, payload)
	f.hist.tcp(side, fl, payload)

	ooo := int64(defaultOOOThresh)
	if f.ackTime != 0 {
		// tshark's first RTT: from the SYN to the ACK that completes
		// the handshake.
		ooo = f.ackTime - f.synTime
	}
	var rtt int64
	if f.ackTime != 0 {
		rtt = f.ackTime - f.synTime
	}
	f.tl.segment(side, &f.seq[side], now, rtt, seq, fl, payload)
	r := analyze(&f.seq[side], &f.seq[1-side], now, seq, ackNo, win, fl, payload, ooo)
	f.tl.analysed(side, &f.seq[1-side], r, fl, payload, win)
	sd.count(r)
	if r&aRetrans != 0 && payload > 0 {
		f.hist.counted('t', side, &f.hist.rexmit[side])
	}
	if r&aZeroWin != 0 {
		f.hist.counted('w', side, &f.hist.zwin[side])
	}
}

// create starts a flow for k (hash h) with segment s of p as its first
// packet; parent is the id of the flow carrying it in a tunnel, or 0. pos
// is where find placed k in the index, valid when posOK.
func (t *Table) create(k *key, h, pos uint32, posOK bool, p *pipeline.Packet, s *segment, srcIsA bool, parent uint64) int32 {
	if t.ix.Len() >= t.opts.MaxFlows {
		t.evictOldest()
		posOK = false
	}
	if !posOK {
		pos, _, _ = find(&t.ix, k, h, &t.slab)
	}
	var i int32
	if n := len(t.free); n > 0 {
		i = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		i = t.slab.grow()
	}
	proto := k.Proto()
	hs := t.slab.hot(i)
	*hs = hotState{k: *k, last: p.Timestamp, id: t.nextID, hash: h, class: classOf(proto), origIsA: srcIsA}
	f := t.slab.at(i)
	*f = flow{}
	f.first = p.Timestamp
	f.firstInput, f.firstFrame = p.Input, p.Frame
	f.parent = parent
	t.nextID++
	d := &p.Decoded
	isICMP := s.icmp
	tu := s.tuple(d)
	src, dst := tu.Src, tu.Dst
	sport, dport := tu.SrcPort, tu.DstPort
	if isICMP {
		typ, code := s.icmpTypeCode(d)
		sport, dport = uint16(typ), uint16(code)
	} else if !hasPorts(proto) {
		sport, dport = 0, 0
	}
	var fl uint16
	if s.tcp {
		fl, _, _, _ = s.tcpHeader(d)
	}
	flip := false
	switch {
	case isICMP:
	case s.tcp && fl&tcpSyn != 0:
		flip = fl&tcpAck != 0
	case hasPorts(proto):
		flip = serviceByPort(proto, sport) != "" && serviceByPort(proto, dport) == ""
	}
	if flip {
		hs.origIsA = !srcIsA
		src, dst, sport, dport = dst, src, dport, sport
		f.hist.flipped()
	}
	f.origPort, f.respPort = sport, dport
	if !isICMP {
		f.service = serviceByPort(proto, dport)
		if f.service == "" {
			f.service = serviceByPort(proto, sport)
		}
	}
	f.communityID = CommunityID(t.opts.CommunitySeed, src, dst, proto, sport, dport)
	t.ix.Insert(pos, h, i)
	t.pushHead(i, hs.class)
	return i
}

// ports returns the ports of segment s's flow key (tu its tuple in d):
// its transport ports, ICMP's type and code mapped as Community ID maps
// them, or zeros for a protocol without ports.
func (s *segment) ports(d *pipeline.Decoded, tu *pipeline.Flow) (uint16, uint16) {
	switch {
	case s.icmp:
		typ, code := s.icmpTypeCode(d)
		sport, dport, _ := icmpPorts(tu.Proto, typ, code)
		return sport, dport
	case !hasPorts(tu.Proto):
		return 0, 0
	}
	return tu.SrcPort, tu.DstPort
}
