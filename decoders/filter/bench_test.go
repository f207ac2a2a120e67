package filter

import (
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/pipeline"
)

// BenchmarkMatch measures one Match on an Ethernet/IPv4/TCP frame.
func BenchmarkMatch(b *testing.B) {
	fx := fixtureByName("eth-tcp-ack-443")
	for _, bm := range []struct{ name, expr string }{
		{"simple", "tcp port 80"},
		{"host-ports", "host 10.0.0.1 and (port 53 or port 443)"},
		{"bytes", "tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-ack"},
	} {
		f := MustCompile(bm.expr)
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f.Match(fx.data, fx.link, nil)
			}
		})
	}
}

// benchBatch fills a batch with 1024 frames cycling through the fixtures.
func benchBatch() *pipeline.Batch {
	bt := pipeline.NewBatch(1024, 1<<20)
	for i := 0; i < 1024; i++ {
		fx := fixtures[i%(len(fixtures)-1)] // skip the empty frame
		bt.AddCopy(pipeline.CaptureInfo{Frame: uint64(i + 1), LinkType: fx.link, OrigLen: uint32(len(fx.data))}, fx.data)
	}
	return bt
}

// BenchmarkDecodeFilter compares decoding a batch with decoding and then
// filtering it (without dropping, so every iteration sees the same batch);
// the "filter-cost-%" metric is the extra time in percent.
func BenchmarkDecodeFilter(b *testing.B) {
	bt := benchBatch()
	dec := decoders.NewDecoder(decoders.Options{})
	decode := func() {
		for i := range bt.Packets {
			p := &bt.Packets[i]
			dec.Decode(bt.Bytes(p), p.LinkType, p.OrigLen, &p.Decoded)
		}
	}
	var base float64
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			decode()
		}
		base = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(float64(b.N*len(bt.Packets))/b.Elapsed().Seconds(), "pkts/s")
	})
	for _, bm := range []struct{ name, expr string }{
		{"decode+tcp-port-80", "tcp port 80"},
		{"decode+host-ports", "host 10.0.0.1 and (port 53 or port 443)"},
		{"decode+bytes", "tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-ack"},
	} {
		f := MustCompile(bm.expr)
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				decode()
				for i := range bt.Packets {
					if f.MatchPacket(bt, &bt.Packets[i]) {
						n++
					}
				}
			}
			per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(float64(b.N*len(bt.Packets))/b.Elapsed().Seconds(), "pkts/s")
			if base > 0 {
				b.ReportMetric(100*(per-base)/base, "filter-cost-%")
			}
		})
	}
}
