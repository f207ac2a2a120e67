package flows

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/pcapflow/pcapflow/pipeline"
)

// key is a flow's canonical tuple: (a, aPort) is the lower endpoint.
type key struct {
	a, b         netip.Addr
	aPort, bPort uint16
	proto        uint8
}

// Timeout classes, one recency list each.
const (
	classTCP = iota
	classUDP
	classICMP
	classOther
	numClasses
)

// flow is the state of one active flow.
type flow struct {
	k           key
	id          uint64
	first, last int64
	communityID string
	service     string
	origIsA     bool
	class       uint8
	origPort    uint16
	respPort    uint16
	prev, next  int32
	side        [2]Side
	ep          tcpEndpoints
	seq         [2]seqState
	tl          tlState
	hist        history
	sniffed     [2]bool
	synSeen     bool
	synSide     uint8
	closed      bool
	synSeq      uint32
	synTime     int64
	synAckTime  int64
	ackTime     int64
	firstInput  pipeline.InputID
	firstFrame  uint64
}

type list struct{ head, tail int32 }

// Table tracks flows over packets seen in capture order. It is not safe for
// concurrent use.
type Table struct {
	opts     Options
	idle     [numClasses]int64
	m        map[key]int32
	slab     slab
	free     []int32
	lists    [numClasses]list
	nextID   uint64
	cur      int32
	rec      Record
	finished uint64
}

// NewTable returns an empty Table.
func NewTable(opts Options) *Table {
	opts.fill()
	t := &Table{opts: opts, m: make(map[key]int32), nextID: 1, cur: -1}
	t.idle = [numClasses]int64{int64(opts.TCPIdle), int64(opts.UDPIdle), int64(opts.ICMPIdle), int64(opts.OtherIdle)}
	for i := range t.lists {
		t.lists[i] = list{-1, -1}
	}
	return t
}

// Active returns the number of flows being tracked.
func (t *Table) Active() int { return len(t.m) }

// Finished returns the number of records emitted so far.
func (t *Table) Finished() uint64 { return t.finished }

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
func (t *Table) Observe(p *pipeline.Packet, data []byte) (uint64, Direction) {
	d := &p.Decoded
	t.cur = -1
	if d.Layers&(pipeline.LayerIPv4|pipeline.LayerIPv6) == 0 || !d.IP.Src.IsValid() || !d.IP.Dst.IsValid() {
		return 0, DirNone
	}
	now := p.Timestamp
	t.expire(now)

	proto := d.IP.Proto
	sport, dport := d.IP.SrcPort, d.IP.DstPort
	isICMP := (proto == 1 && d.Layers.Has(pipeline.LayerICMPv4)) || (proto == 58 && d.Layers.Has(pipeline.LayerICMPv6))
	switch {
	case isICMP:
		sport, dport, _ = icmpPorts(proto, d.ICMPType, d.ICMPCode)
	case !hasPorts(proto):
		sport, dport = 0, 0
	}
	k := key{a: d.IP.Src, b: d.IP.Dst, aPort: sport, bPort: dport, proto: proto}
	srcIsA := true
	if c := k.b.Compare(k.a); c < 0 || (c == 0 && dport < sport) {
		k.a, k.b, k.aPort, k.bPort = k.b, k.a, k.bPort, k.aPort
		srcIsA = false
	}
	isTCP := proto == 6 && d.Layers.Has(pipeline.LayerTCP)
	fl := d.TCPFlags

	i, ok := t.m[k]
	if ok {
		f := t.slab.at(i)
		side := uint8(0)
		if srcIsA != f.origIsA {
			side = 1
		}
		switch {
		case now-f.last > t.idle[f.class]:
			t.finish(i, EndIdle)
			ok = false
		case t.opts.Active > 0 && now-f.first >= int64(t.opts.Active):
			t.finish(i, EndActive)
			ok = false
		case isTCP && fl&tcpSyn != 0 && fl&tcpAck == 0 &&
			((f.closed && (!f.synSeen || d.TCPSeq != f.synSeq)) ||
				(f.synSeen && d.TCPSeq != f.synSeq && f.synSide == side)):
			t.finish(i, EndReuse)
			ok = false
		}
	}
	if !ok {
		i = t.create(k, p, srcIsA, isICMP)
	}
	f := t.slab.at(i)
	side := 0
	if srcIsA != f.origIsA {
		side = 1
	}
	t.cur = i
	if now > f.last {
		f.last = now
	}
	t.moveToHead(i)

	s := &f.side[side]
	s.Packets++
	s.FrameBytes += uint64(p.OrigLen)
	ipl, ipOK := ipLen(p, data)
	s.IPBytes += uint64(ipl)
	payload := d.PayloadLen
	if off := uint32(linkHeaderLen(d)); ipOK && d.PayloadOffset >= off && d.Layers&(pipeline.LayerTCP|pipeline.LayerUDP) != 0 {
		// The IP header's length counts payload cut by the snap length
		// and never the link layer's padding.
		if hdr := d.PayloadOffset - off; ipl >= hdr {
			payload = ipl - hdr
		}
	}
	if f.service == "" && !f.sniffed[side] && d.PayloadLen > 0 {
		f.sniffed[side] = true
		if end := uint64(d.PayloadOffset) + uint64(d.PayloadLen); end <= uint64(len(data)) {
			f.service = sniff(proto, data[d.PayloadOffset:end])
		}
	}

	if isTCP {
		t.tcp(f, side, p, payload)
	} else if proto != 6 {
		s.Bytes += uint64(payload)
		if payload > 0 {
			f.hist.once(hData, side)
		}
	}
	return f.id, Direction(side + 1)
}

