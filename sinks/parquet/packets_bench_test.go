package parquet

import (
	"net/netip"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/pcapflow/pcapflow/decoders/flows"
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
			a.Sync()
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

// BenchmarkAppendFlow measures the flows table's row building alone (no
// encoding), with buffers recycled from record to record as in a run.
func BenchmarkAppendFlow(b *testing.B) {
	mem := newRecycler(memory.NewGoAllocator())
	defer mem.release()
	rb := array.NewRecordBuilder(mem, flowsSchema)
	defer rb.Release()
	a := flowsTable{}.BindFlows(rb)
	recs := sampleFlowRecords()
	rb.Reserve(recordRows)
	rows := 0
	b.ReportAllocs()
	for b.Loop() {
		if rows+len(recs) > recordRows {
			rb.NewRecordBatch().Release()
			rb.Reserve(recordRows)
			rows = 0
		}
		for i := range recs {
			a.AppendFlow(&recs[i], "/data/captures/2024/01/01/site-a/core-network-probe-7.pcap")
		}
		rows += len(recs)
	}
	b.ReportMetric(float64(b.N*len(recs))/b.Elapsed().Seconds(), "rows/s")
}

// sampleFlowRecords returns flow records of the kinds a capture has: TCP
// with a timeline and RTTs, UDP with and without a service.
func sampleFlowRecords() []flows.Record {
	var recs []flows.Record
	for i := range 64 {
		r := flows.Record{ID: uint64(i + 1), CommunityID: "1:LQU9qZlK+B5F3KDmev6m5PMibrg=", First: int64(i) * 1e6, Last: int64(i)*1e6 + 5e8,
			Orig: netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), Resp: netip.AddrFrom4([4]byte{192, 0, 2, byte(i)}),
			OrigPort: uint16(40000 + i), RespPort: 443, Proto: 6, ConnState: "SF", History: "ShADadFf", EndReason: "fin",
			SynAckRTT: 1000, AckRTT: 2000, HandshakeRTT: 3000, FirstFrame: uint64(i)}
		r.OrigSide.Packets, r.RespSide.Packets, r.OrigSide.Bytes, r.RespSide.Bytes = 10, 12, 800, 15000
		switch i % 4 {
		case 1:
			r.Proto, r.RespPort, r.ConnState, r.History, r.Service = 17, 53, "SF", "Dd", "dns"
			r.SynAckRTT, r.AckRTT, r.HandshakeRTT = -1, -1, -1
		case 2:
			r.Proto, r.RespPort, r.ConnState, r.History = 17, 5004, "S0", "D"
			r.SynAckRTT, r.AckRTT, r.HandshakeRTT = -1, -1, -1
		}
		recs = append(recs, r)
	}
	return recs
}
