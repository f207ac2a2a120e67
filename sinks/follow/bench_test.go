package follow

import (
	"context"
	"io"
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/sinks/httpx"
)

// BenchmarkFollowHTTP runs follow (raw, discarded) and the HTTP sink
// together over generated HTTP sessions with loss and reordering.
func BenchmarkFollowHTTP(b *testing.B) {
	src := generators.TCPSession{Sessions: 500, BodySize: 200_000, Loss: 0.01, Reorder: 0.02, Seed: 1}
	var bytes int64
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		f, err := New(Options{Format: FormatRaw, Out: io.Discard})
		if err != nil {
			b.Fatal(err)
		}
		h, err := httpx.New(httpx.Options{Emit: func(*httpx.Exchange) error { return nil }})
		if err != nil {
			b.Fatal(err)
		}
		g := &pipeline.Graph{Source: src, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{})}, Sinks: []pipeline.Sink{f, h}}
		st, err := g.Run(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		bytes = st.Bytes
		if c := h.Counts(); c.Exchanges != 500 {
			b.Fatalf("%d exchanges, want 500", c.Exchanges)
		}
	}
	b.SetBytes(bytes)
}
