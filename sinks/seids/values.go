package seids

import (
	"net/netip"
	"slices"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/internal/chunked"
)

// Kinds of the values a session row lists.
const (
	valUE    uint8 = iota // a UE address
	valFTEID              // a local F-TEID
	valOHC                // an Outer Header Creation (a remote GTP-U peer)
)

// Bounds of the per-session values: a row lists at most maxValues of
// each kind, and a session keeps at most maxReqValues of each kind from
// its establishment requests (see valArena.addReq).
const (
	maxValues    = 8
	maxReqValues = 2 * maxValues
)

// caddr is a netip.Addr without its pointer: kind 4 or 6 (0: invalid) and
// the address bytes (IPv4 in the first four). Decoded addresses have no
// zone, so two caddrs are equal exactly when their addresses are.
type caddr struct {
	b    [16]byte
	kind uint8
}

func caddrOf(a netip.Addr) caddr {
	switch {
	case !a.IsValid():
		return caddr{}
	case a.Is4():
		c := caddr{kind: 4}
		v := a.As4()
		copy(c.b[:], v[:])
		return c
	}
	return caddr{b: a.As16(), kind: 6}
}

func (c caddr) addr() netip.Addr {
	switch c.kind {
	case 4:
		return netip.AddrFrom4([4]byte(c.b[:4]))
	case 6:
		return netip.AddrFrom16(c.b)
	}
	return netip.Addr{}
}

// value is a UE address (a), an F-TEID or an Outer Header Creation (a:
// IPv4, b: IPv6), compact and pointer-free; two values are equal exactly
// when what they stand for is.
type value struct {
	a, b   caddr
	teid   uint32
	desc   uint16
	port   uint16
	tags   [6]byte
	flags  uint8
	choose uint8
}

func ueValue(a netip.Addr) value { return value{a: caddrOf(a)} }

func fteidValue(f *pfcp.FTEID) value {
	return value{a: caddrOf(f.IPv4), b: caddrOf(f.IPv6), teid: f.TEID, flags: f.Flags, choose: f.ChooseID}
}

func ohcValue(o *pfcp.OuterHeaderCreation) value {
	v := value{a: caddrOf(o.IPv4), b: caddrOf(o.IPv6), teid: o.TEID, desc: o.Description, port: o.Port}
	copy(v.tags[:3], o.CTag[:])
	copy(v.tags[3:], o.STag[:])
	return v
}

// valItem is one value in a list: of a session (kind, and whether an
// establishment request carried it, at message ref, position pos among
// the request's values of its kind), or of a request waiting for its
// session.
type valItem struct {
	v    value
	ref  uint64
	next int32 // index+1 of the next item, 0: none
	kind uint8
	req  bool
	pos  uint8
}

// valList is a linked list of items in a valArena (indexes+1, 0: empty).
type valList struct{ head, tail int32 }

// valArena holds the value lists of every session and waiting request,
// in chunks; freed items are reused.
type valArena struct {
	items chunked.Array[valItem]
	free  int32 // index+1 of the first free item, linked through next
}

func (a *valArena) item(i int32) *valItem { return a.items.At(int(i - 1)) }

// push appends a copy of it to l.
func (a *valArena) push(l *valList, it valItem) {
	var i int32
	if a.free != 0 {
		i = a.free
		a.free = a.item(i).next
	} else {
		i = int32(a.items.Add() + 1)
	}
	it.next = 0
	*a.item(i) = it
	if l.tail == 0 {
		l.head = i
	} else {
		a.item(l.tail).next = i
	}
	l.tail = i
}

// release frees l's items.
func (a *valArena) release(l *valList) {
	if l.head != 0 {
		a.item(l.tail).next = a.free
		a.free = l.head
	}
	*l = valList{}
}

// add appends a value a session's message (other than an establishment
// request) carried, unless l holds it or maxValues of its kind already.
func (a *valArena) add(l *valList, kind uint8, v value) {
	n := 0
	for i := l.head; i != 0; {
		it := a.item(i)
		if it.kind == kind && !it.req {
			if it.v == v {
				return
			}
			n++
		}
		i = it.next
	}
	if n < maxValues {
		a.push(l, valItem{v: v, kind: kind})
	}
}

// addReq records a value of a session's establishment request (message
// ref, position pos). A row lists these after all the others (the
// requests of a session are attributed when their response decides
// them), in capture order: l keeps, per kind, the first maxReqValues
// distinct ones by (ref, pos) whatever order they come in, which is
// enough to fill a row after up to maxValues others.
func (a *valArena) addReq(l *valList, kind uint8, v value, ref uint64, pos uint8) {
	n := 0
	var last *valItem
	for i := l.head; i != 0; {
		it := a.item(i)
		i = it.next
		if it.kind != kind || !it.req {
			continue
		}
		if it.v == v {
			if reqBefore(ref, pos, it) {
				it.ref, it.pos = ref, pos
			}
			return
		}
		n++
		if last == nil || reqBefore(last.ref, last.pos, it) {
			last = it
		}
	}
	if n < maxReqValues {
		a.push(l, valItem{v: v, kind: kind, req: true, ref: ref, pos: pos})
	} else if reqBefore(ref, pos, last) {
		last.v, last.ref, last.pos = v, ref, pos
	}
}

// reqBefore reports whether (ref, pos) comes before item it.
func reqBefore(ref uint64, pos uint8, it *valItem) bool {
	return ref < it.ref || ref == it.ref && pos < it.pos
}

// values appends to dst the values of kind a row lists from l: the
// others in order, then the requests' in capture order, distinct, at most
// maxValues. req is scratch space.
func (a *valArena) values(dst []value, l valList, kind uint8, req []valItem) ([]value, []valItem) {
	start := len(dst)
	req = req[:0]
	for i := l.head; i != 0; {
		it := a.item(i)
		i = it.next
		if it.kind != kind {
			continue
		}
		if it.req {
			req = append(req, *it)
		} else {
			dst = append(dst, it.v)
		}
	}
	slices.SortFunc(req, func(x, y valItem) int {
		switch {
		case reqBefore(x.ref, x.pos, &y):
			return -1
		case reqBefore(y.ref, y.pos, &x):
			return 1
		}
		return 0
	})
	for _, it := range req {
		if len(dst)-start < maxValues && !slices.Contains(dst[start:], it.v) {
			dst = append(dst, it.v)
		}
	}
	return dst, req
}

// messageValues calls fn with the values a session row takes from
// summary s, in the order the row lists them: UE addresses (IPv4, IPv6),
// F-TEIDs the CP did not leave to the UP to choose, GTP-U Outer Header
// Creations; pos counts the values of each kind.
func messageValues(s *pfcp.Summary, fn func(kind uint8, v value, pos uint8)) {
	var pos uint8
	for _, u := range s.UEIPs[:min(s.NumUEIPs, len(s.UEIPs))] {
		for _, ad := range [2]netip.Addr{u.IPv4, u.IPv6} {
			if ad.IsValid() {
				fn(valUE, ueValue(ad), pos)
				pos++
			}
		}
	}
	pos = 0
	for i := range s.FTEIDs[:min(s.NumFTEIDs, len(s.FTEIDs))] {
		if f := &s.FTEIDs[i]; !f.Choose() {
			fn(valFTEID, fteidValue(f), pos)
			pos++
		}
	}
	pos = 0
	for i := range s.OHCs[:min(s.NumOHCs, len(s.OHCs))] {
		if o := &s.OHCs[i]; o.Description&(pfcp.OHCGTPUv4|pfcp.OHCGTPUv6) != 0 {
			fn(valOHC, ohcValue(o), pos)
			pos++
		}
	}
}
