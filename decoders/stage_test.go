package decoders

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/pcapflow/pcapflow/pipeline"
)

// fixtureBatch puts every fixture into one batch, in order.
func fixtureBatch(fs []fixture) *pipeline.Batch {
	b := pipeline.NewBatch(len(fs), 1<<16)
	for i, f := range fs {
		b.AddCopy(pipeline.CaptureInfo{Frame: uint64(i + 1), OrigLen: f.origLen(), LinkType: f.link}, f.data)
	}
	return b
}

// wantCounts tallies the fixtures' expected results.
func wantCounts(fs []fixture, times uint64) Counts {
	var c Counts
	for i := range fs {
		c.count(&fs[i].want)
		c.countTunnel(&Decoder{tunnel: fs[i].tunnel})
	}
	return Counts{
		Packets: c.Packets * times, Truncated: c.Truncated * times, Malformed: c.Malformed * times,
		UnknownLink: c.UnknownLink * times, NonIP: c.NonIP * times, Fragments: c.Fragments * times,
		NonFirstFragments: c.NonFirstFragments * times, ICMPErrors: c.ICMPErrors * times,
		GTPU: c.GTPU * times, GTPC: c.GTPC * times, PFCP: c.PFCP * times, GTPUInner: c.GTPUInner * times,
		TunnelMalformed: c.TunnelMalformed * times, TunnelTruncated: c.TunnelTruncated * times,
	}
}

func TestStageProcess(t *testing.T) {
	fs := fixtures(t)
	s := NewStage(Options{})
	if s.Name() != "decode" {
		t.Errorf("Name() = %q, want decode", s.Name())
	}
	b := fixtureBatch(fs)
	// Stale results from an earlier stage run must be overwritten.
	for i := range b.Packets {
		b.Packets[i].Decoded.Flags = pipeline.FlagMalformed
		b.Packets[i].Decoded.TCPSeq = 99
	}
	if err := s.NewProcessor().Process(b); err != nil {
		t.Fatal(err)
	}
	for i, f := range fs {
		if got := b.Packets[i].Decoded; got != f.want {
			t.Errorf("%s:\n%s", f.name, diffDecoded(f.want, got))
		}
	}
	want := wantCounts(fs, 1)
	if got := s.Counts(); got != want {
		t.Errorf("Counts() = %+v, want %+v", got, want)
	}
	// The counts the fixtures exercise must all be non-zero, or this test
	// would not check their accounting.
	if want.Truncated == 0 || want.Malformed == 0 || want.UnknownLink == 0 || want.NonIP == 0 ||
		want.Fragments == 0 || want.NonFirstFragments == 0 || want.ICMPErrors == 0 ||
		want.GTPU == 0 || want.GTPC == 0 || want.PFCP == 0 || want.GTPUInner == 0 ||
		want.TunnelMalformed == 0 || want.TunnelTruncated == 0 {
		t.Errorf("fixtures leave a counter at zero: %+v", want)
	}
}

// fixtureSource emits the fixtures as n batches.
type fixtureSource struct {
	fs []fixture
	n  int
}

func (s *fixtureSource) Run(ctx context.Context, em *pipeline.Emitter) error {
	for range s.n {
		b, err := em.Batch(ctx)
		if err != nil {
			return err
		}
		for i, f := range s.fs {
			b.AddCopy(pipeline.CaptureInfo{Frame: uint64(i + 1), OrigLen: f.origLen(), LinkType: f.link}, f.data)
		}
		if err := em.Emit(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

// checkSink verifies every packet's Decoded against its fixture.
type checkSink struct {
	fs   []fixture
	mu   sync.Mutex
	errs []string
	seen int
}

func (s *checkSink) Name() string { return "check" }

func (s *checkSink) Consume(_ context.Context, b *pipeline.Batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range b.Packets {
		f := s.fs[b.Packets[i].Frame-1]
		if got := b.Packets[i].Decoded; got != f.want {
			s.errs = append(s.errs, fmt.Sprintf("%s:\n%s", f.name, diffDecoded(f.want, got)))
		}
		s.seen++
	}
	return nil
}

func (s *checkSink) Close(bool) error { return nil }

func TestStageInGraph(t *testing.T) {
	fs := fixtures(t)
	const batches = 50
	stage := NewStage(Options{})
	sink := &checkSink{fs: fs}
	g := &pipeline.Graph{
		Source:       &fixtureSource{fs: fs, n: batches},
		Stages:       []pipeline.Stage{stage},
		Sinks:        []pipeline.Sink{sink},
		Workers:      2,
		BatchPackets: len(fs),
		BatchBytes:   1 << 16,
	}
	if _, err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, e := range sink.errs {
		t.Error(e)
	}
	if sink.seen != batches*len(fs) {
		t.Errorf("sink saw %d packets, want %d", sink.seen, batches*len(fs))
	}
	if got, want := stage.Counts(), wantCounts(fs, batches); got != want {
		t.Errorf("Counts() = %+v, want %+v", got, want)
	}
}

// BenchmarkStageProcess decodes a batch of every fixture; the per-batch
// counter publication must not allocate either.
func BenchmarkStageProcess(b *testing.B) {
	fs := fixtures(b)
	batch := fixtureBatch(fs)
	p := NewStage(Options{}).NewProcessor()
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Process(batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(fs)), "ns/packet")
}
