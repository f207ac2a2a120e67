package flowkey

import "net/netip"

// fragID identifies the fragments of one IP datagram; tunnelled tells a
// packet a tunnel carries from an outer one.
type fragID struct {
	src, dst  netip.Addr
	id        uint32
	proto     uint8
	tunnelled bool
}

// fragEntry is what a fragTable remembers of a first fragment.
type fragEntry[V any] struct {
	ts  int64
	seq uint64
	v   V
}

// fragTable remembers a value (ports, or the whole key) of each first
// fragment, so later fragments of the same datagram get the same key. It
// holds at most len(ring) datagrams, forgetting the oldest first, and
// ignores entries older than maxAge.
type fragTable[V any] struct {
	m      map[fragID]fragEntry[V]
	ring   []fragID
	seqs   []uint64
	pos    int
	seq    uint64
	size   int
	maxAge int64
}

// newFragTable returns a table for size datagrams; its memory is allocated
// when the first fragment arrives.
func newFragTable[V any](size int, maxAge int64) *fragTable[V] {
	return &fragTable[V]{size: max(size, 1), maxAge: maxAge}
}

// put records v for a first fragment.
func (f *fragTable[V]) put(id fragID, v V, ts int64) {
	if f.ring == nil {
		f.m = make(map[fragID]fragEntry[V])
		f.ring = make([]fragID, f.size)
		f.seqs = make([]uint64, f.size)
	}
	f.seq++
	if old := f.seqs[f.pos]; old != 0 {
		if e, ok := f.m[f.ring[f.pos]]; ok && e.seq == old {
			delete(f.m, f.ring[f.pos])
		}
	}
	f.ring[f.pos] = id
	f.seqs[f.pos] = f.seq
	f.pos++
	if f.pos == len(f.ring) {
		f.pos = 0
	}
	f.m[id] = fragEntry[V]{ts: ts, seq: f.seq, v: v}
}

// get returns the value of the datagram's first fragment when it was seen
// within maxAge of ts.
func (f *fragTable[V]) get(id fragID, ts int64) (V, bool) {
	e, ok := f.m[id]
	if !ok {
		var zero V
		return zero, false
	}
	d := ts - e.ts
	if d < 0 {
		d = -d
	}
	if d > f.maxAge {
		var zero V
		return zero, false
	}
	return e.v, true
}
