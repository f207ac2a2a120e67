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
	ids map[Endpoint]uint32
	// nodes is keyed by endpoints with port 0.
	nodes map[Endpoint]uint32
	// node maps an endpoint id to its node id; addrs a node id to its address.
	node  []uint32
	addrs []netip.Addr
	cache [16]endpointSlot
	// last holds the last two endpoints looked up.
	last [2]endpointSlot
	// pairSrc and pairDst are the last message's endpoints (pairOK: there
	// was one), pairIDs their ids.
	pairSrc, pairDst Endpoint
	pairIDs          [2]uint32
	pairOK           bool
}

type endpointSlot struct {
	ep Endpoint
	id uint32
	ok bool
}

func (e *endpoints) init() {
	e.ids = make(map[Endpoint]uint32)
	e.nodes = make(map[Endpoint]uint32)
}

// pair returns the endpoint ids of a message from src to dst. Most
// messages go between the last message's endpoints, one way or the other.
func (e *endpoints) pair(src, dst *Endpoint) (uint32, uint32) {
	if e.pairOK {
		if *src == e.pairSrc && *dst == e.pairDst {
			return e.pairIDs[0], e.pairIDs[1]
		}
		if *src == e.pairDst && *dst == e.pairSrc {
			return e.pairIDs[1], e.pairIDs[0]
		}
	}
	s, d := e.id(src), e.id(dst)
	e.pairSrc, e.pairDst, e.pairIDs, e.pairOK = *src, *dst, [2]uint32{s, d}, true
	return s, d
}

// id returns ep's endpoint id, numbering it when new.
func (e *endpoints) id(ep *Endpoint) uint32 {
	// A message's endpoints are mostly the last message's two.
	for i := range e.last {
		if l := &e.last[i]; l.ok && l.ep == *ep {
			return l.id
		}
	}
	id := e.lookup(ep)
	e.last[0], e.last[1] = e.last[1], endpointSlot{ep: *ep, id: id, ok: true}
	return id
}

// lookup returns ep's endpoint id through the cache, numbering it when new.
func (e *endpoints) lookup(ep *Endpoint) uint32 {
	slot := &e.cache[cacheSlot(ep)]
	if slot.ok && slot.ep == *ep {
		return slot.id
	}
	id, ok := e.ids[*ep]
	if !ok {
		id = uint32(len(e.node))
		e.ids[*ep] = id
		nk := *ep
		nk.Port = 0
		n, ok := e.nodes[nk]
		if !ok {
			n = uint32(len(e.addrs))
			e.nodes[nk] = n
			e.addrs = append(e.addrs, ep.IP())
		}
		e.node = append(e.node, n)
	}
	*slot = endpointSlot{ep: *ep, id: id, ok: true}
	return id
}

// cacheSlot returns ep's place in the cache.
func cacheSlot(ep *Endpoint) int {
	h := binary.LittleEndian.Uint64(ep.Addr[8:]) ^ binary.LittleEndian.Uint64(ep.Addr[:8]) ^ uint64(ep.Port)
	h ^= h >> 32
	h ^= h >> 16
	return int((h ^ h>>8) & 15)
}

// addr returns the address of node n.
func (e *endpoints) addr(n uint32) netip.Addr { return e.addrs[n] }
