package tcpreasm

import (
	"math/rand/v2"
	"sort"

	"github.com/pcapflow/pcapflow/internal/slotindex"
	"github.com/pcapflow/pcapflow/pipeline"
)

// conn is the state of one tracked connection.
type conn struct {
	// What every packet reads comes first: the key and flags, then (in
	// Conn) the times and ignored directions, then the counters. The key,
	// the flags, the lean counters and Conn.First and Last fill the first
	// cache line: all that most packets of a lean connection read.
	k         key
	clientIsA bool
	closed    bool
	list      uint8
	// lean holds leanOn once the handler ignores both directions, nothing
	// is buffered and there is no timeline: segments then go through
	// leanSegment (see there); and leanAckWait while such a connection's
	// handshake waits for the client's ACK.
	lean uint8
	// leanSegs counts the segments of each direction of a lean connection
	// not yet added to Conn.Stats (see foldSegments).
	leanSegs [2]uint16
	Conn
	h   [2]half
	tl  tlState
	mem int64
	// The size is a multiple of a cache line (TestConnLines) and the slab's
	// chunks are page-aligned, so that every connection starts a line and
	// its first line is the one most packets of a lean connection read
	// (see leanSegment), not two halves of two lines.
	_ [32]byte
}

// Lists of connections, least recently active at the tail.
const (
	listOpen = iota
	listClosed
	numLists
)

// connCost is what one tracked connection costs in memory accounting,
// besides its buffers (the struct, its index entry, list links and slab
// slot).
const connCost = 640

// Stats are an Assembler's totals.
type Stats struct {
	// Conns counts connections started; Active is how many are tracked.
	Conns  uint64
	Active int
	// Evicted counts connections ended because the table was full;
	// Released counts times a connection gave up its buffers because the
	// total memory bound was reached.
	Evicted, Released uint64
	// Memory is the bytes currently accounted; PeakMemory the highest.
	Memory, PeakMemory int64
	// Packets counts TCP segments observed (Tunnelled of them were inside
	// GTP-U); Ignored counts packets that could not be attributed (no IP or
	// TCP header).
	Packets, Tunnelled, Ignored uint64
	// Fragments counts the IP fragments taken for reassembly (of TCP
	// packets, outer ones of GTP-U datagrams); Reassembled the
	// packets completed from them; FragmentsDropped the fragments given up
	// (timeout, bounds, snap length, inconsistent lengths).
	Fragments, Reassembled, FragmentsDropped uint64
}

// Assembler reassembles the TCP connections of packets fed to it in capture
// order. It is not safe for concurrent use.
type Assembler struct {
	opts   Options
	h      Handler
	idx    slotindex.Index
	seed   uint64 // of the index's hash
	slab   connSlab
	links  []link // list links of each slab slot
	free   []int32
	lists  [numLists]list
	limits [numLists]int64 // idle timeout of each list (ns)
	// expireAt is the packet time until which no tail can expire.
	expireAt int64
	nextID   uint64
	pool     pool
	stats    Stats
	cur      int32
	defrag   defrag
	// noLean keeps every connection off the lean path (tests compare).
	noLean bool
}

// New returns an Assembler; opts.Handler must not be nil.
func New(opts Options) *Assembler {
	opts.fill()
	a := &Assembler{opts: opts, h: opts.Handler, cur: -1, expireAt: noExpireBound, seed: rand.Uint64(),
		limits: [numLists]int64{listOpen: int64(opts.Idle), listClosed: int64(opts.ClosedIdle)}}
	a.pool.maxKept = 8 << 20
	a.idx.Init(indexMin)
	for i := range a.lists {
		a.lists[i] = list{-1, -1}
	}
	return a
}

// Stats returns the assembler's totals.
func (a *Assembler) Stats() Stats {
	s := a.stats
	s.Active = a.idx.Len()
	return s
}

