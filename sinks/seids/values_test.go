package seids

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
)

// TestValueRoundTrip: compact values compare and convert back exactly.
func TestValueRoundTrip(t *testing.T) {
	addrs := []netip.Addr{{}, netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("::ffff:10.0.0.1"),
		netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("::")}
	for _, a := range addrs {
		if got := caddrOf(a).addr(); got != a {
			t.Errorf("%v → %v", a, got)
		}
		for _, b := range addrs {
			if (caddrOf(a) == caddrOf(b)) != (a == b) {
				t.Errorf("%v, %v compare differently compact", a, b)
			}
		}
	}
	f := pfcp.FTEID{Flags: pfcp.FTEIDv4 | pfcp.FTEIDChID, TEID: 7, IPv4: addrs[1], ChooseID: 3}
	g := f
	g.ChooseID = 4
	if fteidValue(&f) == fteidValue(&g) {
		t.Error("F-TEIDs differing in Choose ID compare equal")
	}
	o := pfcp.OuterHeaderCreation{Description: pfcp.OHCGTPUv4, TEID: 9, IPv4: addrs[1], CTag: [3]byte{1, 2, 3}}
	p := o
	p.STag = [3]byte{0, 0, 1}
	if ohcValue(&o) == ohcValue(&p) {
		t.Error("Outer Header Creations differing in S-TAG compare equal")
	}
}

// TestValuesLikeAttributionAtEnd compares valArena with the rule it
// replaces: every other message's values in order, then the
// establishment requests' in capture order, each kept when new and while
// fewer than maxValues, with requests folded in any order.
func TestValuesLikeAttributionAtEnd(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	val := func() value { return ueValue(netip.AddrFrom4([4]byte{10, 0, 0, byte(r.IntN(24))})) }
	type reqVal struct {
		ref uint64
		pos uint8
		v   value
	}
	var a valArena
	for round := range 2000 {
		var l valList
		var others []value
		var reqs []reqVal
		// Requests have distinct Refs, and their values positions in
		// order; they are folded in a random order.
		refs := r.Perm(10)
		for range r.IntN(30) {
			if r.IntN(2) == 0 {
				v := val()
				others = append(others, v)
				a.add(&l, valUE, v)
				continue
			}
			if len(refs) == 0 {
				continue
			}
			ref := uint64(1 + refs[0])
			refs = refs[1:]
			for pos := range r.IntN(8) {
				rv := reqVal{ref, uint8(pos), val()}
				reqs = append(reqs, rv)
				a.addReq(&l, valUE, rv.v, rv.ref, rv.pos)
			}
		}
		// The rule: others first, then requests by (ref, pos).
		slices.SortStableFunc(reqs, func(x, y reqVal) int {
			if x.ref != y.ref {
				return int(x.ref) - int(y.ref)
			}
			return int(x.pos) - int(y.pos)
		})
		var want []value
		for _, v := range others {
			if len(want) < maxValues && !slices.Contains(want, v) {
				want = append(want, v)
			}
		}
		for _, rv := range reqs {
			if len(want) < maxValues && !slices.Contains(want, rv.v) {
				want = append(want, rv.v)
			}
		}
		got, _ := a.values(nil, l, valUE, nil)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: got %v, want %v", round, got, want)
		}
		a.release(&l)
	}
}
