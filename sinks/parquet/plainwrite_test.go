package parquet

import (
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// uint16Column builds n values i*7, with a null wherever null(i).
func uint16Column(n int, null func(i int) bool) *array.Uint16 {
	b := array.NewUint16Builder(memory.DefaultAllocator)
	defer b.Release()
	for i := range n {
		if null(i) {
			b.AppendNull()
		} else {
			b.Append(uint16(i * 7))
		}
	}
	return b.NewUint16Array()
}

func TestNonNull(t *testing.T) {
	tests := []struct {
		name string
		null func(i int) bool
	}{
		{"no nulls", func(int) bool { return false }},
		{"all null", func(int) bool { return true }},
		{"every third", func(i int) bool { return i%3 == 0 }},
		{"runs of 8 and 16", func(i int) bool { return i/8%3 == 1 }},
		{"a null in the last byte", func(i int) bool { return i == 98 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			col := uint16Column(101, tc.null)
			defer col.Release()
			// The whole column and slices at every offset of a byte.
			for from := range 9 {
				part := array.NewSlice(col, int64(from), int64(col.Len())).(*array.Uint16)
				var want []int32
				for j := range part.Len() {
					if part.IsValid(j) {
						want = append(want, int32(part.Value(j)))
					}
				}
				got := nonNull(make([]int32, 3), part.Uint16Values(), part)
				if !slices.Equal(got, want) {
					t.Errorf("from row %d: %v, want %v", from, got, want)
				}
				part.Release()
			}
		})
	}
}

// BenchmarkNonNull measures the compaction of a record's column of 16Ki
// uint16 values into int32s: without nulls, and with a null in every
// fourth run of 8 rows and in every 13th row.
func BenchmarkNonNull(b *testing.B) {
	for _, bc := range []struct {
		name string
		null func(i int) bool
	}{
		{"no nulls", func(int) bool { return false }},
		{"nulls", func(i int) bool { return i/8%4 == 1 || i%13 == 0 }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			col := uint16Column(recordRows, bc.null)
			defer col.Release()
			var dst []int32
			b.SetBytes(int64(col.Len()) * 2)
			for b.Loop() {
				dst = nonNull(dst[:0], col.Uint16Values(), col)
			}
		})
	}
}