// Observe feeds one decoded packet (data its captured bytes). Packets that
// are not TCP over IP are ignored. Handlers are called before it returns.
func (a *Assembler) Observe(p *pipeline.Packet, data []byte) {
	a.ObserveHinted(p, data, nil)
}

// ObserveHinted is Observe for a caller that already knows which packets
// belong together, such as the flow each packet is in: hint, which the
// caller keeps for the packet's flow (a zero Hint at first), remembers
// where the flow's connection was last found. A connection is looked up
// by its key in the Assembler's index, a read from a table that does not
// stay in the processor's caches; with a hint that still names the
// packet's connection, the index is not read. The result is the same with
// or without a hint, or with a wrong one.
func (a *Assembler) ObserveHinted(p *pipeline.Packet, data []byte, hint *Hint) {
	d := &p.Decoded
	if a.defrag.outer(d) {
		a.fragment(p, data, int(d.IPOffset), false)
		return
	}
	if off := innerFragment(d); off >= 0 {
		a.fragment(p, data, off, true)
		return
	}
	v, ok := viewOf(d)
	if !ok {
		a.stats.Ignored++
		return
	}
	a.observe(p, &v, data, hint)
}

// Hint is where a caller of ObserveHinted keeps a flow's connection; the
// zero Hint names none.
type Hint struct {
	ref  int32 // slab slot + 1
	lean bool  // the connection was lean after the last packet observed
}

// Lean reports whether the connection hint names was lean (see
// leanSegment) after the last packet observed with it.
func (h *Hint) Lean() bool { return h.lean }

// Touch loads the first cache line of the connection hint names (its key
// and lean segment counts), for a caller about to observe a batch of
// packets with their hints: touching the batch's connections first lets
// their cache misses overlap instead of each packet waiting for its own.
// It changes nothing; the value it returns only keeps the load.
func (a *Assembler) Touch(hint *Hint) uint64 {
	if hint == nil || hint.ref <= 0 || hint.ref > a.slab.n {
		return 0
	}
	return uint64(a.slab.at(hint.ref - 1).leanSegs[0])
}

// observe applies the TCP segment v of packet p (captured bytes data);
// hint, when not nil, is the caller's (see ObserveHinted).
func (a *Assembler) observe(p *pipeline.Packet, v *view, data []byte, hint *Hint) {
	a.stats.Packets++
	if v.tunnelled {
		a.stats.Tunnelled++
	}
	now := p.Timestamp
	a.expire(now)

	k, srcIsA := keyOf(v)
	fl := v.flags
	syn, ack := fl&pipeline.TCPSyn != 0, fl&pipeline.TCPAck != 0
	// A slot holds one connection at a time and a free one a zero key, so
	// a hinted slot holding k is k's connection, as find would say.
	var i int32
	if hint != nil && hint.ref > 0 && hint.ref <= a.slab.n && a.slab.at(hint.ref-1).k.Eq(&k) {
		i = hint.ref - 1
	} else {
		i = find(&a.idx, &k, k.Hash(a.seed), &a.slab)
	}
	ok := i >= 0
	if ok {
		c := a.slab.at(i)
		dir := ClientToServer
		if srcIsA != c.clientIsA {
			dir = ServerToClient
		}
		h := &c.h[dir]
		switch {
		case now-c.Last > int64(a.opts.Idle):
			a.finish(i, EndIdle)
			ok = false
		case syn && !ack && ((c.closed && (!h.synSeen || v.seq != h.isn)) ||
			(h.synSeen && v.seq != h.isn && dir == ClientToServer)):
			a.finish(i, EndReuse)
			ok = false
		}
	}
	if !ok {
		i = a.create(k, k.Hash(a.seed), p, v, srcIsA)
	}
	if hint != nil {
		hint.ref = i + 1
	}
	a.cur = i
	c := a.slab.at(i)
	dir := ClientToServer
	if srcIsA != c.clientIsA {
		dir = ServerToClient
	}
	if now > c.Last {
		c.Last = now
	}
	a.touch(i)
	if c.lean != 0 {
		a.leanSegment(c, dir, v, now)
	} else {
		a.segment(c, dir, p, v, data)
	}
	a.cur = -1
	if hint != nil {
		hint.lean = c.lean != 0
	}
	if a.stats.Memory > a.opts.MaxTotal {
		a.shed(i)
	}
}

