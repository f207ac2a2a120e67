package parquet

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/schema"
	"github.com/pcapflow/pcapflow/pipeline"
)

func TestRoundTrip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	inputs := &pipeline.Inputs{}
	in := inputs.Add(&pipeline.Input{Name: "synthetic.pcap"})
	const n = 250
	ts0 := time.Date(2026, 11, 21, 10, 0, 0, 123456789, time.UTC).UnixNano()
	s, err := New(Options{Dir: dir, Inputs: inputs, RowsPerRowGroup: 100, Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Consume(context.Background(), synthBatch(n, ts0, 1001, in)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(false); err != nil {
		t.Fatal(err)
	}
	files := parquetFiles(t, dir)
	want := []string{filepath.Join(dir, "flows", "part-000000.parquet"), filepath.Join(dir, "packets", "part-000000.parquet")}
	if strings.Join(files, "\n") != strings.Join(want, "\n") {
		t.Fatalf("files:\n%s\nwant:\n%s", strings.Join(files, "\n"), strings.Join(want, "\n"))
	}

	tbl, rdr := readTable(t, want[1])
	defer tbl.Release()
	if tbl.NumRows() != n {
		t.Errorf("packets rows = %d, want %d", tbl.NumRows(), n)
	}
	if rdr.NumRowGroups() != 3 {
		t.Errorf("row groups = %d, want 3 (100 rows each)", rdr.NumRowGroups())
	}
	if cc := rdr.MetaData().RowGroup(0).NumRows(); cc != 100 {
		t.Errorf("first row group has %d rows", cc)
	}
	// The timestamp column is TIMESTAMP(NANOS, isAdjustedToUTC=true).
	col := rdr.MetaData().Schema.Column(0)
	ts, ok := col.LogicalType().(schema.TimestampLogicalType)
	if !ok || ts.TimeUnit() != schema.TimeUnitNanos || ts.IsAdjustedToUTC() {
		t.Errorf("ts logical type = %v", col.LogicalType())
	}
	if cm, _ := rdr.MetaData().RowGroup(0).ColumnChunk(0); cm.Compression() != compress.Codecs.Zstd {
		t.Errorf("compression = %v, want zstd", cm.Compression())
	}
	row := 0
	for _, c := range column(t, tbl, "ts") {
		for i := 0; i < c.Len(); i++ {
			if got := int64(c.(*array.Timestamp).Value(i)); got != ts0+int64(row)*1001 {
				t.Fatalf("row %d ts = %d, want %d", row, got, ts0+int64(row)*1001)
			}
			row++
		}
	}
	checks := []struct {
		col  string
		want string
	}{
		{"src_ip", "10.0.0.1"}, {"dst_ip", "10.0.0.2"}, {"source_file", "synthetic.pcap"},
		{"eth_src", "00:01:02:03:04:05"}, {"direction", "orig"}, {"community_id", "1:"},
	}
	for _, c := range checks {
		a := column(t, tbl, c.col)[0].(*array.String)
		if !strings.HasPrefix(a.Value(0), c.want) {
			t.Errorf("%s[0] = %q, want %q", c.col, a.Value(0), c.want)
		}
	}
	flowIDs := column(t, tbl, "flow_id")[0].(*array.Uint64)
	if flowIDs.Value(0) != 1 || flowIDs.Value(1) != 2 || flowIDs.Value(3) != 1 {
		t.Errorf("flow ids %v %v %v, want 1 2 1", flowIDs.Value(0), flowIDs.Value(1), flowIDs.Value(3))
	}
	if !column(t, tbl, "vlan_outer")[0].IsNull(0) || column(t, tbl, "tcp_seq")[0].IsNull(0) {
		t.Errorf("nullability of vlan_outer/tcp_seq wrong")
	}

	ft, _ := readTable(t, want[0])
	defer ft.Release()
	if ft.NumRows() != 3 {
		t.Fatalf("flows rows = %d, want 3", ft.NumRows())
	}
	pk := column(t, ft, "orig_pkts")[0].(*array.Uint64)
	var total uint64
	for i := 0; i < pk.Len(); i++ {
		total += pk.Value(i)
	}
	if total != n {
		t.Errorf("flow packets sum = %d, want %d", total, n)
	}
	if st := column(t, ft, "conn_state")[0].(*array.String).Value(0); st != "OTH" {
		t.Errorf("conn_state = %s, want OTH (midstream ACKs)", st)
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, part := range []string{PartitionNone, PartitionHour} {
		t.Run(part, func(t *testing.T) {
			dir := t.TempDir()
			s, err := New(Options{Dir: dir, Partition: part, RowsPerRowGroup: 50, MaxOpenFiles: 1, Allocator: mem})
			if err != nil {
				t.Fatal(err)
			}
			// 3 hours of packets: with one open file, two are finished
			// (footer written) before the abort; none may stay.
			if err := s.Consume(context.Background(), synthBatch(300, 0, int64(36*time.Second), 0)); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(true); err != nil {
				t.Fatal(err)
			}
			var left []string
			filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					left = append(left, p)
				}
				return err
			})
			if len(left) != 0 {
				t.Errorf("aborted run left files: %v", left)
			}
		})
	}
}

