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

type fragPorts struct {
	ts           int64
	seq          uint64
	sport, dport uint16
}

// fragTable remembers the ports of first fragments so later fragments of the
// same datagram get the same key. It holds at most len(ring) datagrams,
// forgetting the oldest first, and ignores entries older than maxAge.
type fragTable struct {
	m      map[fragID]fragPorts
	ring   []fragID
	seqs   []uint64
	pos    int
	seq    uint64
	size   int
	maxAge int64
}

// newFragTable returns a table for size datagrams; its memory is allocated
// when the first fragment arrives.
func newFragTable(size int, maxAge int64) *fragTable {
	return &fragTable{size: max(size, 1), maxAge: maxAge}
}

// put records the ports of a first fragment.
func (f *fragTable) put(id fragID, sport, dport uint16, ts int64) {
	if f.ring == nil {
		f.m = make(map[fragID]fragPorts)
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
	f.m[id] = fragPorts{ts: ts, seq: f.seq, sport: sport, dport: dport}
}

// get returns the ports of the datagram's first fragment when it was seen
// within maxAge of ts.
func (f *fragTable) get(id fragID, ts int64) (uint16, uint16, bool) {
	e, ok := f.m[id]
	if !ok {
		return 0, 0, false
	}
	d := ts - e.ts
	if d < 0 {
		d = -d
	}
	if d > f.maxAge {
		return 0, 0, false
	}
	return e.sport, e.dport, true
}
