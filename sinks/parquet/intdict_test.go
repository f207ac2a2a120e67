package parquet

import (
	"bytes"
	"math"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	pqfile "github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/pcapflow/pcapflow/internal/splitmix"
)

func TestIntDictIndex(t *testing.T) {
	var d intDict
	if _, ok := d.index(nil, []int32{3, 255, 3}, math.MaxInt); !ok || len(d.direct) != 256 {
		t.Fatalf("small values: ok %v, direct table of %d", ok, len(d.direct))
	}
	d.truncate(0)
	ids, ok := d.index(nil, []int32{7, 70000, 7, -1, 65535, 70000}, math.MaxInt)
	if !ok || !slices.Equal(ids, []int32{0, 1, 0, 2, 3, 1}) || !slices.Equal(d.vals, []int32{7, 70000, -1, 65535}) {
		t.Fatalf("ids %v ok %v dictionary %v", ids, ok, d.vals)
	}
	// Outgrowing the limit leaves the dictionary as it was.
	if _, ok := d.index(ids, []int32{65535, 8, 9, 80000}, 5); ok {
		t.Fatal("a sixth value fits a limit of 5")
	}
	if !slices.Equal(d.vals, []int32{7, 70000, -1, 65535}) || d.direct[8]+d.direct[9] != 0 || len(d.big) != 2 {
		t.Fatalf("after a failed index: dictionary %v, big %v", d.vals, d.big)
	}
	if ids, ok := d.index(ids, []int32{8, 80000, 7}, 6); !ok || !slices.Equal(ids, []int32{4, 5, 0}) {
		t.Fatalf("ids %v ok %v", ids, ok)
	}
	d.truncate(0)
	if len(d.vals) != 0 || len(d.big) != 0 || slices.ContainsFunc(d.direct, func(v int32) bool { return v != 0 }) {
		t.Fatal("truncate(0) left values behind")
	}
}

