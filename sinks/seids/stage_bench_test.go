package seids

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
)

// decodedBatches reads a generated capture of about 50,000 PFCP messages
// into batches of the graph's default size and runs the decode stage on
// them, as the workers do before the seids Stage.
func decodedBatches(b *testing.B) []*pipeline.Batch {
	b.Helper()
	data := generate(b, generators.PFCPScenario{Sessions: 8333, Rate: 1000, Seed: 1})
	rd, err := input.NewReader(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	defer rd.Close()
	dec := decoders.NewStage(decoders.Options{}).NewProcessor()
	var out []*pipeline.Batch
	cur := pipeline.NewBatch(1024, 1<<20)
	for {
		err := rd.ReadPacket(cur, 0)
		if err == nil {
			continue
		}
		if err != io.EOF && !errors.Is(err, input.ErrBatchFull) {
			b.Fatal(err)
		}
		if perr := dec.Process(cur); perr != nil {
			b.Fatal(perr)
		}
		out = append(out, cur)
		if err == io.EOF {
			return out
		}
		cur = pipeline.NewBatch(1024, 1<<20)
	}
}

// BenchmarkStageParts times the seids work per batch apart from the
// graph: the Stage's preparation (summarize and format, on the workers)
// and the Correlate stage (on the ordering goroutine, the serial part)
// for every format. ns/msg is per packet of the capture.
func BenchmarkStageParts(b *testing.B) {
	batches := decodedBatches(b)
	msgs := 0
	for _, bt := range batches {
		msgs += bt.Len()
	}
	for _, c := range []struct {
		name string
		opts Options
	}{
		{"json", Options{Format: FormatJSON}},
		{"text", Options{}},
		{"csv", Options{Format: FormatCSV}},
	} {
		c.opts.Out = io.Discard
		b.Run("prepare/"+c.name, func(b *testing.B) {
			s, err := New(c.opts)
			if err != nil {
				b.Fatal(err)
			}
			pr := newPreparer(s.format, nil)
			t := &lineTable{}
			b.ReportAllocs()
			for b.Loop() {
				for _, bt := range batches {
					pr.prepare(bt, t)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*msgs), "ns/msg")
		})
		b.Run("correlate/"+c.name, func(b *testing.B) {
			tabs := make([]*lineTable, len(batches))
			pr := newPreparer(fmtJSON, nil)
			for i, bt := range batches {
				tabs[i] = &lineTable{}
				pr.prepare(bt, tabs[i])
			}
			b.ReportAllocs()
			for b.Loop() {
				s, err := New(c.opts)
				if err != nil {
					b.Fatal(err)
				}
				for i := range batches {
					s.correlate(tabs[i])
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*msgs), "ns/msg")
		})
	}
}
