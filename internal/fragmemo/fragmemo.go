// Package fragmemo remembers, per fragmented IP datagram, what its first
// fragment said (the ports, a flow key, a session's counter), so that the
// datagram's later fragments, which carry no transport header, can be
// keyed and counted with it. Memory is fixed: a ring of the most recent
// datagrams.
package fragmemo

import "github.com/pcapflow/pcapflow/internal/ipfrag"

// entry is what a Table remembers of a first fragment.
type entry[V any] struct {
	ts  int64
	seq uint64
	v   V
}

// Table remembers a value of each first fragment (the ports, or the whole
// key, a later fragment must be given), so later fragments of the same
// datagram, which carry no transport header, can be treated alike. It
// holds at most len(ring) datagrams, forgetting the oldest first, and
// ignores entries older than maxAge.
type Table[V any] struct {
	m      map[ipfrag.ID]entry[V]
	ring   []ipfrag.ID
	seqs   []uint64
	pos    int
	seq    uint64
	size   int
	maxAge int64
}

// New returns a Table for size datagrams, whose entries count for maxAge
// ns of packet time; its memory is allocated
// when the first fragment arrives.
func New[V any](size int, maxAge int64) *Table[V] {
	return &Table[V]{size: max(size, 1), maxAge: maxAge}
}

// Put records v for the first fragment of datagram id, at packet time ts.
func (f *Table[V]) Put(id ipfrag.ID, v V, ts int64) {
	if f.ring == nil {
		f.m = make(map[ipfrag.ID]entry[V])
		f.ring = make([]ipfrag.ID, f.size)
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
	f.m[id] = entry[V]{ts: ts, seq: f.seq, v: v}
}

// Take returns what Get returns and forgets datagram id.
func (f *Table[V]) Take(id ipfrag.ID, ts int64) (V, bool) {
	v, ok := f.Get(id, ts)
	delete(f.m, id)
	return v, ok
}

// Get returns the value of datagram id's first fragment when it was seen
// within maxAge of packet time ts.
func (f *Table[V]) Get(id ipfrag.ID, ts int64) (V, bool) {
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
