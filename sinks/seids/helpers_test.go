package seids

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
	"github.com/pcapflow/pcapflow/sinks/pcapout"
)

// scenario is the generated capture behind the golden files: IPv6 nodes
// (like the seed's capture), retransmissions, a rejection every 4th
// establishment, a vendor IE, heartbeats and user plane.
var scenario = generators.PFCPScenario{Sessions: 8, IPv6: true, CPPort: 50007, Seed: 3, Retransmit: 0.25,
	RejectEvery: 4, VendorIE: true, Heartbeats: 2, UserPlane: 2, QFI: 9}

const scenarioPath = "testdata/scenario.pcap"

// generate runs a generator into pcap bytes.
func generate(tb testing.TB, src pipeline.Source) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w, err := pcapout.NewStreamSink(&buf, "pcap")
	if err != nil {
		tb.Fatal(err)
	}
	g := &pipeline.Graph{Source: src, Sinks: []pipeline.Sink{w}}
	if _, err := g.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// report runs paths through input → decode → seids and returns the output.
func report(tb testing.TB, paths []string, opts Options) string {
	tb.Helper()
	var out bytes.Buffer
	reportTo(tb, paths, opts, &out)
	return out.String()
}

// reportTo runs paths through input → decode → seids into w, with the
// sink's Stage and Correlate stage as the command runs them.
func reportTo(tb testing.TB, paths []string, opts Options, w io.Writer) {
	tb.Helper()
	reportGraph(tb, paths, opts, w, true, true)
}

// reportGraph runs paths through input → decode [→ seids Stage]
// [→ seids Correlate] → seids into w.
func reportGraph(tb testing.TB, paths []string, opts Options, w io.Writer, withStage, withCorrelate bool) {
	tb.Helper()
	src, err := input.NewSource(paths, input.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	inputs := &pipeline.Inputs{}
	opts.Out, opts.Inputs = w, inputs
	s, err := New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	stages := []pipeline.Stage{decoders.NewStage(decoders.Options{})}
	if withStage {
		stages = append(stages, s.Stage())
	}
	g := &pipeline.Graph{Source: src, Stages: stages, Sinks: []pipeline.Sink{s}, Inputs: inputs, Workers: 2,
		BatchPackets: 64, BatchBytes: 64 << 10}
	if withCorrelate {
		g.Ordered = []pipeline.Stage{s.Correlate()}
	}
	if _, err := g.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
}

// writeTemp writes data to a file in a test's temporary directory.
func writeTemp(tb testing.TB, name string, data []byte) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}
