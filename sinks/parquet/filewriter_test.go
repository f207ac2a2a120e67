package parquet

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// TestDictPageErrors checks that a dictionary column's page is refused,
// not written, when its indices cannot be right: an index outside the
// dictionary, a null in a required column; and that a row group whose
// columns disagree on their row count is not closed.
func TestDictPageErrors(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "n", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: false},
	}, nil)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// The row groups are left unclosed: their page buffers are the Go
	// allocator's.
	props := parquet.NewWriterProperties(parquet.WithVersion(parquet.V2_6))
	snap := dictSnap{vals: []byte("ab"), offs: []int32{0, 1, 2}}
	indices := func(valid []bool, v ...int32) *array.Int32 {
		b := array.NewInt32Builder(mem)
		defer b.Release()
		b.AppendValues(v, valid)
		return b.NewInt32Array()
	}
	tests := []struct {
		name string
		idx  *array.Int32
		want string
	}{
		{"index outside the dictionary", indices(nil, 0, 2), "dictionary index 2 of 2 values"},
		{"null in a required column", indices([]bool{true, false}, 0, 1), "1 nulls in a required column"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer tc.idx.Release()
			pw, err := newParallelWriter(&bytes.Buffer{}, schema, props,
				pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem)), 10, []string{"s"})
			if err != nil {
				t.Fatal(err)
			}
			rg, err := pw.fw.appendRowGroup(func(i int) bool { return i == 1 })
			if err != nil {
				t.Fatal(err)
			}
			c := &dictChunk{snap: snap}
			err = c.writePage(rg.cols[1], tc.idx, false, true, props, &colScratch{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if rg.cols[1].rows != 0 || rg.cols[1].written != 0 {
				t.Errorf("%d rows, %d bytes written after the error", rg.cols[1].rows, rg.cols[1].written)
			}
			// Column n has no rows, s none either: then one more in s.
			rg.cols[1].rows = 1
			if err := rg.close(); err == nil || !strings.Contains(err.Error(), "has 1 rows") {
				t.Errorf("close of a row group with 0 and 1 rows: %v", err)
			}
		})
	}
}

// TestFileWriterOnlyDirectColumns writes a file whose only column is a
// dictionary column (no column chunk writer at all) and reads it back.
func TestFileWriterOnlyDirectColumns(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	props := parquet.NewWriterProperties(parquet.WithAllocator(mem), parquet.WithVersion(parquet.V2_6),
		parquet.WithCompression(compress.Codecs.Zstd))
	var buf bytes.Buffer
	pw, err := newParallelWriter(&buf, schema, props, pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem)), 3, []string{"s"})
	if err != nil {
		t.Fatal(err)
	}
	vals := dictValues{}
	vals.restart()
	for _, s := range []string{"x", "yy", "zzz"} {
		vals.vals = append(vals.vals, s...)
		vals.offs = append(vals.offs, int32(len(vals.vals)))
	}
	b := array.NewInt32Builder(mem)
	for _, rec := range [][]int32{{2, 0, 1}, {1, 1, 0}} {
		b.AppendValues(rec, []bool{true, rec[0] != 1, true})
		col := b.NewInt32Array()
		r := array.NewRecordBatch(arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.PrimitiveTypes.Int32, Nullable: true}}, nil),
			[]arrow.Array{col}, 3)
		col.Release()
		if err := pw.write(r, []dictSnap{vals.snapshot()}); err != nil {
			t.Fatal(err)
		}
		r.Release()
	}
	b.Release()
	if err := pw.close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "s.parquet")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tbl, rdr := readTable(t, path)
	defer tbl.Release()
	var got []string
	for _, ch := range tbl.Column(0).Data().Chunks() {
		s := ch.(*array.String)
		for i := range s.Len() {
			if s.IsNull(i) {
				got = append(got, "null")
			} else {
				got = append(got, s.Value(i))
			}
		}
	}
	if want := "zzz x yy yy null x"; strings.Join(got, " ") != want {
		t.Errorf("read back %q, want %q", strings.Join(got, " "), want)
	}
	if n := rdr.NumRowGroups(); n != 2 {
		t.Errorf("%d row groups, want 2 (3 rows each)", n)
	}
}