// segment applies one segment sent in direction dir to c.
func (a *Assembler) segment(c *conn, dir Dir, p *pipeline.Packet, v *view, data []byte) {
	fl := v.flags
	h, peer := &c.h[dir], &c.h[1-dir]
	seq := v.seq
	syn, fin := fl&pipeline.TCPSyn != 0, fl&pipeline.TCPFin != 0
	ack := fl&pipeline.TCPAck != 0
	countFlags(c, dir, v, p.Timestamp)

	// The peer acknowledging past a hole of ours means the receiver had
	// bytes the capture missed: skip to the buffered data.
	if ack {
		h.ack, h.ackSeen = v.ack, true
		if len(peer.segs) > 0 && seqGT(v.ack, peer.segs[0].seq) {
			a.skipTo(c, 1-dir, peer.segs[0].seq, true)
			a.drain(c, 1-dir)
		}
	}
	h.win = v.win

	if syn {
		h.synSeen, h.isn = true, seq
		seq++
		if !h.init {
			h.init, h.next = true, seq
		}
	}
	if !h.init {
		h.init, h.next = true, seq
	}

	var length uint32
	retrans := false
	if !c.ignored[dir] || a.opts.Timeline {
		// An ignored direction's payload only matters to the timeline.
		length, retrans = a.payload(c, dir, p, v, data, seq)
	}
	a.closing(c, dir, fin)
	if a.opts.Timeline {
		c.tl.observe(c, dir, p.Timestamp, v, length, retrans, a.opts.MaxTimeline)
	} else if c.ignored[ClientToServer] && c.ignored[ServerToClient] && len(h.segs) == 0 && len(peer.segs) == 0 && !a.noLean {
		c.lean = leanState(c)
	}
}

// payload applies the payload of segment v of packet p (captured bytes
// data), which starts at sequence number seq, to direction dir of c. It
// returns the segment's length in sequence numbers (FIN excluded) and
// whether it was entirely a retransmission.
func (a *Assembler) payload(c *conn, dir Dir, p *pipeline.Packet, v *view, data []byte, seq uint32) (uint32, bool) {
	h := &c.h[dir]
	var payload []byte
	if end := uint64(v.payOff) + uint64(v.payLen); v.payLen > 0 && end <= uint64(len(data)) {
		payload = data[v.payOff:end]
	}
	length := segmentLen(p, v, data)
	if uint32(len(payload)) > length {
		payload = payload[:length]
	}
	if v.flags&pipeline.TCPRst != 0 {
		// Payload on a RST is diagnostic text, not stream data.
		length, payload = 0, nil
	}
	end := seq + length
	if v.flags&pipeline.TCPFin != 0 {
		end++
	}
	if !h.maxKnown || seqGT(end, h.maxEnd) {
		h.maxEnd, h.maxKnown = end, true
	}
	if length == 0 {
		return 0, false
	}
	return length, a.data(c, dir, seq, length, payload, Chunk{Timestamp: p.Timestamp, Frame: p.Frame, Input: p.Input})
}

