package parquet

import (
	"encoding/binary"
	"errors"
	"slices"
	"testing"
)

// decodeDelta decodes DELTA_BINARY_PACKED int64 values, following the
// Parquet specification (written from it, independently of appendDelta),
// and returns them with the bytes read.
func decodeDelta(src []byte) ([]int64, int, error) {
	pos := 0
	uv := func() (uint64, error) {
		v, n := binary.Uvarint(src[pos:])
		if n <= 0 {
			return 0, errors.New("bad varint")
		}
		pos += n
		return v, nil
	}
	zz := func() (int64, error) {
		v, err := uv()
		return int64(v>>1) ^ -int64(v&1), err
	}
	block, err := uv()
	if err != nil {
		return nil, 0, err
	}
	minis, _ := uv()
	total, _ := uv()
	first, err := zz()
	if err != nil || minis == 0 || block%minis != 0 || block/minis%32 != 0 {
		return nil, 0, errors.New("bad header")
	}
	per := int(block / minis)
	out := []int64{}
	if total > 0 {
		out = append(out, first)
	}
	for uint64(len(out)) < total {
		minDelta, err := zz()
		if err != nil {
			return nil, 0, err
		}
		if pos+int(minis) > len(src) {
			return nil, 0, errors.New("short block")
		}
		widths := src[pos : pos+int(minis)]
		pos += int(minis)
		for _, w := range widths {
			if uint64(len(out)) >= total {
				break
			}
			if pos+per*int(w)/8 > len(src) {
				return nil, 0, errors.New("short miniblock")
			}
			for k := range per {
				var v uint64
				for b := range int(w) {
					bit := k*int(w) + b
					v |= uint64(src[pos+bit/8]>>(bit%8)&1) << b
				}
				if uint64(len(out)) < total {
					out = append(out, out[len(out)-1]+minDelta+int64(v))
				}
			}
			pos += per * int(w) / 8
		}
	}
	return out, pos, nil
}

// FuzzAppendDelta checks that any sequence of int64 values (runs of them,
// so that small, large and wrapping differences all occur) decodes back
// from its encoding, and that int32 values wrap at 32 bits.
func FuzzAppendDelta(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8}, uint16(300))
	f.Add([]byte{0xff, 0, 0xff, 0, 0x80}, uint16(5))
	f.Fuzz(func(t *testing.T, data []byte, n uint16) {
		if len(data) == 0 {
			return
		}
		vals := make([]int64, int(n)%2000)
		var v int64
		for i := range vals {
			b := data[i%len(data)]
			switch b % 4 {
			case 0:
				v += int64(b)
			case 1:
				v -= int64(b) << 40
			case 2:
				v = int64(binary.LittleEndian.Uint64(append(slices.Repeat([]byte{b}, 7), data[(i+1)%len(data)])))
			}
			vals[i] = v
		}
		enc := appendDelta(nil, vals)
		got, n2, err := decodeDelta(enc)
		if err != nil {
			t.Fatal(err)
		}
		if n2 != len(enc) || !slices.Equal(got, vals) {
			t.Fatalf("round trip of %d values: %d back, %d of %d bytes", len(vals), len(got), n2, len(enc))
		}
		v32 := make([]int32, len(vals))
		for i, x := range vals {
			v32[i] = int32(x)
		}
		got, _, err = decodeDelta(appendDelta(nil, v32))
		if err != nil {
			t.Fatal(err)
		}
		for i := range v32 {
			if int32(got[i]) != v32[i] {
				t.Fatalf("int32 value %d: %d, want %d", i, int32(got[i]), v32[i])
			}
		}
	})
}
