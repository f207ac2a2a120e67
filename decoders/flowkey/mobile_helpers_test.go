package flowkey_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/decoders/flowkey"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
	"github.com/pcapflow/pcapflow/sinks/pcapout"
)

// keyed is what a run of a Keyer over a capture found for one frame.
type keyed struct {
	frame   uint64
	input   pipeline.InputID
	key     flowkey.Key
	ok      bool
	decoded pipeline.Decoded
}

// keySink feeds every packet to a Keyer in capture order.
type keySink struct {
	k   *flowkey.Keyer
	out []keyed
}

func (s *keySink) Name() string { return "keys" }

func (s *keySink) Consume(ctx context.Context, b *pipeline.Batch) error {
	for i := range b.Packets {
		p := &b.Packets[i]
		key, ok := s.k.KeyData(p, b.Bytes(p))
		s.out = append(s.out, keyed{frame: p.Frame, input: p.Input, key: key, ok: ok, decoded: p.Decoded})
	}
	return nil
}

func (s *keySink) Close(bool) error { return nil }

// keyFiles runs paths (read one after the other) through decode and a
// Keyer for spec.
func keyFiles(tb testing.TB, spec flowkey.Spec, paths ...string) ([]keyed, *flowkey.Keyer) {
	tb.Helper()
	src, err := input.NewSource(paths, input.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	s := &keySink{k: flowkey.NewKeyer(spec)}
	g := &pipeline.Graph{Source: src, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{})},
		Sinks: []pipeline.Sink{s}, Inputs: &pipeline.Inputs{}, Workers: 2, BatchPackets: 64, BatchBytes: 64 << 10}
	if _, err := g.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return s.out, s.k
}

// writeScenario generates src into a pcap file in a temporary directory.
func writeScenario(tb testing.TB, name string, src pipeline.Source) string {
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
	p := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}
