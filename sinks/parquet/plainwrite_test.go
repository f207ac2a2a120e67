package parquet

import (
	"bytes"
	"math"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/pcapflow/pcapflow/internal/splitmix"
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

// TestIntColumnsMatchPqarrow writes integer columns of every kind pcapflow
// encodes itself (plain and delta, 4- and 8-byte, nullable or not) with
// values that wrap around, jump by the type's whole range and repeat, and
// checks that the file is byte for byte the one pqarrow's FileWriter
// writes with the same properties, which arrow-go's encoders produce.
func TestIntColumnsMatchPqarrow(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "session_id", Type: arrow.PrimitiveTypes.Uint32, Nullable: true}, // delta, INT32
		{Name: "ts", Type: timestampNS, Nullable: false},                        // delta, INT64
		{Name: "frame_no", Type: arrow.PrimitiveTypes.Uint64, Nullable: false},  // delta, INT64 unsigned
		{Name: "n", Type: arrow.PrimitiveTypes.Uint64, Nullable: true},          // plain (plainInt64)
		{Name: "k", Type: arrow.PrimitiveTypes.Uint8, Nullable: true},           // plain, widened
	}, nil)
	const rows = 1000
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for i := range rows {
		switch {
		case i%17 == 0:
			b.Field(0).AppendNull()
		case i%5 == 0:
			b.Field(0).(*array.Uint32Builder).Append(math.MaxUint32 - uint32(i)) // wraps against its neighbours
		default:
			b.Field(0).(*array.Uint32Builder).Append(uint32(i / 3))
		}
		ts := int64(1e18) + int64(i)*1000
		if i%100 == 99 {
			ts = math.MinInt64 + int64(i) // a jump over the whole range
		}
		b.Field(1).(*array.TimestampBuilder).Append(arrow.Timestamp(ts))
		b.Field(2).(*array.Uint64Builder).Append(splitmix.Mix(uint64(i)))
		if i%3 == 0 {
			b.Field(3).AppendNull()
			b.Field(4).AppendNull()
		} else {
			b.Field(3).(*array.Uint64Builder).Append(uint64(i) << 40)
			b.Field(4).(*array.Uint8Builder).Append(uint8(i))
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	// Dictionaries: see TestIntDictMatchesPqarrow; delta-encoded 8-byte
	// columns other than deltaColumns: ts and frame_no.
	o := Options{plainInts: true, plainInt64: true}
	o.fill()
	props := writerProperties(schema, &o)
	arrProps := pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema())
	var ours, theirs bytes.Buffer
	pw, err := newParallelWriter(&ours, schema, props, arrProps, rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range pw.isInt {
		if !pw.isInt[i] {
			t.Fatalf("column %d is not written directly", i)
		}
	}
	writeRecords(t, pw, []arrow.RecordBatch{rec})
	fw, err := pqarrow.NewFileWriter(schema, &theirs, props, arrProps)
	if err != nil {
		t.Fatal(err)
	}
	if err := fw.WriteBuffered(rec); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ours.Bytes(), theirs.Bytes()) {
		t.Errorf("pcapflow's file (%d bytes) differs from pqarrow's (%d bytes)", ours.Len(), theirs.Len())
	}
}
