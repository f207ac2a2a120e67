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
		if got, want := string(appendUint([]byte("x"), v)), "x"+strconv.FormatUint(v, 10); got != want {
			t.Errorf("appendUint(%d) = %q, want %q", v, got, want)
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

// TestAppendUintRandom compares appendUint, appendInt and appendHex with
// strconv on random values of every magnitude and on every power of ten
// and power of two and their neighbours (where the digit counts change).
func TestAppendUintRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vals := []uint64{0, 1<<64 - 1, 1<<32 - 1, 1 << 32}
	for p := uint64(1); ; p *= 10 {
		vals = append(vals, p-1, p, p+1)
		if p > (1<<64-1)/10 {
			break
		}
	}
	for k := range 64 {
		vals = append(vals, 1<<k-1, 1<<k, 1<<k+1)
	}
	for i := range 20000 {
		vals = append(vals, rng.Uint64()>>(i%64))
	}
	for _, v := range vals {
		if got, want := string(appendUint([]byte("x"), v)), "x"+strconv.FormatUint(v, 10); got != want {
			t.Fatalf("appendUint(%d) = %q, want %q", v, got, want)
		}
		if got, want := string(appendInt(nil, int(v))), strconv.FormatInt(int64(v), 10); got != want {
			t.Fatalf("appendInt(%d) = %q, want %q", int(v), got, want)
		}
		if got, want := string(appendHex(nil, v)), "0x"+strconv.FormatUint(v, 16); got != want {
			t.Fatalf("appendHex(%d) = %q, want %q", v, got, want)
		}
		if got, want := decLen(v), len(strconv.FormatUint(v, 10)); got != want {
			t.Fatalf("decLen(%d) = %d, want %d", v, got, want)
		}
	}
}

// TestPairCacheRandom formats endpoint pairs that share and collide in
// cache slots in random order (the two-entry front of the cache hits,
// misses and goes stale), some too long to cache, in every format,
// against appendPair.
func TestPairCacheRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var aps []netip.AddrPort
	for i := range 40 {
		a := netip.AddrFrom4([4]byte{10, 0, byte(i % 3), byte(i % 5)})
		switch i % 8 {
		case 0:
			a = netip.MustParseAddr("2001:db8::1")
		case 1:
			a = netip.MustParseAddr("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255")
		case 2:
			a = netip.MustParseAddr("fe80::1%a-zone-name-long-enough-to-make-the-pair-text-too-long-to-cache")
		}
		aps = append(aps, netip.AddrPortFrom(a, uint16(8805+i%7)))
	}
	aps = append(aps, netip.AddrPort{}, netip.AddrPortFrom(netip.Addr{}, 8805))
	for _, format := range []uint8{fmtText, fmtJSON, fmtCSV} {
		c := pairCache{format: format}
		for range 5000 {
			src, dst := aps[rng.IntN(len(aps))], aps[rng.IntN(len(aps))]
			got := string(c.append([]byte("x"), src, dst))
			if want := string(appendPair([]byte("x"), format, src, dst)); got != want {
				t.Fatalf("format %d: append(%v, %v) = %q, want %q", format, src, dst, got, want)
			}
		}
	}
}
