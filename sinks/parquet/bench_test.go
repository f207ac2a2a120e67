package parquet

import (
	"context"
	"net/netip"
	"runtime"
	"testing"
)

// BenchmarkSinkPacketsManyAddrs writes packets whose addresses, ports and
// sequence numbers all differ (high-cardinality columns), with row groups
// flushed during the run, the case where Parquet dictionary encoders cost
// the most.
func BenchmarkSinkPacketsManyAddrs(b *testing.B) {
	s, err := New(Options{Dir: b.TempDir(), Tables: []string{"packets"}, RowsPerRowGroup: MinRowsPerRowGroup})
	if err != nil {
		b.Fatal(err)
	}
	batch := synthBatch(1024, 0, 1000, 0)
	b.ReportAllocs()
	b.ResetTimer()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var n uint32
	for i := 0; i < b.N; i++ {
		for j := range batch.Packets {
			p := &batch.Packets[j]
			p.Timestamp += 1024 * 1000
			n++
			d := &p.Decoded
			d.IP.Src = netip.AddrFrom4([4]byte{10, byte(n >> 16), byte(n >> 8), byte(n)})
			d.IP.Dst = netip.AddrFrom4([4]byte{172, 16 + byte(n>>16&15), byte(n >> 8), byte(n)})
			d.IP.SrcPort = uint16(n)
			d.TCPSeq = n * 2654435761
		}
		if err := s.Consume(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(false); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*1024)/b.Elapsed().Seconds(), "rows/s")
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N*1024), "allocs/row")
}
