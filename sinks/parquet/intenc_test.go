package parquet

import (
	"context"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/pipeline"
)

// TestIntegerColumnEncodings exports a generated mix and a PFCP + GTP-U
// capture with every table and checks the encodings of each file's
// integer columns: in the flat tables, the 8-byte ones are
// DELTA_BINARY_PACKED (see deltaEncoded), the 4-byte ones of plainColumns
// PLAIN without a dictionary, and no other 4-byte one PLAIN (dictionary
// or delta, see intdict.go); and the tables read back with the same rows
// as an export whose 8-byte columns are plain (Options.plainInt64).
func TestIntegerColumnEncodings(t *testing.T) {
	for _, src := range []pipeline.Source{
		generators.Mix{Packets: 20_000, Pairs: 300, Flows: 2_000, Rate: 2_000, Seed: 4},
		generators.PFCPScenario{Sessions: 300, UserPlane: 4, Seed: 3},
	} {
		var tables [2]map[string]arrow.Table
		for i, plain := range []bool{false, true} {
			dir := t.TempDir()
			s, err := New(Options{Dir: dir, Tables: TableNames(), plainInt64: plain})
			if err != nil {
				t.Fatal(err)
			}
			g := &pipeline.Graph{Source: src, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{})},
				Sinks: []pipeline.Sink{s}, Workers: 2}
			if _, err := g.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			tables[i] = map[string]arrow.Table{}
			for _, path := range parquetFiles(t, dir) {
				tbl, rdr := readTable(t, path)
				tables[i][path[len(dir):]] = tbl
				if plain {
					continue
				}
				flat := true
				for _, f := range tbl.Schema().Fields() {
					if _, nested := f.Type.(arrow.NestedType); nested {
						flat = false
					}
				}
				md := rdr.MetaData()
				for rg := 0; rg < md.NumRowGroups(); rg++ {
					for c := 0; c < md.NumColumns(); c++ {
						cc, err := md.RowGroup(rg).ColumnChunk(c)
						if err != nil {
							t.Fatal(err)
						}
						name := cc.PathInSchema().String()
						if cc.NumValues() == 0 || !flat {
							continue
						}
						delta := slices.Contains(cc.Encodings(), parquet.Encodings.DeltaBinaryPacked)
						plainPages := false
						for _, st := range cc.EncodingStats() {
							if st.PageType.String() == "DATA_PAGE" && st.Encoding == parquet.Encodings.Plain {
								plainPages = true
							}
						}
						switch cc.Type() {
						case parquet.Types.Int64:
							if !delta {
								t.Errorf("%s: column %s: encodings %v", path, name, cc.Encodings())
							}
						case parquet.Types.Int32:
							if plainPages != plainColumns[name] || (plainColumns[name] && cc.HasDictionaryPage()) {
								t.Errorf("%s: column %s: encodings %v, dictionary %v", path, name, cc.Encodings(), cc.HasDictionaryPage())
							}
						}
					}
				}
			}
		}
		if len(tables[0]) == 0 || len(tables[0]) != len(tables[1]) {
			t.Fatalf("%d and %d files", len(tables[0]), len(tables[1]))
		}
		for name, tbl := range tables[0] {
			other, ok := tables[1][name]
			if !ok || !array.TableEqual(tbl, other) {
				t.Errorf("%s: rows differ from the plain export", name)
			}
		}
	}
}
