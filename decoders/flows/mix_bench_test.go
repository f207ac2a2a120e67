package flows

import (
	"context"
	"sync"
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/pipeline"
)

// captured is a decoded capture held in memory: packets and their bytes,
// which lie back to back in one buffer as they do in a batch's arena.
type captured struct {
	pkts  []pipeline.Packet
	arena []byte
	ends  []int
}

// data returns the bytes of packet i.
func (c *captured) data(i int) []byte {
	start := 0
	if i > 0 {
		start = c.ends[i-1]
	}
	return c.arena[start:c.ends[i]:c.ends[i]]
}

// Name implements pipeline.Sink.
func (c *captured) Name() string { return "captured" }

// Consume implements pipeline.Sink: it copies every packet and its bytes.
func (c *captured) Consume(_ context.Context, b *pipeline.Batch) error {
	for i := range b.Packets {
		p := &b.Packets[i]
		c.pkts = append(c.pkts, *p)
		c.arena = append(c.arena, b.Bytes(p)...)
		c.ends = append(c.ends, len(c.arena))
	}
	return nil
}

// Close implements pipeline.Sink.
func (c *captured) Close(bool) error { return nil }

var (
	mixOnce sync.Once
	mixCap  captured
	mixErr  error
)

// decodedMix returns 100,000 packets of the default traffic mix (about
// 10,000 flows of TCP, DNS, media and ICMP, 2,000 open at a time, a tenth
// over IPv6), decoded as the parquet and stats commands decode them.
func decodedMix() (*captured, error) {
	mixOnce.Do(func() {
		g := &pipeline.Graph{
			Source:  generators.Mix{Packets: 100_000, Seed: 1},
			Stages:  []pipeline.Stage{decoders.NewStage(decoders.Options{})},
			Sinks:   []pipeline.Sink{&mixCap},
			Workers: 2,
		}
		_, mixErr = g.Run(context.Background())
	})
	return &mixCap, mixErr
}

// BenchmarkObserveMix runs a fresh table over the decoded mix and flushes
// it: one op is the whole mix, ns/pkt the cost per packet including each
// flow's creation and record.
func BenchmarkObserveMix(b *testing.B) {
	c, err := decodedMix()
	if err != nil {
		b.Fatal(err)
	}
	data := make([][]byte, len(c.pkts))
	for i := range data {
		data[i] = c.data(i)
	}
	var records int
	b.ReportAllocs()
	for b.Loop() {
		tab := NewTable(Options{Emit: func(*Record) { records++ }})
		for i := range c.pkts {
			tab.Observe(&c.pkts[i], data[i])
		}
		tab.Flush()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(c.pkts)), "ns/pkt")
	b.ReportMetric(float64(records)/float64(b.N), "flows/op")
}
