package parquet

import (
	"bytes"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	pqfile "github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// checkMatchesPlain checks the Parquet file at path, which a file of a
// table with dictionary columns dictCols wrote, against want, the same
// rows in plain records of schema: every column reads back equal, in
// schema, and every row group has the statistics, column by column, of
// the file the plain records make (options o, row groups of rg rows,
// rows in all); a dictionary column has a dictionary page, of
// RLE_DICTIONARY indices, where wantDict says (row group g, column name).
func checkMatchesPlain(t *testing.T, path string, schema *arrow.Schema, want []arrow.RecordBatch, o *Options, rows, rg int,
	mem memory.Allocator, dictCols []string, wantDict func(g int, name string) bool) {
	t.Helper()
	got, rdr := readTable(t, path)
	defer got.Release()
	if !sameFields(got.Schema(), schema) || got.NumRows() != int64(rows) {
		t.Fatalf("read back %d rows, schema %v", got.NumRows(), got.Schema())
	}
	for c, fld := range schema.Fields() {
		var parts []arrow.Array
		for _, r := range want {
			parts = append(parts, r.Column(c))
		}
		w, err := array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		g, err := array.Concatenate(column(t, got, fld.Name), memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		if !array.Equal(w, g) {
			t.Errorf("column %s differs from the plain column", fld.Name)
		}
		w.Release()
		g.Release()
	}

	// The plain file of the same records: same statistics, column by
	// column and row group by row group.
	var buf bytes.Buffer
	arrProps := pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem))
	pw, err := newParallelWriter(&buf, schema, writerProperties(schema, o), arrProps, rg, nil)
	if err != nil {
		t.Fatal(err)
	}
	writeRecords(t, pw, want)
	plain, err := pqfile.NewParquetReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if n := rdr.NumRowGroups(); n != plain.NumRowGroups() || n != (rows+rg-1)/rg {
		t.Fatalf("%d row groups, plain file %d", n, plain.NumRowGroups())
	}
	isDict := map[string]bool{}
	for _, c := range dictCols {
		isDict[c] = true
	}
	for g := range rdr.NumRowGroups() {
		rgd, rgp := rdr.MetaData().RowGroup(g), plain.MetaData().RowGroup(g)
		for c, fld := range schema.Fields() {
			cd, err := rgd.ColumnChunk(c)
			if err != nil {
				t.Fatal(err)
			}
			cp, err := rgp.ColumnChunk(c)
			if err != nil {
				t.Fatal(err)
			}
			sd, _ := cd.StatsSet()
			sp, _ := cp.StatsSet()
			if sd != sp {
				t.Errorf("row group %d column %s: statistics set %v, plain %v", g, fld.Name, sd, sp)
			} else if sd {
				a, _ := cd.Statistics()
				b, _ := cp.Statistics()
				ea, _ := a.Encode()
				eb, _ := b.Encode()
				if !bytes.Equal(ea.Min, eb.Min) || !bytes.Equal(ea.Max, eb.Max) || ea.NullCount != eb.NullCount || a.NumValues() != b.NumValues() {
					t.Errorf("row group %d column %s: statistics %q..%q %d nulls %d values, plain %q..%q %d nulls %d values",
						g, fld.Name, ea.Min, ea.Max, ea.NullCount, a.NumValues(), eb.Min, eb.Max, eb.NullCount, b.NumValues())
				}
			}
			if !isDict[fld.Name] {
				continue
			}
			if dictPage, want := cd.HasDictionaryPage(), wantDict(g, fld.Name); dictPage != want {
				t.Errorf("row group %d column %s: dictionary page %v, want %v (encodings %v)", g, fld.Name, dictPage, want, cd.Encodings())
			} else if dictPage && !hasEncoding(cd.Encodings(), parquet.Encodings.RLEDict) {
				t.Errorf("row group %d column %s: encodings %v", g, fld.Name, cd.Encodings())
			}
		}
	}
}

// writeDictAndPlain writes rows rows of table tbl through a file at path,
// as the sink does (its dictionary columns as indices): add appends row i
// to the appender of[f] gives and returns the rows it appended. It returns
// the same rows appended by add to an appender of tbl bound to plain
// builders by bind, in records of recordRows, which the caller releases.
func writeDictAndPlain(t *testing.T, path string, tbl Table, schema *arrow.Schema, o *Options, mem memory.Allocator, rows int,
	of func(f *file) any, bind func(b *array.RecordBuilder) any, add func(app any, i int) int) []arrow.RecordBatch {
	t.Helper()
	f, err := newFile(path, tbl, o, initialRows)
	if err != nil {
		t.Fatal(err)
	}
	if dc := tbl.(dictTable).dictColumns(); len(f.dicts) != len(dc) {
		t.Fatalf("%d dictionary columns bound, want %d", len(f.dicts), len(dc))
	}
	for i := range rows {
		if err := f.added(add(of(f), i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.seal(); err != nil {
		t.Fatal(err)
	}
	if err := f.enc.af.Commit(); err != nil {
		t.Fatal(err)
	}

	// The same rows, plain, in records of recordRows.
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	app := bind(b)
	if len(app.(dictAppender).dictionaries()) != 0 {
		t.Fatal("dictionaries bound to string builders")
	}
	var want []arrow.RecordBatch
	for i := range rows {
		add(app, i)
		if (i+1)%recordRows == 0 || i == rows-1 {
			app.(interface{ Sync() }).Sync()
			want = append(want, b.NewRecordBatch())
		}
	}
	return want
}
