package parquet

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pqfile "github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/pcapflow/pcapflow/pipeline"
)

// packetRecords builds n rows of the packets table in records of per rows:
// a mix of IPv4/IPv6, TCP/UDP/non-IP rows, so nullable columns have runs
// of nulls and values.
func packetRecords(t *testing.T, mem memory.Allocator, n, per int) []arrow.RecordBatch {
	t.Helper()
	b := array.NewRecordBuilder(mem, packetsSchema)
	defer b.Release()
	app := packetsTable{}.BindPackets(b)
	var recs []arrow.RecordBatch
	for i := range n {
		var p pipeline.Packet
		p.Timestamp, p.Frame, p.CapLen, p.OrigLen = int64(i)*1_000_003, uint64(i+1), 60, 60
		d := &p.Decoded
		switch i % 5 {
		case 0, 1:
			d.Layers = pipeline.LayerEthernet | pipeline.LayerIPv4 | pipeline.LayerTCP
			d.IP = pipeline.Flow{Src: netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), Dst: netip.MustParseAddr("192.0.2.1"), SrcPort: uint16(i), DstPort: 443, Proto: 6}
			d.TCPFlags, d.TCPSeq, d.TCPAck = pipeline.TCPAck, uint32(i)*7919, 1
		case 2:
			d.Layers = pipeline.LayerEthernet | pipeline.LayerIPv6 | pipeline.LayerUDP
			d.IP = pipeline.Flow{Src: netip.MustParseAddr("2001:db8::1"), Dst: netip.MustParseAddr("2001:db8::2"), SrcPort: 53, DstPort: uint16(i), Proto: 17}
		case 3:
			d.Layers = pipeline.LayerEthernet
		case 4:
			d.Layers = pipeline.LayerEthernet | pipeline.LayerIPv4 | pipeline.LayerUDP | pipeline.LayerGTPU | pipeline.LayerInnerIPv4 | pipeline.LayerInnerTCP
			d.IP = pipeline.Flow{Src: netip.MustParseAddr("10.1.0.1"), Dst: netip.MustParseAddr("10.1.0.2"), SrcPort: 2152, DstPort: 2152, Proto: 17}
			d.TEID = uint32(i)
			d.Inner = pipeline.Flow{Src: netip.MustParseAddr("100.64.0.9"), Dst: netip.MustParseAddr("198.51.100.7"), SrcPort: 40000, DstPort: 80, Proto: 6}
		}
		ctx := PacketContext{SourceFile: "a.pcap", FlowID: uint64(i % 7), CommunityID: fmt.Sprintf("1:%d", i%7)}
		app.AppendPacket(&p, nil, &ctx)
		if (i+1)%per == 0 || i == n-1 {
			app.Sync()
			recs = append(recs, b.NewRecordBatch())
		}
	}
	return recs
}

// TestParallelWriterMatchesPqarrow writes the same records with the
// column-parallel writer and with pqarrow's FileWriter. When every row
// group is one record the files must be identical byte for byte (same
// schema, metadata, pages, statistics); otherwise the parallel writer also
// cuts a page at each record's end, and the files must hold the same row
// groups and values.
func TestParallelWriterMatchesPqarrow(t *testing.T) {
	tests := []struct {
		name          string
		rows, per, rg int
		samePages     bool
	}{
		{"one record", 1000, 1000, 4096, true},
		{"records straddle row groups", 5000, 700, 1500, false},
		{"record per row group", 3000, 1000, 1000, true},
		{"empty", 0, 1, 100, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			o := Options{RowsPerRowGroup: tt.rg, Allocator: mem, plainInts: true}
			o.fill()
			recs := packetRecords(t, mem, tt.rows, tt.per)
			defer func() {
				for _, r := range recs {
					r.Release()
				}
			}()
			write := func(parallel bool) []byte {
				var buf bytes.Buffer
				props := writerProperties(packetsSchema, &o)
				var rw recordWriter
				if parallel {
					arrProps := pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem))
					pw, err := newParallelWriter(&buf, packetsSchema, props, arrProps, tt.rg, nil)
					if err != nil {
						t.Fatal(err)
					}
					rw = pw
				} else {
					fw, err := pqarrow.NewFileWriter(packetsSchema, &buf, props,
						pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem)))
					if err != nil {
						t.Fatal(err)
					}
					rw = &serialWriter{fw: fw, maxRows: tt.rg}
				}
				writeRecords(t, rw, recs)
				return buf.Bytes()
			}
			par, ser := write(true), write(false)
			if tt.samePages && !bytes.Equal(par, ser) {
				t.Errorf("parallel writer: %d bytes, pqarrow: %d bytes, contents differ", len(par), len(ser))
			}
			rdr, err := pqfile.NewParquetReader(bytes.NewReader(par))
			if err != nil {
				t.Fatal(err)
			}
			defer rdr.Close()
			if want := (tt.rows + tt.rg - 1) / tt.rg; rdr.NumRowGroups() != want {
				t.Errorf("%d row groups, want %d", rdr.NumRowGroups(), want)
			}
			// Read on Go's allocator: see readTable.
			fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
			if err != nil {
				t.Fatal(err)
			}
			tbl, err := fr.ReadTable(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer tbl.Release()
			if tbl.NumRows() != int64(tt.rows) || !sameFields(tbl.Schema(), packetsSchema) {
				t.Fatalf("read back %d rows, schema %v", tbl.NumRows(), tbl.Schema())
			}
			// Every value survives: compare with the records written.
			tr := array.NewTableReader(tbl, int64(max(tt.rows, 1)))
			defer tr.Release()
			if tt.rows > 0 && tr.Next() {
				got := tr.RecordBatch()
				row := int64(0)
				for _, r := range recs {
					sl := got.NewSlice(row, row+r.NumRows())
					if !array.RecordEqual(sl, r) {
						t.Errorf("rows %d..%d differ after the round trip", row, row+r.NumRows())
					}
					sl.Release()
					row += r.NumRows()
				}
			}
		})
	}
}

// TestDefLevels checks the definition levels read from validity bitmaps
// against IsValid, on whole and sliced columns (offsets that are not a
// multiple of 8) with no nulls, only nulls and a mix.
func TestDefLevels(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := array.NewUint16Builder(mem)
	defer b.Release()
	for _, valid := range []func(int) bool{
		func(int) bool { return true },
		func(int) bool { return false },
		func(i int) bool { return i%3 != 0 && i%7 != 2 },
	} {
		for i := range 100 {
			if valid(i) {
				b.Append(uint16(i))
			} else {
				b.AppendNull()
			}
		}
		whole := b.NewArray()
		for _, r := range [][2]int64{{0, 100}, {3, 100}, {5, 61}, {13, 13}} {
			col := array.NewSlice(whole, r[0], r[1])
			def := defLevels(make([]int16, 7), col)
			if len(def) != col.Len() {
				t.Fatalf("slice %v: %d levels for %d rows", r, len(def), col.Len())
			}
			for j := range def {
				want := int16(0)
				if col.IsValid(j) {
					want = 1
				}
				if def[j] != want {
					t.Fatalf("slice %v row %d: level %d, want %d", r, j, def[j], want)
				}
			}
			col.Release()
		}
		whole.Release()
	}
}
