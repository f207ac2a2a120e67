package seids

import (
	"context"
	"io"
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
)

// benchScenario makes 200,002 PFCP messages: an association setup, then
// 33,333 sessions of establishment, modification and deletion exchanges.
var benchScenario = generators.PFCPScenario{Sessions: 33333, Rate: 1000, Seed: 1}

// BenchmarkSeids runs a generated 200k-message capture (a file in
// b.TempDir) through input → decode → seids Stage → seids Correlate
// stage → seids to io.Discard, wired as the command wires it (default
// workers and batch sizes).
func BenchmarkSeids(b *testing.B) {
	path := writeTemp(b, "pfcp200k.pcap", generate(b, benchScenario))
	msgs := benchScenario.Expect().PFCPMessages
	for _, c := range []struct {
		name string
		opts Options
	}{
		{"json", Options{Format: FormatJSON}},
		{"text", Options{}},
		{"csv", Options{Format: FormatCSV}},
		{"sessions", Options{Sessions: true, Format: FormatJSON}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				runCommandGraph(b, path, c.opts)
			}
			b.ReportMetric(float64(msgs)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// runCommandGraph runs path through the graph `pcapflow seids` builds.
func runCommandGraph(b *testing.B, path string, opts Options) {
	src, err := input.NewSource([]string{path}, input.Options{})
	if err != nil {
		b.Fatal(err)
	}
	inputs := &pipeline.Inputs{}
	opts.Out, opts.Inputs = io.Discard, inputs
	s, err := New(opts)
	if err != nil {
		b.Fatal(err)
	}
	g := &pipeline.Graph{Source: src, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{}), s.Stage()},
		Ordered: []pipeline.Stage{s.Correlate()}, Sinks: []pipeline.Sink{s}, Inputs: inputs}
	if _, err := g.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
}
