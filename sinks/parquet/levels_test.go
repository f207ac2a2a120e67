package parquet

import (
	"bytes"
	"testing"

	"github.com/pcapflow/pcapflow/internal/splitmix"
)

// levelsOf returns the levels (0/1) of n bits of bitmap from bit off.
func levelsOf(bitmap []byte, off, n int) []int16 {
	lv := make([]int16, n)
	for i := range lv {
		q := off + i
		lv[i] = int16(bitmap[q>>3] >> (q & 7) & 1)
	}
	return lv
}

// checkBitmapLevels compares appendBitmapLevels with appendHybrid over the
// same levels.
func checkBitmapLevels(t *testing.T, bitmap []byte, off, n int) {
	t.Helper()
	want := appendHybrid([]byte{0xAA}, levelsOf(bitmap, off, n), 1)
	got := appendBitmapLevels([]byte{0xAA}, bitmap, off, n)
	if !bytes.Equal(got, want) {
		t.Fatalf("off %d n %d bitmap % x:\n got % x\nwant % x", off, n, bitmap, got, want)
	}
}

// TestBitmapLevels checks appendBitmapLevels against appendHybrid on
// bitmaps of runs of every length around the RLE threshold and the word
// size, at every bit offset, and on random bitmaps of several densities.
func TestBitmapLevels(t *testing.T) {
	for _, runs := range [][]int{
		{1}, {7}, {8}, {9}, {15, 1, 8}, {3, 8, 5}, {7, 7, 7}, {64}, {63, 1, 65}, {130, 2, 9, 300},
		{5, 8}, {4, 12, 1}, {600}, {503, 1, 504, 8}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 8, 8},
	} {
		for first := range 2 {
			var lv []int
			b := first
			for _, r := range runs {
				for range r {
					lv = append(lv, b)
				}
				b ^= 1
			}
			for off := range 11 {
				bitmap := make([]byte, (off+len(lv)+7)/8+1)
				for i := range bitmap {
					bitmap[i] = 0x5A // garbage outside the rows
				}
				for i, v := range lv {
					q := off + i
					bitmap[q>>3] = bitmap[q>>3]&^(1<<(q&7)) | byte(v)<<(q&7)
				}
				checkBitmapLevels(t, bitmap, off, len(lv))
			}
		}
	}
	for _, density := range []uint64{1, 2, 50, 98, 99} {
		for seed := range uint64(20) {
			bitmap := make([]byte, 300)
			for i := range bitmap {
				for k := range 8 {
					if splitmix.Mix(seed<<20|uint64(i*8+k))%100 < density {
						bitmap[i] |= 1 << k
					}
				}
			}
			off := int(seed % 13)
			checkBitmapLevels(t, bitmap, off, len(bitmap)*8-off-int(seed%9))
		}
	}
}

// FuzzBitmapLevels compares appendBitmapLevels with appendHybrid on fuzzed
// bitmaps, offsets and lengths.
func FuzzBitmapLevels(f *testing.F) {
	f.Add([]byte{0xff, 0x00, 0x0f, 0xff, 0xff}, uint8(3), uint16(30))
	f.Add([]byte{0x01}, uint8(0), uint16(1))
	f.Fuzz(func(t *testing.T, bitmap []byte, off uint8, n uint16) {
		o := int(off % 16)
		if o >= len(bitmap)*8 {
			return
		}
		checkBitmapLevels(t, bitmap, o, min(int(n), len(bitmap)*8-o))
	})
}