// data handles length sequence numbers of payload from seq (payload holds
// the captured ones). It reports whether the segment was entirely a
// retransmission. A direction the handler ignores takes nothing.
func (a *Assembler) data(c *conn, dir Dir, seq, length uint32, payload []byte, at Chunk) bool {
	if c.ignored[dir] {
		return false
	}
	h := &c.h[dir]
	st := &c.Stats[dir]
	if seqLE(seq+length, h.next) {
		// Entirely old.
		st.Retransmitted += uint64(len(payload))
		st.RetransSegments++
		back := uint64(h.next - seq)
		if back <= h.offset && h.differs(h.offset-back, payload) {
			st.Conflicts++
		}
		return true
	}
	if seqLT(seq, h.next) {
		skip := h.next - seq
		st.Overlaps++
		st.Retransmitted += uint64(min(uint32(len(payload)), skip))
		old := payload[:min(uint32(len(payload)), skip)]
		if uint64(skip) <= h.offset && h.differs(h.offset-uint64(skip), old) {
			st.Conflicts++
		}
		payload = payload[len(old):]
		seq, length = h.next, length-skip
	}
	if seq == h.next {
		a.deliver(c, dir, length, payload, at)
		a.drain(c, dir)
		return false
	}
	st.OutOfOrder++
	a.buffer(c, dir, seq, length, payload, at)
	return false
}

// deliver hands length in-order sequence numbers to the handler: the
// captured payload, then a gap for what the snap length cut.
func (a *Assembler) deliver(c *conn, dir Dir, length uint32, payload []byte, at Chunk) {
	h := &c.h[dir]
	st := &c.Stats[dir]
	if c.ignored[dir] {
		h.next += length
		return
	}
	if len(payload) > 0 {
		if h.hist == nil && a.opts.History > 0 {
			h.hist = a.pool.get(a.opts.History)
			a.account(c, int64(cap(h.hist)))
		}
		at.Offset = h.offset
		h.offset += uint64(len(payload))
		st.Bytes += uint64(len(payload))
		h.record(payload)
		a.h.Data(&c.Conn, dir, payload, at)
	}
	if miss := uint64(length) - uint64(len(payload)); miss > 0 && !c.ignored[dir] {
		at.Offset = h.offset
		h.offset += miss
		h.histValid = h.offset
		st.Gaps++
		st.GapBytes += miss
		st.TruncatedBytes += miss
		at.Truncated = true
		a.h.Gap(&c.Conn, dir, miss, at)
	}
	h.next += length
}

// skipTo reports the hole up to seq as a gap and moves past it; acked says
// whether the peer acknowledged past the hole.
func (a *Assembler) skipTo(c *conn, dir Dir, seq uint32, acked bool) {
	h := &c.h[dir]
	if !seqGT(seq, h.next) || c.ignored[dir] {
		return
	}
	n := uint64(seq - h.next)
	at := Chunk{Timestamp: c.Last, Offset: h.offset}
	if len(h.segs) > 0 {
		at = h.segs[0].at
		at.Offset = h.offset
	}
	at.Unacked = !acked
	h.offset += n
	h.histValid = h.offset
	h.next = seq
	st := &c.Stats[dir]
	st.Gaps++
	st.GapBytes += n
	a.h.Gap(&c.Conn, dir, n, at)
}

// drain delivers buffered segments that the stream has reached.
func (a *Assembler) drain(c *conn, dir Dir) {
	h := &c.h[dir]
	st := &c.Stats[dir]
	n := 0
	for n < len(h.segs) && seqLE(h.segs[n].seq, h.next) && !c.ignored[dir] {
		s := &h.segs[n]
		n++
		if seqGT(s.end(), h.next) {
			skip := h.next - s.seq
			payload := s.data
			if skip > 0 {
				cut := min(uint32(len(payload)), skip)
				if uint64(skip) <= h.offset && h.differs(h.offset-uint64(skip), payload[:cut]) {
					st.Conflicts++
				}
				payload = payload[cut:]
			}
			a.deliver(c, dir, s.length-skip, payload, s.at)
		}
		a.release(c, h, s)
	}
	if n > 0 {
		copy(h.segs, h.segs[n:])
		for i := len(h.segs) - n; i < len(h.segs); i++ {
			h.segs[i] = seg{}
		}
		h.segs = h.segs[:len(h.segs)-n]
	}
	if c.ignored[dir] {
		a.dropSegs(c, dir)
	}
}

