package fragmemo

import (
	"net/netip"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/internal/ipfrag"
)

// TestBounded fills a table of 4 with 100 datagrams: the 4 latest stay.
func TestBounded(t *testing.T) {
	f := New[uint16](4, int64(time.Minute))
	src := netip.MustParseAddr("10.0.0.1")
	for i := uint32(0); i < 100; i++ {
		f.Put(ipfrag.ID{Src: src, Dst: src, ID: i, Proto: 17}, uint16(i), 0)
	}
	if len(f.m) != 4 {
		t.Fatalf("table holds %d entries, want 4", len(f.m))
	}
	if _, ok := f.Get(ipfrag.ID{Src: src, Dst: src, ID: 95, Proto: 17}, 0); ok {
		t.Error("evicted entry 95 still found")
	}
	if v, ok := f.Get(ipfrag.ID{Src: src, Dst: src, ID: 99, Proto: 17}, 0); !ok || v != 99 {
		t.Errorf("entry 99: %d %v", v, ok)
	}
}

// TestMaxAge finds a first fragment's value only within maxAge, either
// side in time (captures are not always in time order).
func TestMaxAge(t *testing.T) {
	f := New[string](8, int64(time.Second))
	id := ipfrag.ID{Src: netip.MustParseAddr("2001:db8::1"), Dst: netip.MustParseAddr("2001:db8::2"), ID: 7, Proto: 6}
	f.Put(id, "first", 10e9)
	for _, c := range []struct {
		ts int64
		ok bool
	}{{10e9, true}, {11e9, true}, {9e9, true}, {11e9 + 1, false}, {9e9 - 1, false}} {
		if v, ok := f.Get(id, c.ts); ok != c.ok || (ok && v != "first") {
			t.Errorf("at %d: %q %v, want ok=%v", c.ts, v, ok, c.ok)
		}
	}
	if _, ok := f.Get(ipfrag.ID{Src: id.Src, Dst: id.Dst, ID: 7, Proto: 6, Tunnelled: true}, 10e9); ok {
		t.Error("a tunnelled datagram found the outer one's value")
	}
}

// TestTake forgets what it returns; the slot the datagram held in the ring
// does not evict it when it is put again.
func TestTake(t *testing.T) {
	f := New[int](2, int64(time.Minute))
	src := netip.MustParseAddr("10.0.0.1")
	id := func(n uint32) ipfrag.ID { return ipfrag.ID{Src: src, Dst: src, ID: n, Proto: 17} }
	f.Put(id(1), 10, 0)
	if v, ok := f.Take(id(1), 0); !ok || v != 10 {
		t.Fatalf("take: %d %v", v, ok)
	}
	if _, ok := f.Take(id(1), 0); ok {
		t.Fatal("taken twice")
	}
	f.Put(id(1), 11, 0) // the second slot
	f.Put(id(2), 20, 0) // the first slot again, which held id 1's old entry
	if v, ok := f.Get(id(1), 0); !ok || v != 11 {
		t.Errorf("id 1 after its old slot was reused: %d %v", v, ok)
	}
}
