package mobile

import "net/netip"

// Endpoint is a GTP-U tunnel endpoint: packets sent to Addr carrying TEID
// in their GTP-U header.
type Endpoint struct {
	Addr netip.Addr
	TEID uint32
}

// addrKey is a netip.Addr as a pointer-free map key: its 16-byte form and
// whether it is an IPv4 address (decoded addresses have no zone, so keys
// are equal exactly when addresses are). Maps of such keys are not
// scanned by the garbage collector.
type addrKey struct {
	b  [16]byte
	v4 bool
}

func addrKeyOf(a netip.Addr) addrKey { return addrKey{b: a.As16(), v4: a.Is4()} }

// epKey is an Endpoint as a map key.
type epKey struct {
	addr addrKey
	teid uint32
}

// endpoints maps GTP-U endpoints to the index of their current owner
// (a session or subscriber), latest announcement first.
type endpoints map[epKey]int32

// claim gives e to owner; an invalid address is ignored. It reports whether
// e was new to owner.
func (m endpoints) claim(e Endpoint, owner int32) bool {
	if !e.Addr.IsValid() {
		return false
	}
	k := epKey{addrKeyOf(e.Addr.Unmap()), e.TEID}
	if cur, ok := m[k]; ok && cur == owner {
		return false
	}
	m[k] = owner
	return true
}

// release drops e when owner still holds it.
func (m endpoints) release(e Endpoint, owner int32) {
	if !e.Addr.IsValid() {
		return
	}
	k := epKey{addrKeyOf(e.Addr), e.TEID}
	if cur, ok := m[k]; ok && cur == owner {
		delete(m, k)
	}
}

// lookup returns the owner of (addr, teid).
func (m endpoints) lookup(addr netip.Addr, teid uint32) (int32, bool) {
	if !addr.IsValid() {
		return 0, false
	}
	i, ok := m[epKey{addrKeyOf(addr.Unmap()), teid}]
	return i, ok
}
