package parquet

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// BenchmarkAppendPacket measures the packets table's row building alone
// (no encoding): rows appended to builders reserved for a record, with
// buffers recycled from record to record, as the sink's goroutine does.
func BenchmarkAppendPacket(b *testing.B) {
	mem := newRecycler(memory.NewGoAllocator())
	defer mem.release()
	rb := array.NewRecordBuilder(mem, indexSchema(packetsSchema, packetsTable{}.dictColumns()))
	defer rb.Release()
	a := packetsTable{}.BindPackets(rb)
	batch := synthBatch(1024, 0, 1000, 0)
	pc := &PacketContext{FlowID: 7, Dir: 1, CommunityID: "1:LQU9qZlK+B5F3KDmev6m5PMibrg=", SourceFile: "/data/captures/2024/01/01/site-a/core-network-probe-7.pcap"}
	rb.Reserve(recordRows)
	rows := 0
	b.ReportAllocs()
	for b.Loop() {
		if rows+len(batch.Packets) > recordRows {
			rb.NewRecordBatch().Release()
			rb.Reserve(recordRows)
			rows = 0
		}
		for j := range batch.Packets {
			p := &batch.Packets[j]
			a.AppendPacket(p, batch.Bytes(p), pc)
		}
		rows += len(batch.Packets)
	}
	b.ReportMetric(float64(b.N*len(batch.Packets))/b.Elapsed().Seconds(), "rows/s")
}
