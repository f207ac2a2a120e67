package parquet

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestFastStringAppendsEqualAppend builds string columns with putString
// and putBytes, through reserved room and past it (where they grow the
// builder), with nulls, and checks the arrays equal those built with
// Append and AppendNull.
func TestFastStringAppendsEqualAppend(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{field("s", str, true), field("bytes", str, true)}, nil)
	fast, slow := array.NewRecordBuilder(mem, schema), array.NewRecordBuilder(mem, schema)
	defer fast.Release()
	defer slow.Release()
	fast.Reserve(100) // the rest goes through the growing path
	f, s := fast.Fields(), slow.Fields()
	for i := range 1000 {
		text := fmt.Sprintf("value-%d-%s", i, string(make([]byte, i%40)))
		if i%7 == 3 {
			for _, b := range append(f, s...) {
				b.AppendNull()
			}
			continue
		}
		putString(f[0].(*array.StringBuilder), text)
		putBytes(f[1].(*array.StringBuilder), []byte(text))
		s[0].(*array.StringBuilder).Append(text)
		s[1].(*array.StringBuilder).Append(text)
	}
	a, b := fast.NewRecordBatch(), slow.NewRecordBatch()
	defer a.Release()
	defer b.Release()
	for i := range a.Columns() {
		if !array.Equal(a.Column(i), b.Column(i)) || a.Column(i).NullN() != b.Column(i).NullN() {
			t.Errorf("column %s: fast appends give %v, Append gives %v", schema.Field(i).Name, a.Column(i), b.Column(i))
		}
	}
}

// TestAppendPacketHeld checks the packets appender's held rows: rows
// appended to builders reserved for all of them at once, synced once,
// equal rows appended from no room at all with records cut at odd places
// (after a Sync, as a file cuts them: within and across the held rows'
// batches) and builders grown from outside in between.
func TestAppendPacketHeld(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	pkts, pcs := dictRows(9000, 1000)
	for _, schema := range []*arrow.Schema{packetsSchema, indexSchema(packetsSchema, packetsTable{}.dictColumns())} {
		whole := array.NewRecordBuilder(mem, schema)
		whole.Reserve(len(pkts))
		wa := packetsTable{}.BindPackets(whole)
		cut := array.NewRecordBuilder(mem, schema)
		ca := packetsTable{}.BindPackets(cut)
		var parts []arrow.RecordBatch
		for i := range pkts {
			wa.AppendPacket(&pkts[i], nil, &pcs[i])
			ca.AppendPacket(&pkts[i], nil, &pcs[i])
			switch {
			case i%1777 == 1776:
				ca.Sync()
				parts = append(parts, cut.NewRecordBatch())
			case i%2500 == 7:
				cut.Reserve(5000)
			}
		}
		ca.Sync()
		parts = append(parts, cut.NewRecordBatch())
		wa.Sync()
		want := whole.NewRecordBatch()
		row := int64(0)
		for _, p := range parts {
			// Both appenders number dictionary values alike: the
			// indices compare too.
			sl := want.NewSlice(row, row+p.NumRows())
			if !array.RecordEqual(sl, p) {
				t.Errorf("%d columns: rows %d..%d differ", len(schema.Fields()), row, row+p.NumRows())
			}
			sl.Release()
			row += p.NumRows()
			p.Release()
		}
		if row != want.NumRows() || row != int64(len(pkts)) {
			t.Errorf("%d and %d rows, want %d", row, want.NumRows(), len(pkts))
		}
		want.Release()
		whole.Release()
		cut.Release()
	}
}

// TestAppendPacketAllocs checks that a packet row allocates nothing, with
// a source file name longer than the compiler's stack buffer for string
// conversions.
func TestAppendPacketAllocs(t *testing.T) {
	mem := newRecycler(memory.NewGoAllocator())
	defer mem.release()
	rb := array.NewRecordBuilder(mem, indexSchema(packetsSchema, packetsTable{}.dictColumns()))
	defer rb.Release()
	a := packetsTable{}.BindPackets(rb)
	batch := synthBatch(64, 0, 1000, 0)
	pc := &PacketContext{FlowID: 7, Dir: 1, CommunityID: "1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
		SourceFile: "/data/captures/2024/01/01/site-a/core-network-probe-7.pcap"}
	rb.Reserve(100 * len(batch.Packets))
	allocs := testing.AllocsPerRun(50, func() {
		for j := range batch.Packets {
			p := &batch.Packets[j]
			a.AppendPacket(p, batch.Bytes(p), pc)
		}
	})
	if allocs != 0 {
		t.Fatalf("%.1f allocations per %d packet rows, want 0", allocs, len(batch.Packets))
	}
}