// intDictSchema has a column of each type written with an integer
// dictionary.
var intDictSchema = arrow.NewSchema([]arrow.Field{
	{Name: "u8", Type: arrow.PrimitiveTypes.Uint8, Nullable: true},
	{Name: "u16", Type: arrow.PrimitiveTypes.Uint16, Nullable: false},
	{Name: "u32", Type: arrow.PrimitiveTypes.Uint32, Nullable: true},
	{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
}, nil)

// intDictRecords builds records of the given sizes; value(col, row)
// gives each cell, ok false for a null.
func intDictRecords(sizes []int, value func(col, row int) (int64, bool)) []arrow.RecordBatch {
	b := array.NewRecordBuilder(memory.DefaultAllocator, intDictSchema)
	defer b.Release()
	var recs []arrow.RecordBatch
	row := 0
	for _, n := range sizes {
		for range n {
			for c, f := range b.Fields() {
				v, ok := value(c, row)
				if !ok && intDictSchema.Field(c).Nullable {
					f.AppendNull()
					continue
				}
				switch f := f.(type) {
				case *array.Uint8Builder:
					f.Append(uint8(v))
				case *array.Uint16Builder:
					f.Append(uint16(v))
				case *array.Uint32Builder:
					f.Append(uint32(v))
				case *array.Int32Builder:
					f.Append(int32(v))
				}
			}
			row++
		}
		recs = append(recs, b.NewRecordBatch())
	}
	return recs
}

// writeIntDict writes recs with the parallel writer in row groups of rg
// rows, with pcapflow's integer dictionaries unless plain.
func writeIntDict(t *testing.T, recs []arrow.RecordBatch, rg int, plain bool) []byte {
	t.Helper()
	o := Options{plainInts: plain}
	o.fill()
	props := writerProperties(intDictSchema, &o)
	var buf bytes.Buffer
	pw, err := newParallelWriter(&buf, intDictSchema, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()), rg, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range pw.dictInt {
		if pw.dictInt[i] == plain {
			t.Fatalf("column %d: dictionary %v", i, pw.dictInt[i])
		}
	}
	writeRecords(t, pw, recs)
	return buf.Bytes()
}

// TestIntDictMatchesPqarrow writes low-cardinality integer columns (nulls,
// one value, values past the direct table, negative ones), one record per
// row group, and checks that the file is byte for byte the one pqarrow's
// FileWriter writes with the same properties: arrow-go's dictionary
// encoder makes the same dictionary pages and index pages.
func TestIntDictMatchesPqarrow(t *testing.T) {
	tests := []struct {
		name  string
		value func(col, row int) (int64, bool)
	}{
		{"few values", func(col, row int) (int64, bool) {
			r := splitmix.Mix(uint64(row*4 + col))
			return []int64{6, 17, 1}[r%3] + int64(col)*70000*int64(row%2), r%11 != 0
		}},
		{"runs", func(col, row int) (int64, bool) { return int64(row / 50 % 4), row%200 < 190 }},
		{"one value", func(col, row int) (int64, bool) { return 443, true }},
		{"negative", func(col, row int) (int64, bool) { return -int64(row % 5), true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := intDictRecords([]int{1000, 1000, 600}, tt.value)
			defer func() {
				for _, r := range recs {
					r.Release()
				}
			}()
			ours := writeIntDict(t, recs, 1000, false)
			o := Options{}
			o.fill()
			var theirs bytes.Buffer
			fw, err := pqarrow.NewFileWriter(intDictSchema, &theirs, writerProperties(intDictSchema, &o), pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range recs {
				if i > 0 {
					if err := fw.NewBufferedRowGroupChecked(); err != nil {
						t.Fatal(err)
					}
				}
				if err := fw.WriteBuffered(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := fw.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(ours, theirs.Bytes()) {
				t.Errorf("pcapflow's file (%d bytes) differs from pqarrow's (%d bytes)", len(ours), theirs.Len())
			}
			checkChunks(t, ours, func(rg, col int, hasDict bool, pages map[parquet.Encoding]bool) {
				if !hasDict || !pages[parquet.Encodings.RLEDict] {
					t.Errorf("row group %d column %d: dictionary %v, data pages %v", rg, col, hasDict, pages)
				}
			})
		})
	}
}

// checkChunks calls check with whether each column chunk has a
// dictionary page, and the encodings of its data pages.
func checkChunks(t *testing.T, file []byte, check func(rg, col int, hasDict bool, pages map[parquet.Encoding]bool)) {
	t.Helper()
	rdr, err := pqfile.NewParquetReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	for rg := range rdr.NumRowGroups() {
		md := rdr.MetaData().RowGroup(rg)
		for col := range md.NumColumns() {
			cc, err := md.ColumnChunk(col)
			if err != nil {
				t.Fatal(err)
			}
			pages := map[parquet.Encoding]bool{}
			for _, st := range cc.EncodingStats() {
				if st.PageType.String() == "DATA_PAGE" {
					pages[st.Encoding] = true
				}
			}
			// The chunk's list of encodings names its data pages'.
			for e := range pages {
				if !slices.Contains(cc.Encodings(), e) {
					t.Errorf("row group %d, column %d: data pages %s, chunk encodings %v", rg, col, e, cc.Encodings())
				}
			}
			check(rg, col, cc.HasDictionaryPage(), pages)
		}
	}
}

// TestIntDictChunks writes several records per row group through the
// cases pqarrow's writer has no counterpart of, and checks that the values
// read back are those of the PLAIN file, that every data page of a chunk
// has one encoding and that writing them again makes the same bytes: a
// first page with many distinct values or few values (no dictionary from
// the start: delta-encoded), a dictionary that grows past 64Ki values,
// records of nulls only before or after the first value (indices, or
// delta, too).
func TestIntDictChunks(t *testing.T) {
	const dict, plain, delta, mixed = "dictionary", "plain", "delta", "mixed pages"
	// (No chunk of these columns is PLAIN: see plainColumns.)
	tests := []struct {
		name  string
		sizes []int
		value func(col, row int) (int64, bool)
		want  [4]string // by column: u8 u16 u32 i32
	}{
		{"many distinct", []int{4096, 4096}, func(col, row int) (int64, bool) {
			return int64(splitmix.Mix(uint64(row))), true
		}, [4]string{dict, delta, delta, delta}}, // a uint8 has 256 values at most
		{"grows", []int{1024, 60000, 60000}, func(col, row int) (int64, bool) {
			if row < 1024 {
				return int64(row % 3), true
			}
			return int64(row), true // 120,000 distinct values past the first page
		}, [4]string{dict, dict, dict, dict}},
		{"nulls first", []int{2000, 2000, 2000}, func(col, row int) (int64, bool) {
			return int64(row % 9), row >= 2000 && row%7 != 0
		}, [4]string{dict, dict, dict, dict}}, // the pages of nulls first: indices too
		{"nulls after", []int{2000, 2000}, func(col, row int) (int64, bool) {
			return int64(row % 9), row < 2000
		}, [4]string{dict, dict, dict, dict}},
		{"small first page", []int{200, 5000}, func(col, row int) (int64, bool) {
			return int64(row % 3), true
		}, [4]string{delta, delta, delta, delta}}, // too few values to pay for a dictionary page
		{"nulls first, many distinct", []int{1000, 4096, 4096}, func(col, row int) (int64, bool) {
			return int64(splitmix.Mix(uint64(row))), row >= 1000
		}, [4]string{dict, delta, delta, delta}}, // the pages of nulls first: delta too
		{"nulls only", []int{2000, 2000}, func(col, row int) (int64, bool) {
			return 1, false
		}, [4]string{delta, dict, delta, delta}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := intDictRecords(tt.sizes, tt.value)
			defer func() {
				for _, r := range recs {
					r.Release()
				}
			}()
			ours := writeIntDict(t, recs, 1<<20, false)
			for range 3 {
				if again := writeIntDict(t, recs, 1<<20, false); !bytes.Equal(again, ours) {
					t.Fatal("the same records make a different file")
				}
			}
			got, want := readBytes(t, ours), readBytes(t, writeIntDict(t, recs, 1<<20, true))
			for i := range int(want.NumCols()) {
				if !array.ChunkedEqual(got.Column(i).Data(), want.Column(i).Data()) {
					t.Errorf("column %s: values differ from the PLAIN file's", want.Schema().Field(i).Name)
				}
			}
			checkChunks(t, ours, func(rg, col int, hasDict bool, pages map[parquet.Encoding]bool) {
				kind := plain
				switch {
				case len(pages) > 1 || hasDict && !pages[parquet.Encodings.RLEDict]:
					kind = mixed
				case hasDict:
					kind = dict
				case pages[parquet.Encodings.DeltaBinaryPacked]:
					kind = delta
				}
				if kind != tt.want[col] || hasDict != pages[parquet.Encodings.RLEDict] {
					t.Errorf("column %s: %s (data pages %v), want %s", intDictSchema.Field(col).Name, kind, pages, tt.want[col])
				}
			})
		})
	}
}

// FuzzIntDictRoundTrip writes records of fuzzed values (a byte picks each
// cell: null, a small value, or a value past the direct table) with the
// integer dictionaries and checks that they read back as the PLAIN file's.
func FuzzIntDictRoundTrip(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 255, 128, 7}, uint16(3), uint8(2))
	f.Add(bytes.Repeat([]byte{9, 0, 200}, 700), uint16(1500), uint8(1))
	f.Fuzz(func(t *testing.T, cells []byte, per uint16, spread uint8) {
		if len(cells) == 0 || per == 0 {
			return
		}
		value := func(col, row int) (int64, bool) {
			c := cells[(row*4+col)%len(cells)]
			switch {
			case c == 0:
				return 0, false
			case c >= 250:
				return int64(c)<<16 + int64(row%int(spread+1)), true
			}
			return int64(c) * int64(spread), true
		}
		rows := min(len(cells)*int(spread+1), 5000)
		step := max(int(per), rows/20) // at most 20 records
		var sizes []int
		for n := rows; n > 0; n -= step {
			sizes = append(sizes, min(n, step))
		}
		recs := intDictRecords(sizes, value)
		defer func() {
			for _, r := range recs {
				r.Release()
			}
		}()
		got, want := readBytes(t, writeIntDict(t, recs, 3000, false)), readBytes(t, writeIntDict(t, recs, 3000, true))
		for i := range int(want.NumCols()) {
			if !array.ChunkedEqual(got.Column(i).Data(), want.Column(i).Data()) {
				t.Fatalf("column %s: values differ from the PLAIN file's", want.Schema().Field(i).Name)
			}
		}
	})
}