// dropSegs releases every buffered segment of direction dir, delivering
// nothing (the handler ignores the direction).
func (a *Assembler) dropSegs(c *conn, dir Dir) {
	h := &c.h[dir]
	for i := range h.segs {
		a.release(c, h, &h.segs[i])
		h.segs[i] = seg{}
	}
	h.segs = h.segs[:0]
}

func (a *Assembler) release(c *conn, h *half, s *seg) {
	if s.data != nil {
		h.buffered -= len(s.data)
		a.account(c, -int64(cap(s.data)))
		a.pool.put(s.data)
		s.data = nil
	}
}

// buffer stores an out-of-order segment, keeping only the sequence ranges
// no buffered segment covers yet (the first copy wins).
func (a *Assembler) buffer(c *conn, dir Dir, seq, length uint32, payload []byte, at Chunk) {
	h := &c.h[dir]
	st := &c.Stats[dir]
	for len(payload) > 0 && h.buffered+len(payload) > a.opts.MaxBuffered {
		if len(h.segs) == 0 {
			// Nothing buffered to give up: the hole before this
			// segment becomes a gap.
			a.skipTo(c, dir, seq, false)
			a.deliver(c, dir, length, payload, at)
			a.drain(c, dir)
			return
		}
		a.skipTo(c, dir, h.segs[0].seq, false)
		a.drain(c, dir)
		if !seqGT(seq, h.next) || c.ignored[dir] {
			a.data(c, dir, seq, length, payload, at)
			return
		}
	}
	end := seq + length
	overlapped, conflict := false, false
	pos := seq
	i := sort.Search(len(h.segs), func(i int) bool { return seqGT(h.segs[i].end(), seq) })
	for pos != end && seqLT(pos, end) {
		var stop uint32 = end
		if i < len(h.segs) && seqLT(h.segs[i].seq, end) {
			s := &h.segs[i]
			if seqLE(s.seq, pos) {
				// pos..min(s.end,end) is already buffered: compare.
				e := s.end()
				if seqGT(e, end) {
					e = end
				}
				overlapped = true
				if cmpOverlap(s, seq, payload, pos, e) {
					conflict = true
				}
				pos = e
				i++
				continue
			}
			stop = s.seq
		}
		a.insert(c, h, i, seq, payload, pos, stop, at)
		i++
		pos = stop
	}
	if overlapped {
		st.Overlaps++
	}
	if conflict {
		st.Conflicts++
	}
}

// cmpOverlap reports whether the captured bytes of the new segment (seq,
// payload) in [from, to) differ from buffered segment s.
func cmpOverlap(s *seg, seq uint32, payload []byte, from, to uint32) bool {
	for x := from; x != to; x++ {
		i, j := x-seq, x-s.seq
		if i >= uint32(len(payload)) || j >= uint32(len(s.data)) {
			return false
		}
		if payload[i] != s.data[j] {
			return true
		}
	}
	return false
}

// insert buffers the part [from, to) of the segment (seq, payload) at
// index i of h.segs.
func (a *Assembler) insert(c *conn, h *half, i int, seq uint32, payload []byte, from, to uint32, at Chunk) {
	lo, hi := from-seq, to-seq
	var data []byte
	if lo < uint32(len(payload)) {
		captured := payload[lo:min(hi, uint32(len(payload)))]
		data = a.pool.get(len(captured))
		copy(data, captured)
		h.buffered += len(data)
		a.account(c, int64(cap(data)))
	}
	h.segs = append(h.segs, seg{})
	copy(h.segs[i+1:], h.segs[i:])
	h.segs[i] = seg{seq: from, length: to - from, data: data, at: at}
}

// account adds n bytes to c's and the assembler's memory.
func (a *Assembler) account(c *conn, n int64) {
	c.mem += n
	a.stats.Memory += n
	if a.stats.Memory > a.stats.PeakMemory {
		a.stats.PeakMemory = a.stats.Memory
	}
}
