package mobile

import "net/netip"

// Endpoint is a GTP-U tunnel endpoint: packets sent to Addr carrying TEID
// in their GTP-U header.
type Endpoint struct {
	Addr netip.Addr
	TEID uint32
}

// endpoints maps GTP-U endpoints to the index of their current owner
// (a session or subscriber), latest announcement first.
type endpoints map[Endpoint]int32

// claim gives e to owner; an invalid address is ignored. It reports whether
// e was new to owner.
func (m endpoints) claim(e Endpoint, owner int32) bool {
	if !e.Addr.IsValid() {
		return false
	}
	e.Addr = e.Addr.Unmap()
	if cur, ok := m[e]; ok && cur == owner {
		return false
	}
	m[e] = owner
	return true
}

// release drops e when owner still holds it.
func (m endpoints) release(e Endpoint, owner int32) {
	if cur, ok := m[e]; ok && cur == owner {
		delete(m, e)
	}
}

// lookup returns the owner of (addr, teid).
func (m endpoints) lookup(addr netip.Addr, teid uint32) (int32, bool) {
	i, ok := m[Endpoint{Addr: addr.Unmap(), TEID: teid}]
	return i, ok
}
