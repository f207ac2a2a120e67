package pfcp

import (
	"encoding/binary"
	"net/netip"
)

// endpoints numbers the address:port endpoints and the node addresses the
// Correlator sees, so that its maps are keyed by small integers. A PFCP
// capture has few of them; a small direct-mapped cache in front of the
// map answers most lookups without hashing.
type endpoints struct {
	ids   map[netip.AddrPort]uint32
	nodes map[netip.Addr]uint32
	// node maps an endpoint id to its node id; addrs a node id to its address.
	node  []uint32
	addrs []netip.Addr
	cache [16]endpointSlot
	// last holds the last two endpoints looked up.
	last [2]endpointSlot
}

type endpointSlot struct {
	ap netip.AddrPort
	id uint32
	ok bool
}

func (e *endpoints) init() {
	e.ids = make(map[netip.AddrPort]uint32)
	e.nodes = make(map[netip.Addr]uint32)
}

// id returns ap's endpoint id, numbering it when new.
func (e *endpoints) id(ap netip.AddrPort) uint32 {
	// A message's endpoints are mostly the last message's two.
	for i := range e.last {
		if l := &e.last[i]; l.ok && l.ap == ap {
			return l.id
		}
	}
	id := e.lookup(ap)
	e.last[0], e.last[1] = e.last[1], endpointSlot{ap: ap, id: id, ok: true}
	return id
}

// lookup returns ap's endpoint id through the cache, numbering it when new.
func (e *endpoints) lookup(ap netip.AddrPort) uint32 {
	slot := &e.cache[e.slot(ap)]
	if slot.ok && slot.ap == ap {
		return slot.id
	}
	id, ok := e.ids[ap]
	if !ok {
		id = uint32(len(e.node))
		e.ids[ap] = id
		n, ok := e.nodes[ap.Addr()]
		if !ok {
			n = uint32(len(e.addrs))
			e.nodes[ap.Addr()] = n
			e.addrs = append(e.addrs, ap.Addr())
		}
		e.node = append(e.node, n)
	}
	*slot = endpointSlot{ap: ap, id: id, ok: true}
	return id
}

// slot returns ap's place in the cache.
func (e *endpoints) slot(ap netip.AddrPort) int {
	a := ap.Addr().As16()
	h := binary.LittleEndian.Uint64(a[8:]) ^ binary.LittleEndian.Uint64(a[:8]) ^ uint64(ap.Port())
	h ^= h >> 32
	h ^= h >> 16
	return int((h ^ h>>8) & uint64(len(e.cache)-1))
}

// addr returns the address of node n.
func (e *endpoints) addr(n uint32) netip.Addr { return e.addrs[n] }

// ring is a FIFO that grows by doubling and never shrinks.
type ring[T any] struct {
	buf        []T
	head, size int
}

func (q *ring[T]) len() int { return q.size }

func (q *ring[T]) push(v T) {
	if q.size == len(q.buf) {
		nb := make([]T, max(64, 2*len(q.buf)))
		for i := 0; i < q.size; i++ {
			nb[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = nb, 0
	}
	q.buf[(q.head+q.size)%len(q.buf)] = v
	q.size++
}

// front returns the oldest element; the ring must not be empty.
func (q *ring[T]) front() T { return q.buf[q.head] }

func (q *ring[T]) pop() {
	q.head = (q.head + 1) % len(q.buf)
	q.size--
}
