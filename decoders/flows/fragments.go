package flows

import (
	"time"

	"github.com/pcapflow/pcapflow/internal/ipfrag"
	"github.com/pcapflow/pcapflow/internal/ranges"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Bounds of the fragment table.
const (
	// MaxFragmentDatagrams is how many fragmented datagrams may wait for
	// their other fragments at once; one more drops the oldest.
	MaxFragmentDatagrams = 4096
	// FragmentTimeout drops a datagram whose fragments did not all arrive
	// within it, in packet time (Linux's ipfrag_time).
	FragmentTimeout = 30 * time.Second
	// maxFragmentRanges bounds the separate pieces of one datagram.
	maxFragmentRanges = 64
)

// FragmentStats counts fragmented datagrams.
type FragmentStats struct {
	// Reassembled datagrams were counted whole in their flows; Incomplete
	// ones timed out, were pushed out by newer ones, or were still
	// waiting at Flush.
	Reassembled, Incomplete uint64
	// Held counts the packets attributed to a flow whose counts went to
	// their datagram instead (fragments, and packets tunnelled in a
	// fragmented datagram); Counted the packet counts those datagrams
	// added when whole (one per datagram and flow).
	Held, Counted uint64
}

// tally is what one packet adds to its flow (see Table.count), held by a
// fragmented datagram until it is whole.
type tally struct {
	frameBytes uint64
	ipLen      uint32
	payload    uint32
	tcp        bool
	tcpSeg
}

// tcpSeg is a TCP segment's header fields and payload length.
type tcpSeg struct {
	flags    uint16
	seq, ack uint32
	win      uint16
}

// heldTally is a tally waiting in a datagram for flow slot (whose flow id
// is id: the slot may pass to another flow meanwhile), side side.
type heldTally struct {
	tally
	slot int32
	id   uint64
	side uint8
}

// fragDatagram is one datagram waiting for fragments.
type fragDatagram struct {
	k     ipfrag.ID
	seq   uint64 // arrival number, for the expiry queue
	start int64  // packet time of its first fragment seen
	got   ranges.Set
	total int // data length, -1 until the last fragment arrives
	// own is the datagram's count in its flow, valid once the first
	// fragment arrived; carried, for an outer datagram, the count of the
	// packet a tunnel in it carries (in that packet's flow).
	own, carried       heldTally
	hasOwn, hasCarried bool
	// early is what the fragments that arrived before the first one
	// add: their frame bytes and data, for own once it arrives.
	early struct {
		frameBytes uint64
		data       uint32
	}
	// done is set once the datagram was whole and counted; it stays
	// until it times out, for the duplicates of its fragments.
	done bool
}

// queued is an entry of the expiry queue.
type queued struct {
	k   ipfrag.ID
	seq uint64
}

// fragTable holds the datagrams waiting for fragments.
type fragTable struct {
	m map[ipfrag.ID]*fragDatagram
	// queue[head:] holds the datagrams by arrival, for their timeout;
	// entries whose datagram has gone (or was started again) are skipped.
	queue []queued
	head  int
	spare []*fragDatagram
	seq   uint64
	stats FragmentStats
}

// get returns the datagram of k, or nil.
func (f *fragTable) get(k ipfrag.ID) *fragDatagram { return f.m[k] }

// add starts datagram k at time now, dropping the oldest one when the
// table is full.
func (f *fragTable) add(k ipfrag.ID, now int64) *fragDatagram {
	if f.m == nil {
		f.m = make(map[ipfrag.ID]*fragDatagram)
	}
	for len(f.m) >= MaxFragmentDatagrams && f.waiting() {
		f.pop()
	}
	g := f.m[k] // a datagram whole already, whose identification came round
	if g == nil {
		if n := len(f.spare); n > 0 {
			g = f.spare[n-1]
			f.spare = f.spare[:n-1]
		} else {
			g = &fragDatagram{}
		}
	}
	got := g.got
	got.Reset()
	f.seq++
	*g = fragDatagram{k: k, seq: f.seq, start: now, got: got, total: -1}
	f.m[k] = g
	if f.head > 0 && f.head >= len(f.queue)/2 {
		// Reuse the front of the queue rather than grow it.
		n := copy(f.queue, f.queue[f.head:])
		clear(f.queue[n:])
		f.queue, f.head = f.queue[:n], 0
	}
	f.queue = append(f.queue, queued{k, f.seq})
	return g
}

// waiting reports whether the queue holds an entry.
func (f *fragTable) waiting() bool { return f.head < len(f.queue) }

// pop drops the queue's first entry, and its datagram (counted incomplete
// if it never was whole) unless that was started again since.
func (f *fragTable) pop() {
	q := f.queue[f.head]
	f.queue[f.head] = queued{}
	f.head++
	if g := f.m[q.k]; g != nil && g.seq == q.seq {
		if !g.done {
			f.stats.Incomplete++
		}
		delete(f.m, g.k)
		if len(f.spare) < 16 {
			f.spare = append(f.spare, g)
		}
	}
}

// expire drops the datagrams older than FragmentTimeout at now.
func (f *fragTable) expire(now int64) {
	for f.waiting() {
		q := f.queue[f.head]
		g := f.m[q.k]
		if g != nil && g.seq == q.seq && now-g.start <= int64(FragmentTimeout) {
			return
		}
		f.pop()
	}
}

// flush drops every waiting datagram.
func (f *fragTable) flush() {
	for f.waiting() {
		f.pop()
	}
	f.queue, f.head = f.queue[:0], 0
}

// add records the data range of fragment s. A datagram already in
// maxFragmentRanges separate pieces takes no more (and will not be whole):
// the memory a datagram holds stays bounded whatever the fragments.
func (g *fragDatagram) add(s *segment) {
	if len(g.got.Ranges()) < maxFragmentRanges {
		g.got.Add(int(s.fragLo), int(s.fragHi))
	}
}

// whole reports whether every byte of g arrived.
func (g *fragDatagram) whole() bool {
	return g.hasOwn && g.total >= 0 && g.got.Whole(g.total)
}

// Fragments returns the counts of fragmented datagrams so far.
func (t *Table) Fragments() FragmentStats { return t.frags.stats }

// fragIDOf returns the datagram fragment s of p belongs to.
func fragIDOf(p *pipeline.Packet, s *segment) ipfrag.ID {
	tu := s.tuple(&p.Decoded)
	return ipfrag.ID{Src: tu.Src, Dst: tu.Dst, ID: s.fragID, Proto: tu.Proto, Tunnelled: s.tunnelled}
}

// laterFragment attributes fragment s (offset > 0) of packet p to the flow
// of its datagram's first fragment. Before that fragment has arrived the
// datagram holds what p adds, and p is in no flow (id 0); the flow gets it
// with the first fragment, or never if the datagram stays incomplete, as
// Zeek counts it. laterFragment reports false when the first fragment's flow
// has ended since: the caller then counts p in a flow of its own.
func (t *Table) laterFragment(p *pipeline.Packet, s *segment) (uint64, Direction, bool) {
	now := p.Timestamp
	k := fragIDOf(p, s)
	g := t.frags.get(k)
	if g == nil {
		g = t.frags.add(k, now)
	}
	if !g.done {
		g.add(s)
		if s.fragLast {
			g.total = int(s.fragHi)
		}
	}
	if !g.hasOwn {
		g.early.frameBytes += uint64(p.OrigLen)
		g.early.data += s.fragHi - s.fragLo
		return 0, DirNone, true
	}
	if !t.live(&g.own) {
		return 0, DirNone, false
	}
	i := g.own.slot
	hs := t.slab.hot(i)
	if now > hs.last {
		hs.last = now
	}
	t.touch(i, hs.class, hs.last)
	t.cur = i
	t.frags.stats.Held++
	id, dir := hs.id, Direction(g.own.side+1)
	if g.done {
		t.slab.at(i).side[g.own.side].FrameBytes += uint64(p.OrigLen)
		return id, dir, true
	}
	n := s.fragHi - s.fragLo
	g.own.frameBytes += uint64(p.OrigLen)
	g.own.ipLen += n
	g.own.payload += n
	if g.hasCarried {
		g.carried.frameBytes += uint64(p.OrigLen)
	}
	if g.whole() {
		t.complete(g, now)
	}
	return id, dir, true
}

// tallyOf returns what segment s of p adds to its flow.
func tallyOf(p *pipeline.Packet, s *segment) tally {
	c := tally{frameBytes: uint64(p.OrigLen), ipLen: s.ipLen, payload: s.payload, tcp: s.tcp}
	if s.tcp {
		c.flags, c.seq, c.ack, c.win = s.tcpHeader(&p.Decoded)
	}
	return c
}

// firstFragment holds the tally of the first fragment s of p, attributed to
// side side of flow i, until its datagram is whole.
func (t *Table) firstFragment(p *pipeline.Packet, i int32, side int, s *segment) {
	now := p.Timestamp
	c := tallyOf(p, s)
	k := fragIDOf(p, s)
	g := t.frags.get(k)
	if g == nil || g.done {
		// (A datagram whole already: its identification came round
		// again, or it was sent again.)
		g = t.frags.add(k, now)
	}
	t.frags.stats.Held++
	if g.hasOwn && t.live(&g.own) {
		// The same first fragment again (captured twice): its frame
		// belongs to the datagram held already.
		g.own.frameBytes += c.frameBytes
	} else {
		g.own = heldTally{tally: c, slot: i, id: t.slab.hot(i).id, side: uint8(side)}
		g.own.ipLen = s.fragKept + s.fragHi - s.fragLo + g.early.data
		g.own.payload += g.early.data
		g.own.frameBytes += g.early.frameBytes
		g.hasOwn = true
	}
	g.add(s)
	if s.fragLast {
		g.total = int(s.fragHi)
	}
	if g.whole() {
		t.complete(g, now)
	}
}

// holdCarried holds the tally of the packet a tunnel in p carries (segment
// s), attributed to side side of flow i, in p's outer datagram when that is
// fragmented and not yet whole. It reports whether it did.
func (t *Table) holdCarried(p *pipeline.Packet, i int32, side int, s *segment) bool {
	d := &p.Decoded
	if d.FragOffset != 0 || !d.MoreFragments || len(t.frags.m) == 0 {
		return false
	}
	g := t.frags.get(ipfrag.ID{Src: d.IP.Src, Dst: d.IP.Dst, ID: d.IPID, Proto: d.IP.Proto})
	if g == nil || !g.hasOwn || g.hasCarried || g.done {
		return false
	}
	g.carried = heldTally{tally: tallyOf(p, s), slot: i, id: t.slab.hot(i).id, side: uint8(side)}
	g.carried.frameBytes = g.own.frameBytes
	g.hasCarried = true
	t.frags.stats.Held++
	return true
}

// live reports whether the flow h was held for is still in its slot.
func (t *Table) live(h *heldTally) bool { return t.slab.hot(h.slot).id == h.id }

// complete counts whole datagram g in its flows at time now.
func (t *Table) complete(g *fragDatagram, now int64) {
	t.frags.stats.Reassembled++
	g.done = true
	t.countHeld(&g.own, now)
	if g.hasCarried {
		t.countHeld(&g.carried, now)
	}
}

// countHeld counts held tally h, if its flow is still there.
func (t *Table) countHeld(h *heldTally, now int64) {
	if !t.live(h) {
		return
	}
	hs := t.slab.hot(h.slot)
	if now > hs.last {
		hs.last = now
		t.touch(h.slot, hs.class, hs.last)
	}
	t.frags.stats.Counted++
	t.count(t.slab.at(h.slot), int(h.side), now, hs.k.Proto(), h.frameBytes, h.ipLen, h.payload, h.tcp, h.tcpSeg)
}