func TestPartitioning(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	day := time.Date(2026, 11, 21, 22, 30, 0, 0, time.UTC).UnixNano()
	tests := []struct {
		part string
		want []string // packets files relative to DIR/packets
	}{
		{PartitionNone, []string{"part-000000.parquet"}},
		{PartitionDate, []string{"date=2026-11-21/part-000000.parquet", "date=2026-11-22/part-000000.parquet"}},
		{PartitionHour, []string{"date=2026-11-21/hour=22/part-000000.parquet", "date=2026-11-21/hour=23/part-000000.parquet", "date=2026-11-22/hour=00/part-000000.parquet"}},
	}
	for _, tt := range tests {
		t.Run(tt.part, func(t *testing.T) {
			dir := t.TempDir()
			// 150 packets 1 minute apart from 22:30: 22:30..00:59.
			s, err := New(Options{Dir: dir, Partition: tt.part, Tables: []string{"packets"}, MaxOpenFiles: 1, Allocator: mem})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Consume(context.Background(), synthBatch(150, day, int64(time.Minute), 0)); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(false); err != nil {
				t.Fatal(err)
			}
			files := parquetFiles(t, filepath.Join(dir, "packets"))
			var rel []string
			var rows int64
			for _, f := range files {
				r, _ := filepath.Rel(filepath.Join(dir, "packets"), f)
				rel = append(rel, filepath.ToSlash(r))
				tbl, _ := readTable(t, f)
				rows += tbl.NumRows()
				// Every row of a partition lies in it.
				for _, c := range column(t, tbl, "ts") {
					for i := 0; i < c.Len(); i++ {
						ts := int64(c.(*array.Timestamp).Value(i))
						if d := partitionDir(tt.part, bucketOf(tt.part, ts)); !strings.HasPrefix(filepath.ToSlash(r), filepath.ToSlash(d)) {
							t.Errorf("%s holds a row of %s", r, d)
						}
					}
				}
				tbl.Release()
			}
			if strings.Join(rel, " ") != strings.Join(tt.want, " ") {
				t.Errorf("files %v, want %v", rel, tt.want)
			}
			if rows != 150 {
				t.Errorf("rows = %d, want 150", rows)
			}
		})
	}
}

func TestOptionsErrors(t *testing.T) {
	tests := []Options{
		{Dir: "x", Partition: "week"},
		{Dir: "x", Tables: []string{"nope"}},
		{},
	}
	for _, o := range tests {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) succeeded", o)
		}
	}
}

func TestEmptyTableStillWritten(t *testing.T) {
	dir := t.TempDir()
	s, err := New(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(false); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"packets", "flows"} {
		tbl, _ := readTable(t, filepath.Join(dir, name, "part-000000.parquet"))
		if tbl.NumRows() != 0 || !sameFields(tbl.Schema(), mustSchema(name)) {
			t.Errorf("%s: %d rows, schema %v", name, tbl.NumRows(), tbl.Schema())
		}
		tbl.Release()
	}
}

// sameFields compares names, types and nullability (not field metadata,
// which the Parquet round trip adds).
func sameFields(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i := range a.Fields() {
		x, y := a.Field(i), b.Field(i)
		if x.Name != y.Name || !arrow.TypeEqual(x.Type, y.Type) || x.Nullable != y.Nullable {
			return false
		}
	}
	return true
}

func mustSchema(name string) *arrow.Schema { return tableMakers[name]().Schema() }

func BenchmarkSinkPackets(b *testing.B) {
	dir := b.TempDir()
	s, err := New(Options{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	batch := synthBatch(1024, 0, 1000, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range batch.Packets {
			batch.Packets[j].Timestamp += 1024 * 1000
		}
		if err := s.Consume(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*1024)/b.Elapsed().Seconds(), "rows/s")
	if err := s.Close(false); err != nil {
		b.Fatal(err)
	}
}

func TestConsumeAllocs(t *testing.T) {
	// One record is recordRows rows (recordRows/1024 batches of 1024 packets).
	const perRecord = recordRows / 1024
	tests := []struct {
		name string
		// skip batches are consumed first: after one full record the
		// builders are reserved for the next ones.
		skip, batches int
		max           float64 // allocations per packet
	}{
		{"append, first record", 1, perRecord - 2, 0.01},
		{"append, steady state", perRecord + 1, perRecord / 2, 0.001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Options{Dir: t.TempDir(), RowsPerRowGroup: MaxRowsPerRowGroup})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close(true)
			batch := synthBatch(1024, 0, 1000, 0)
			ctx := context.Background()
			consume := func() {
				for j := range batch.Packets {
					batch.Packets[j].Timestamp += 1024 * 1000
				}
				if err := s.Consume(ctx, batch); err != nil {
					t.Fatal(err)
				}
			}
			for range tt.skip {
				consume()
			}
			s.waitEncoders()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range tt.batches {
				consume()
			}
			runtime.ReadMemStats(&after)
			if per := float64(after.Mallocs-before.Mallocs) / float64(tt.batches*1024); per > tt.max {
				t.Errorf("%.4f allocations per packet, want <= %g", per, tt.max)
			}
		})
	}
}

