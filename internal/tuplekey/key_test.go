package tuplekey

import (
	"net/netip"
	"testing"
)

// TestMake checks that both directions of a tuple share one key and one
// hash, that Make says which endpoint sent the packet, and that Addrs and
// Proto give the tuple back.
func TestMake(t *testing.T) {
	v4 := netip.MustParseAddr("192.0.2.1")
	mapped := netip.AddrFrom16(v4.As16())
	for _, tt := range []struct {
		name string
		a, b netip.Addr
	}{
		{"ipv4", v4, netip.MustParseAddr("10.0.0.2")},
		{"ipv6", netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("2001:db8::2")},
		{"mapped", mapped, netip.MustParseAddr("::ffff:10.0.0.2")},
		{"one address, two ports", v4, v4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k1, aIsSrc := Make(tt.a, tt.b, 1000, 53, 17)
			k2, bIsSrc := Make(tt.b, tt.a, 53, 1000, 17)
			if k1 != k2 || !k1.Eq(&k2) || aIsSrc == bIsSrc || k1.Hash(7) != k2.Hash(7) {
				t.Fatalf("keys %+v and %+v, src is a: %v %v", k1, k2, aIsSrc, bIsSrc)
			}
			a, b := k1.Addrs()
			if !aIsSrc {
				a, b = b, a
			}
			if a != tt.a || b != tt.b || k1.Proto() != 17 {
				t.Errorf("key gives back %v, %v, proto %d", a, b, k1.Proto())
			}
		})
	}
}

// TestDistinct checks that tuples differing in one part get different keys.
func TestDistinct(t *testing.T) {
	a, b := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
	base, _ := Make(a, b, 40000, 80, 6)
	for name, other := range map[string]func() (Key, bool){
		"source port":   func() (Key, bool) { return Make(a, b, 40001, 80, 6) },
		"protocol":      func() (Key, bool) { return Make(a, b, 40000, 80, 17) },
		"address":       func() (Key, bool) { return Make(a, netip.MustParseAddr("10.0.0.3"), 40000, 80, 6) },
		"ipv4-mapped":   func() (Key, bool) { return Make(netip.AddrFrom16(a.As16()), netip.AddrFrom16(b.As16()), 40000, 80, 6) },
		"ports swapped": func() (Key, bool) { return Make(a, b, 80, 40000, 6) },
	} {
		if k, _ := other(); k == base || k.Eq(&base) {
			t.Errorf("%s: same key as the base tuple: %+v", name, k)
		}
	}
}
