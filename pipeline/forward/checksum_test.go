package forward

import (
	"encoding/binary"
	"testing"
)

// ipHeader returns a 20-byte IPv4 header with a correct checksum.
func ipHeader(ttl, proto byte, src, dst [4]byte, total int) []byte {
	h := make([]byte, 20)
	h[0] = 0x45
	binary.BigEndian.PutUint16(h[2:], uint16(total))
	binary.BigEndian.PutUint16(h[4:], 0x1c46)
	h[6] = 0x40
	h[8], h[9] = ttl, proto
	copy(h[12:], src[:])
	copy(h[16:], dst[:])
	binary.BigEndian.PutUint16(h[10:], Checksum(h))
	return h
}

func TestChecksumKnown(t *testing.T) {
	// The worked example of RFC 1071 section 3: words 0001 f203 f4f5 f6f7
	// sum to ddf2 (one's complement), so the checksum is 220d.
	if got := Checksum([]byte{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}); got != 0x220d {
		t.Errorf("Checksum = %#04x, want 0x220d", got)
	}
	if got := Checksum([]byte{0xff}); got != 0x00ff {
		t.Errorf("odd length: %#04x, want 0x00ff", got)
	}
}

func TestDecrementTTL(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ttl   byte
		proto byte
		src   [4]byte
		dst   [4]byte
	}{
		{"icmp", 64, 1, [4]byte{10, 0, 1, 2}, [4]byte{10, 0, 2, 2}},
		{"udp low ttl", 2, 17, [4]byte{192, 168, 1, 10}, [4]byte{8, 8, 8, 8}},
		{"tcp 255", 255, 6, [4]byte{255, 255, 255, 254}, [4]byte{0, 0, 0, 1}},
		{"carry", 1 + 1, 0xff, [4]byte{0xff, 0xff, 0xff, 0xff}, [4]byte{0xff, 0xff, 0xff, 0xff}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := ipHeader(tc.ttl, tc.proto, tc.src, tc.dst, 84)
			DecrementTTL(h)
			if h[8] != tc.ttl-1 {
				t.Fatalf("TTL %d, want %d", h[8], tc.ttl-1)
			}
			if Checksum(h) != 0 && Checksum(h) != 0xffff {
				t.Errorf("header no longer sums to zero: %#04x", Checksum(h))
			}
			want := ipHeader(tc.ttl-1, tc.proto, tc.src, tc.dst, 84)
			w, g := binary.BigEndian.Uint16(want[10:]), binary.BigEndian.Uint16(h[10:])
			// 0x0000 and 0xffff are the same value in one's complement.
			if w != g && !(w^g == 0xffff && (w == 0 || g == 0)) {
				t.Errorf("checksum %#04x, recomputed %#04x", g, w)
			}
		})
	}
}

func TestDecrementTTLNoAlloc(t *testing.T) {
	h := ipHeader(200, 1, [4]byte{1, 2, 3, 4}, [4]byte{5, 6, 7, 8}, 60)
	if n := testing.AllocsPerRun(100, func() { h[8] = 200; DecrementTTL(h) }); n != 0 {
		t.Errorf("%v allocations per call", n)
	}
}

func FuzzUpdateChecksum(f *testing.F) {
	f.Add([]byte{0x45, 0, 0, 84, 0, 0, 0x40, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2}, uint8(5))
	f.Fuzz(func(t *testing.T, data []byte, word uint8) {
		if len(data) < 2 || len(data)%2 != 0 {
			return
		}
		i := int(word) % (len(data) / 2) * 2
		hc := Checksum(data)
		old := binary.BigEndian.Uint16(data[i:])
		nw := old ^ 0x5a5a
		binary.BigEndian.PutUint16(data[i:], nw)
		got, want := UpdateChecksum(hc, old, nw), Checksum(data)
		if got != want && !(got^want == 0xffff && (got == 0 || want == 0)) {
			t.Fatalf("incremental %#04x, full %#04x", got, want)
		}
	})
}