// TestEncodeAllocs checks that encoding allocates per file, row group,
// record and page, not per row: a run of 5 records allocates little more
// than a run of 1 (the difference, per row, stays far below one).
func TestEncodeAllocs(t *testing.T) {
	const perRecord = recordRows / 1024
	mallocs := func(records int) uint64 {
		batch := synthBatch(1024, 0, 1000, 0)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s, err := New(Options{Dir: t.TempDir(), Tables: []string{"packets"}, RowsPerRowGroup: MaxRowsPerRowGroup})
		if err != nil {
			t.Fatal(err)
		}
		for range records * perRecord {
			for j := range batch.Packets {
				batch.Packets[j].Timestamp += 1024 * 1000
			}
			if err := s.Consume(context.Background(), batch); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Close(false); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.Mallocs - before.Mallocs
	}
	one, five := mallocs(1), mallocs(5)
	added := float64(int64(five)-int64(one)) / 4
	t.Logf("1 record: %d allocations, 5 records: %d (%.0f per record of %d rows)", one, five, added, recordRows)
	// About 20 allocations per column and record (each record ends a page
	// of every column), 33 under the race detector; and arrow-go's
	// DELTA_BINARY_PACKED encoder allocates a one-byte slice per miniblock
	// of 32 values (its bit writer's WriteAt takes a []byte that escapes),
	// so one per 32 rows of each delta-encoded column. Nothing allocates
	// per row.
	delta := 0
	for _, f := range packetsSchema.Fields() {
		if deltaEncoded(f, true) {
			delta++
		}
	}
	want := float64(48*len(packetsSchema.Fields()) + delta*recordRows/32)
	if added > want || added > recordRows/4 {
		t.Errorf("%.0f allocations per record, want <= %.0f", added, want)
	}
}

// TestWriteErrorReported makes the packets file fail under the encoder (its
// descriptor closed, as on a vanished disk): the error names the file, no
// goroutine is left blocked, and no packets file remains. (No checked
// allocator here: when a row group fails to reach the disk, arrow-go
// leaves the buffers of its remaining columns to the garbage collector.)
func TestWriteErrorReported(t *testing.T) {
	dir := t.TempDir()
	s, err := New(Options{Dir: dir, Tables: []string{"packets"}, RowsPerRowGroup: 100})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Consume(ctx, synthBatch(50, 0, 1000, 0)); err != nil {
		t.Fatal(err)
	}
	s.packets[0].last.enc.af.File().Close()
	// Row groups of 100 rows are written out as the next ones start, so
	// the encoder meets the error while rows keep coming.
	var errs []error
	for range 20 {
		if err := s.Consume(ctx, synthBatch(100, 0, 1000, 0)); err != nil {
			errs = append(errs, err)
			break
		}
	}
	errs = append(errs, s.Close(false))
	err = joinErrs(errs)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "packets", "part-000000.parquet")) {
		t.Fatalf("error = %v, want one naming the packets file", err)
	}
	if files := parquetFiles(t, dir); len(files) != 0 {
		t.Errorf("files left after a failed write: %v", files)
	}
}

// TestFailedRunCommitsNothing makes one table's file fail (as on a full
// disk) in a run over an existing dataset with ExistingOverwrite: the run
// reports the error and renames none of its files, so the dataset stays
// as it was, every table of it, byte for byte.
func TestFailedRunCommitsNothing(t *testing.T) {
	dir := t.TempDir()
	tables := []string{"packets", "flows"}
	first, err := New(Options{Dir: dir, Tables: tables})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := first.Consume(ctx, synthBatch(30, 0, 1000, 0)); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(false); err != nil {
		t.Fatal(err)
	}
	before := map[string][]byte{}
	for _, p := range parquetFiles(t, dir) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		before[p] = b
	}
	if len(before) != len(tables) {
		t.Fatalf("first run wrote %d files, want %d", len(before), len(tables))
	}

	s, err := New(Options{Dir: dir, Tables: tables, IfExists: ExistingOverwrite})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Consume(ctx, synthBatch(50, 0, 1000, 0)); err != nil {
		t.Fatal(err)
	}
	// The packets file fails when its footer is written; the flows file
	// would be complete.
	s.packets[0].last.enc.af.File().Close()
	err = s.Close(false)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "packets", "part-000000.parquet")) {
		t.Fatalf("error = %v, want one naming the packets file", err)
	}
	after := parquetFiles(t, dir)
	if len(after) != len(before) {
		t.Fatalf("files after the failed run: %v", after)
	}
	for _, p := range after {
		if b, err := os.ReadFile(p); err != nil || !bytes.Equal(b, before[p]) {
			t.Errorf("%s changed by the failed run (%d bytes, was %d; %v)", p, len(b), len(before[p]), err)
		}
	}
}
