package parquet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/pcapflow/pcapflow/internal/splitmix"
)

// decodeHybrid decodes n values of width bits from the RLE / bit-packing
// hybrid encoding, following the Parquet format specification (written
// from the specification, independently of appendHybrid). It returns the
// values and the bytes read.
func decodeHybrid(src []byte, width, n int) ([]int32, int, error) {
	var out []int32
	pos := 0
	for len(out) < n {
		h, k := binary.Uvarint(src[pos:])
		if k <= 0 {
			return nil, 0, errors.New("bad run header")
		}
		pos += k
		if h&1 == 0 {
			count := int(h >> 1)
			nb := (width + 7) / 8
			if count == 0 || pos+nb > len(src) {
				return nil, 0, fmt.Errorf("bad RLE run of %d", count)
			}
			var v uint32
			for b := range nb {
				v |= uint32(src[pos+b]) << (8 * b)
			}
			pos += nb
			for range count {
				out = append(out, int32(v))
			}
			continue
		}
		groups := int(h >> 1)
		nbytes := groups * width
		if groups == 0 || pos+nbytes > len(src) {
			return nil, 0, fmt.Errorf("bad bit-packed run of %d groups", groups)
		}
		for k := range groups * 8 {
			var v uint32
			for b := range width {
				bit := k*width + b
				v |= uint32(src[pos+bit/8]>>(bit%8)&1) << b
			}
			if len(out) < n {
				out = append(out, int32(v))
			}
		}
		pos += nbytes
	}
	return out, pos, nil
}

func TestAppendHybrid(t *testing.T) {
	repeat := func(v int32, n int) []int32 { return slices.Repeat([]int32{v}, n) }
	seq := func(n, mod int) []int32 {
		s := make([]int32, n)
		for i := range s {
			s[i] = int32(i*7919) % int32(mod)
		}
		return s
	}
	tests := []struct {
		name  string
		vals  []int32
		width int
		// want, if set, is the exact encoding.
		want []byte
	}{
		{"one value: a last short run", []int32{1}, 1, []byte{0x02, 0x01}},
		{"run of 16000 ones", repeat(1, 16000), 1, []byte{0x80, 0xfa, 0x01, 0x01}},
		{"run of zeros, 2-byte width", repeat(0, 9), 9, []byte{0x12, 0x00, 0x00}},
		{"seven equal values: a last short run", repeat(3, 7), 2, []byte{0x0e, 0x03}},
		{"seven values, not all equal, are packed", []int32{3, 3, 3, 3, 3, 3, 1}, 2, []byte{0x03, 0xff, 0x1f}},
		{"a short run after literals is packed with them", slices.Concat([]int32{1, 2, 3, 0, 1, 2, 3, 0, 1}, repeat(2, 3)), 2, nil},
		{"eight literals", []int32{0, 1, 2, 3, 4, 5, 6, 7}, 3, []byte{0x03, 0x88, 0xc6, 0xfa}},
		{"literals then a run lend it their group's tail", append([]int32{1, 2, 3}, repeat(5, 20)...), 3, nil},
		{"run, literals, run", slices.Concat(repeat(2, 10), []int32{1, 0, 1}, repeat(7, 30)), 3, nil},
		{"run too short after padding", append([]int32{1, 2, 3, 4, 5, 6, 7}, repeat(0, 8)...), 3, nil},
		{"more than 63 groups of literals", seq(1000, 1<<15), 15, nil},
		{"32-bit values", []int32{-1, 0x7fffffff, 0, 1 << 30}, 32, nil},
		{"alternating levels", seq(333, 2), 1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			enc := appendHybrid([]byte{0xaa}, tc.vals, tc.width)
			if enc[0] != 0xaa {
				t.Fatal("appendHybrid overwrote dst")
			}
			enc = enc[1:]
			if tc.want != nil && !slices.Equal(enc, tc.want) {
				t.Errorf("encoding % x, want % x", enc, tc.want)
			}
			got, n, err := decodeHybrid(enc, tc.width, len(tc.vals))
			if err != nil {
				t.Fatal(err)
			}
			if n != len(enc) {
				t.Errorf("decoded %d of %d bytes", n, len(enc))
			}
			want := slices.Clone(tc.vals)
			if tc.width < 32 {
				for i := range want {
					want[i] &= 1<<tc.width - 1
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("round trip %v, want %v", got, want)
			}
		})
	}
}

func TestAppendHybridLevels(t *testing.T) {
	lv := []int16{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}
	enc := appendHybrid(nil, lv, 1)
	got, _, err := decodeHybrid(enc, 1, len(lv))
	if err != nil {
		t.Fatal(err)
	}
	for i := range lv {
		if got[i] != int32(lv[i]) {
			t.Fatalf("level %d = %d, want %d (% x)", i, got[i], lv[i], enc)
		}
	}
}

func TestBitWidth(t *testing.T) {
	for _, tc := range []struct{ n, want int }{{0, 1}, {1, 1}, {2, 1}, {3, 2}, {4, 2}, {5, 3}, {256, 8}, {257, 9}, {1 << 20, 20}} {
		if got := bitWidth(tc.n); got != tc.want {
			t.Errorf("bitWidth(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}

// FuzzAppendHybrid checks that every sequence of values decodes back from
// its encoding, and that runs are found (the encoding of a long run of
// one value stays short).
func FuzzAppendHybrid(f *testing.F) {
	f.Add([]byte{1, 1, 1, 1, 1, 1, 1, 1, 1, 2}, uint8(2))
	f.Add([]byte{0, 1, 0, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, uint8(5))
	f.Fuzz(func(t *testing.T, data []byte, w uint8) {
		width := int(w%32) + 1
		vals := make([]int32, 0, len(data)*4)
		for _, b := range data {
			// Each byte is a run: its low bits the value, its high bits
			// the length, so that runs of every length occur.
			v := int32(b&0x0f) % int32(min(1<<width, 1<<30))
			for range int(b>>4)*3 + 1 {
				vals = append(vals, v)
			}
		}
		enc := appendHybrid(nil, vals, width)
		got, n, err := decodeHybrid(enc, width, len(vals))
		if err != nil {
			t.Fatal(err)
		}
		if n != len(enc) || !slices.Equal(got, vals) {
			t.Fatalf("round trip of %v: %v (%d of %d bytes)", vals, got, n, len(enc))
		}
		// A packed value costs width bits, an RLE run at most 9 bytes:
		// the encoding is never much larger than packing everything.
		if limit := (len(vals)+7)/8*width + 9*len(data) + 16; len(enc) > limit {
			t.Fatalf("%d values encoded in %d bytes, over %d", len(vals), len(enc), limit)
		}
	})
}

// BenchmarkAppendHybrid encodes a page of 16Ki dictionary indices without
// runs, at the bit widths of a few values, ports and addresses.
func BenchmarkAppendHybrid(b *testing.B) {
	for _, width := range []int{2, 7, 15} {
		vals := make([]int32, 16384)
		for i := range vals {
			vals[i] = int32(splitmix.Mix(uint64(i)) & (1<<width - 1))
		}
		b.Run(fmt.Sprintf("width%d", width), func(b *testing.B) {
			var dst []byte
			for b.Loop() {
				dst = appendHybrid(dst[:0], vals, width)
			}
		})
	}
}
