package seids

import (
	"strconv"
	"testing"
)

// TestAppendNumbers compares the hand-written number formatting with
// strconv.
func TestAppendNumbers(t *testing.T) {
	for _, v := range []uint64{0, 1, 9, 10, 15, 16, 255, 256, 4095, 4096, 99999, 100000, 999999, 1000000,
		321269991204716545, 1<<63 - 1, 1 << 63, 1<<64 - 1} {
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
