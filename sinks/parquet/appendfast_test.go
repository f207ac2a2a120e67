package parquet

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestFastAppendsEqualAppend builds every column type with the fast
// appenders, through reserved room and past it (where they grow the
// builder), with nulls, and checks the arrays equal those built with
// Append and AppendNull.
func TestFastAppendsEqualAppend(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		field("ts", timestampNS, true), field("u64", u64, true), field("i64", i64, true),
		field("u32", u32, true), field("u16", u16, true), field("u8", u8, true),
		field("b", boolean, true), field("s", str, true), field("bytes", str, true),
	}, nil)
	fast, slow := array.NewRecordBuilder(mem, schema), array.NewRecordBuilder(mem, schema)
	defer fast.Release()
	defer slow.Release()
	fast.Reserve(100) // the rest goes through the growing path
	f, s := fast.Fields(), slow.Fields()
	for i := range 1000 {
		null := i%7 == 3
		text := fmt.Sprintf("value-%d-%s", i, string(make([]byte, i%40)))
		putTS(f[0].(*array.TimestampBuilder), arrow.Timestamp(i))
		s[0].(*array.TimestampBuilder).Append(arrow.Timestamp(i))
		if null {
			nullU64(f[1].(*array.Uint64Builder))
			f[2].AppendNull()
			nullU32(f[3].(*array.Uint32Builder))
			nullU16(f[4].(*array.Uint16Builder))
			nullU8(f[5].(*array.Uint8Builder))
			f[6].AppendNull()
			f[7].AppendNull()
			f[8].AppendNull()
			for _, b := range s[1:] {
				b.AppendNull()
			}
			continue
		}
		putU64(f[1].(*array.Uint64Builder), uint64(i)<<40)
		putI64(f[2].(*array.Int64Builder), -int64(i))
		putU32(f[3].(*array.Uint32Builder), uint32(i)*7919)
		putU16(f[4].(*array.Uint16Builder), uint16(i))
		putU8(f[5].(*array.Uint8Builder), uint8(i))
		putBool(f[6].(*array.BooleanBuilder), i%2 == 0)
		putString(f[7].(*array.StringBuilder), text)
		putBytes(f[8].(*array.StringBuilder), []byte(text))
		s[1].(*array.Uint64Builder).Append(uint64(i) << 40)
		s[2].(*array.Int64Builder).Append(-int64(i))
		s[3].(*array.Uint32Builder).Append(uint32(i) * 7919)
		s[4].(*array.Uint16Builder).Append(uint16(i))
		s[5].(*array.Uint8Builder).Append(uint8(i))
		s[6].(*array.BooleanBuilder).Append(i%2 == 0)
		s[7].(*array.StringBuilder).Append(text)
		s[8].(*array.StringBuilder).Append(text)
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

// TestAppendPacketAllocs checks that a packet row allocates nothing, with
// a source file name longer than the compiler's stack buffer for string
// conversions.
func TestAppendPacketAllocs(t *testing.T) {
	mem := newRecycler(memory.NewGoAllocator())
	defer mem.release()
	rb := array.NewRecordBuilder(mem, packetsSchema)
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
