package seids

import (
	"math/rand/v2"
	"net/netip"
	"strconv"
	"testing"
)

// TestAppendNumbers compares the hand-written number formatting with
// strconv.
func TestAppendNumbers(t *testing.T) {
	for _, v := range []uint64{0, 1, 9, 10, 15, 16, 255, 256, 4095, 4096, 99999, 100000, 999999, 1000000,
		1e8 - 1, 1e8, 1e8 + 1, 1e16 - 1, 1e16, 1e16 + 1, 12345678900000001, 1e19, 10000000100000001,
		321269991204716545, 1<<63 - 1, 1 << 63, 1<<64 - 1} {
		if got, want := string(appendSEID([]byte("x"), v)), "x"+strconv.FormatUint(v, 10); got != want {
			t.Errorf("appendSEID(%d) = %q, want %q", v, got, want)
		}
		if got, want := string(appendHex([]byte("x"), v)), "x0x"+strconv.FormatUint(v, 16); got != want {
			t.Errorf("appendHex(%d) = %q, want %q", v, got, want)
		}
		for _, w := range []int{0, 1, 6, 8} {
			want := strconv.FormatUint(v, 10)
			for len(want) < w {
				want = " " + want
			}
			if got := string(appendRight([]byte("x"), v, w)); got != "x"+want {
				t.Errorf("appendRight(%d, %d) = %q, want %q", v, w, got, "x"+want)
			}
		}
	}
	for _, w := range []int{0, 3, 64, 65, 200} {
		if got := pad([]byte("ab"), 1, w); len(got) != max(2, 1+w) {
			t.Errorf("pad to %d: %d bytes", w, len(got))
		}
	}
}

// TestAppendSEIDRandom compares appendSEID with strconv on random values
// of every magnitude.
func TestAppendSEIDRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		v := rng.Uint64() >> (i % 64)
		if got, want := string(appendSEID(nil, v)), strconv.FormatUint(v, 10); got != want {
			t.Fatalf("appendSEID(%d) = %q, want %q", v, got, want)
		}
	}
}

// TestAddrCacheRandom formats endpoints that share and collide in cache
// slots in random order (the two-entry front of the cache hits, misses
// and goes stale), against AppendTo.
func TestAddrCacheRandom(t *testing.T) {
	var c addrCache
	rng := rand.New(rand.NewPCG(3, 4))
	var aps []netip.AddrPort
	for i := range 40 {
		a := netip.AddrFrom4([4]byte{10, 0, byte(i % 3), byte(i % 5)})
		if i%4 == 0 {
			a = netip.MustParseAddr("2001:db8::1")
		}
		aps = append(aps, netip.AddrPortFrom(a, uint16(8805+i%7)))
	}
	aps = append(aps, netip.AddrPort{})
	for range 5000 {
		ap := aps[rng.IntN(len(aps))]
		if got, want := string(c.append([]byte("x"), ap)), string(ap.AppendTo([]byte("x"))); got != want {
			t.Fatalf("append(%v) = %q, want %q", ap, got, want)
		}
	}
}