// tcp runs the TCP state machine, history and analysis for one segment.
func (t *Table) tcp(f *flow, side int, p *pipeline.Packet, payload uint32) {
	d := &p.Decoded
	fl := d.TCPFlags
	now := p.Timestamp
	s := &f.side[side]
	if fl&tcpRst == 0 {
		s.Bytes += uint64(payload)
	}
	syn := fl&tcpSyn != 0
	ack := fl&tcpAck != 0
	if syn && !ack {
		if !f.synSeen || d.TCPSeq != f.synSeq {
			f.synSeen, f.synSeq, f.synSide = true, d.TCPSeq, uint8(side)
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
	f.tl.segment(side, &f.seq[side], now, rtt, d.TCPSeq, fl, payload)
	r := analyze(&f.seq[side], &f.seq[1-side], now, d.TCPSeq, d.TCPAck, d.TCPWindow, fl, payload, ooo)
	f.tl.analysed(side, &f.seq[1-side], r, fl, payload, d.TCPWindow)
	s.count(r)
	if r&aRetrans != 0 && payload > 0 {
		f.hist.counted('t', side, &f.hist.rexmit[side])
	}
	if r&aZeroWin != 0 {
		f.hist.counted('w', side, &f.hist.zwin[side])
	}
}

// create starts a flow for k with p as its first packet.
func (t *Table) create(k key, p *pipeline.Packet, srcIsA, isICMP bool) int32 {
	if len(t.m) >= t.opts.MaxFlows {
		t.evictOldest()
	}
	var i int32
	if n := len(t.free); n > 0 {
		i = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		i = t.slab.grow()
	}
	d := &p.Decoded
	f := t.slab.at(i)
	*f = flow{
		k: k, id: t.nextID, first: p.Timestamp, last: p.Timestamp,
		origIsA: srcIsA, class: classOf(k.proto), prev: -1, next: -1,
		firstInput: p.Input, firstFrame: p.Frame,
	}
	t.nextID++
	src, dst := d.IP.Src, d.IP.Dst
	sport, dport := d.IP.SrcPort, d.IP.DstPort
	if isICMP {
		sport, dport = uint16(d.ICMPType), uint16(d.ICMPCode)
	} else if !hasPorts(k.proto) {
		sport, dport = 0, 0
	}
	flip := false
	switch {
	case isICMP:
	case k.proto == 6 && d.Layers.Has(pipeline.LayerTCP) && d.TCPFlags&tcpSyn != 0:
		flip = d.TCPFlags&tcpAck != 0
	case hasPorts(k.proto):
		flip = serviceByPort(k.proto, sport) != "" && serviceByPort(k.proto, dport) == ""
	}
	if flip {
		f.origIsA = !srcIsA
		src, dst, sport, dport = dst, src, dport, sport
		f.hist.flipped()
	}
	f.origPort, f.respPort = sport, dport
	if !isICMP {
		f.service = serviceByPort(k.proto, dport)
		if f.service == "" {
			f.service = serviceByPort(k.proto, sport)
		}
	}
	f.communityID = CommunityID(t.opts.CommunitySeed, src, dst, k.proto, sport, dport)
	t.m[k] = i
	t.pushHead(i)
	return i
}

// expire ends the flows idle for longer than their timeout at time now.
func (t *Table) expire(now int64) {
	for c := range t.lists {
		for {
			i := t.lists[c].tail
			if i < 0 || now-t.slab.at(i).last <= t.idle[c] {
				break
			}
			t.finish(i, EndIdle)
		}
	}
}

func (t *Table) evictOldest() {
	best := int32(-1)
	for c := range t.lists {
		if i := t.lists[c].tail; i >= 0 && (best < 0 || t.slab.at(i).last < t.slab.at(best).last) {
			best = i
		}
	}
	if best >= 0 {
		t.finish(best, EndEvicted)
	}
}

// Flush ends every remaining flow, in order of flow id.
func (t *Table) Flush() {
	// Sorted by (id, slot) pairs: comparing ids read through the slab
	// would touch a random flow per comparison.
	open := make([]openFlow, 0, len(t.m))
	for _, i := range t.m {
		open = append(open, openFlow{t.slab.at(i).id, i})
	}
	slices.SortFunc(open, func(x, y openFlow) int { return cmp.Compare(x.id, y.id) })
	for _, o := range open {
		t.finish(o.slot, EndFlush)
	}
	t.cur = -1
}

// openFlow is a flow's id and slot, for Flush.
type openFlow struct {
	id   uint64
	slot int32
}

// finish emits flow i and frees its slot.
func (t *Table) finish(i int32, reason string) {
	f := t.slab.at(i)
	if t.opts.Emit != nil {
		t.fill(&t.rec, f, reason)
		t.opts.Emit(&t.rec)
	}
	t.finished++
	t.unlink(i)
	delete(t.m, f.k)
	*f = flow{}
	t.free = append(t.free, i)
	if t.cur == i {
		t.cur = -1
	}
}

// fill builds the Record of f.
func (t *Table) fill(r *Record, f *flow, reason string) {
	orig, resp := f.k.a, f.k.b
	if !f.origIsA {
		orig, resp = resp, orig
	}
	*r = Record{
		ID: f.id, CommunityID: f.communityID, First: f.first, Last: f.last,
		Orig: orig, Resp: resp, OrigPort: f.origPort, RespPort: f.respPort,
		Proto: f.k.proto, Service: f.service,
		OrigSide: f.side[0], RespSide: f.side[1],
		History: f.hist.String(), SynAckRTT: -1, AckRTT: -1, HandshakeRTT: -1,
		FirstInput: f.firstInput, FirstFrame: f.firstFrame, EndReason: reason,
	}
	switch f.k.proto {
	case 6:
		r.ConnState = f.ep.connState(f.hist.synThenRst())
		r.Timeline = f.tl.result()
	case 17, 136:
		r.ConnState = udpConnState(f.side[0].Packets, f.side[1].Packets)
	default:
		r.ConnState = StateOTH
	}
	if f.synAckTime != 0 {
		r.SynAckRTT = f.synAckTime - f.synTime
	}
	if f.ackTime != 0 {
		r.AckRTT = f.ackTime - f.synAckTime
		r.HandshakeRTT = f.ackTime - f.synTime
	}
}

func (t *Table) unlink(i int32) {
	f := t.slab.at(i)
	l := &t.lists[f.class]
	if f.prev >= 0 {
		t.slab.at(f.prev).next = f.next
	} else {
		l.head = f.next
	}
	if f.next >= 0 {
		t.slab.at(f.next).prev = f.prev
	} else {
		l.tail = f.prev
	}
	f.prev, f.next = -1, -1
}

func (t *Table) pushHead(i int32) {
	f := t.slab.at(i)
	l := &t.lists[f.class]
	f.prev, f.next = -1, l.head
	if l.head >= 0 {
		t.slab.at(l.head).prev = i
	}
	l.head = i
	if l.tail < 0 {
		l.tail = i
	}
}

func (t *Table) moveToHead(i int32) {
	if t.lists[t.slab.at(i).class].head == i {
		return
	}
	t.unlink(i)
	t.pushHead(i)
}
