package httpx

import (
	"context"
	"os"
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/decoders/tcpreasm"
	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
)

// collector keeps a decoded copy of the first max packets it is given.
type collector struct {
	batches []*pipeline.Batch
	n, max  int
}

func (c *collector) Name() string { return "collect" }

func (c *collector) Consume(_ context.Context, b *pipeline.Batch) error {
	n := pipeline.NewBatch(b.Len(), 1<<20)
	for i := range b.Packets {
		if c.n == c.max {
			break
		}
		c.n++
		p := &b.Packets[i]
		n.AddCopy(p.CaptureInfo, b.Bytes(p))
		n.Packets[i].Decoded = p.Decoded
	}
	c.batches = append(c.batches, n)
	return nil
}

func (c *collector) Close(bool) error { return nil }

// decodedCache keeps decoded traffic by name: the testing package calls
// a benchmark function more than once, and decoding is not what is
// measured.
var decodedCache = map[string][]*pipeline.Batch{}

// decoded returns the first max packets of src, decoded.
func decoded(b *testing.B, name string, src pipeline.Source, max int) []*pipeline.Batch {
	b.Helper()
	if d, ok := decodedCache[name]; ok {
		return d
	}
	col := &collector{max: max}
	g := &pipeline.Graph{Source: src, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{})}, Sinks: []pipeline.Sink{col}}
	if _, err := g.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
	decodedCache[name] = col.batches
	return col.batches
}

// BenchmarkSinkMix feeds the TCP packets of a decoded traffic mix to a new
// Sink, as the Parquet http table does (no retransmission history), and
// ends it. "generated" is a mix with HTTP on port 80 (and TCP with random
// payloads on 443); "capture" the first packets of the project's benchmark
// capture (bench/mix-100MiB.pcap, made by an older generator: no HTTP),
// when it is there.
func BenchmarkSinkMix(b *testing.B) {
	b.Run("generated", func(b *testing.B) {
		sinkMix(b, decoded(b, "generated", generators.Mix{Packets: 100_000, Seed: 1}, 100_000), true)
	})
	b.Run("capture", func(b *testing.B) {
		const path = "../../bench/mix-100MiB.pcap"
		if _, err := os.Stat(path); err != nil {
			b.Skip("no benchmark capture:", err)
		}
		src, err := input.NewSource([]string{path}, input.Options{})
		if err != nil {
			b.Fatal(err)
		}
		sinkMix(b, decoded(b, "capture", src, 100_000), false)
	})
}

func sinkMix(b *testing.B, batches []*pipeline.Batch, http bool) {
	var n, exchanges int64
	b.ReportAllocs()
	for b.Loop() {
		s, err := New(Options{Emit: func(*Exchange) error { exchanges++; return nil },
			Reassembly: tcpreasm.Options{History: -1}})
		if err != nil {
			b.Fatal(err)
		}
		n = 0
		for _, bt := range batches {
			for i := range bt.Packets {
				p := &bt.Packets[i]
				if !p.Decoded.Layers.Has(pipeline.LayerTCP) {
					continue
				}
				n++
				if err := s.Observe(p, bt.Bytes(p)); err != nil {
					b.Fatal(err)
				}
			}
		}
		if err := s.Close(false); err != nil {
			b.Fatal(err)
		}
	}
	if http && exchanges == 0 {
		b.Fatal("no HTTP exchange in the mix")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*n), "ns/tcp-packet")
}
