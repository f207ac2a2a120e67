package parquet

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/decoders/flows"
	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/pipeline"
)

// unstaged hides the sink's stage from the graph, so that Consume tracks
// the flows itself.
type unstaged struct{ s *Sink }

func (u unstaged) Name() string                                         { return u.s.Name() }
func (u unstaged) Consume(ctx context.Context, b *pipeline.Batch) error { return u.s.Consume(ctx, b) }
func (u unstaged) Close(aborted bool) error                             { return u.s.Close(aborted) }

// TestSinkStageSameFilesAsConsume writes every table of a generated mix
// (TCP with HTTP, UDP, ICMP, IPv6, VLANs; flows ending by idle timeout
// during the run and at its end, into two hourly partitions) twice in one
// graph: once with the flow table in the sink's stage (on the graph's
// ordering goroutine), once tracked by Consume. The files must be the same
// bytes, and no Arrow memory may be left.
func TestSinkStageSameFilesAsConsume(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	dirs := []string{t.TempDir(), t.TempDir()}
	var sinks []*Sink
	for _, dir := range dirs {
		// A short UDP timeout, so that flows also end while batches flow.
		s, err := New(Options{Dir: dir, Allocator: mem, Tables: TableNames(), Partition: PartitionHour,
			Flows: flows.Options{UDPIdle: 2 * time.Second}})
		if err != nil {
			t.Fatal(err)
		}
		sinks = append(sinks, s)
	}
	src := generators.Mix{Packets: 30_000, Pairs: 300, Flows: 3_000, Rate: 2_000, Seed: 5,
		Start: time.Date(2024, 1, 1, 0, 59, 50, 0, time.UTC)}
	g := &pipeline.Graph{
		Source:  src,
		Stages:  []pipeline.Stage{decoders.NewStage(decoders.Options{})},
		Sinks:   []pipeline.Sink{sinks[0], unstaged{sinks[1]}},
		Workers: 2, BatchPackets: 256,
	}
	if _, err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if sinks[0].flows.staged == 0 || sinks[1].flows.staged != 0 {
		t.Fatalf("batches observed in the stage: %d and %d, want some and none", sinks[0].flows.staged, sinks[1].flows.staged)
	}
	rows := sinks[0].Rows()
	if rows["packets"] != 30_000 || rows["flows"] == 0 || rows["http"] == 0 {
		t.Fatalf("rows %v: want 30000 packets, some flows and HTTP exchanges", rows)
	}
	for name, n := range sinks[1].Rows() {
		if rows[name] != n {
			t.Fatalf("table %s: %d rows with the stage, %d without", name, rows[name], n)
		}
	}
	staged, plain := parquetFiles(t, dirs[0]), parquetFiles(t, dirs[1])
	if len(staged) != len(plain) || len(staged) < 6 {
		t.Fatalf("%d files with the stage, %d without", len(staged), len(plain))
	}
	for i := range staged {
		a, b := mustRead(t, staged[i]), mustRead(t, plain[i])
		ra, _ := filepath.Rel(dirs[0], staged[i])
		rb, _ := filepath.Rel(dirs[1], plain[i])
		if ra != rb || !bytes.Equal(a, b) {
			t.Fatalf("%s (%d bytes) differs from %s (%d bytes)", ra, len(a), rb, len(b))
		}
	}
	mem.AssertSize(t, 0)
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHTTPSkipsLeanConnections writes the http table of a generated mix
// (HTTP/1.1 on port 80, random bytes on 443) twice: once with the plain
// segments of the connections the reassembler found lean (the port-443
// ones, not HTTP) kept from it, once with every packet given to it. The
// files must be the same bytes, and packets must have been kept back.
func TestHTTPSkipsLeanConnections(t *testing.T) {
	var files [2][]string
	var skipped [2]int64
	for i, all := range []bool{false, true} {
		dir := t.TempDir()
		s, err := New(Options{Dir: dir, Tables: []string{"http"}, httpAll: all})
		if err != nil {
			t.Fatal(err)
		}
		g := &pipeline.Graph{
			Source:  generators.Mix{Packets: 30_000, Pairs: 300, Flows: 3_000, Rate: 2_000, Seed: 9},
			Stages:  []pipeline.Stage{decoders.NewStage(decoders.Options{})},
			Sinks:   []pipeline.Sink{s},
			Workers: 2, BatchPackets: 256,
		}
		if _, err := g.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if s.Rows()["http"] == 0 {
			t.Fatal("no HTTP exchanges")
		}
		files[i], skipped[i] = parquetFiles(t, dir), s.http.skipped
	}
	t.Logf("%d packets kept from the reassembler", skipped[0])
	if skipped[0] == 0 || skipped[1] != 0 {
		t.Fatalf("packets kept from the reassembler: %d and %d, want some and none", skipped[0], skipped[1])
	}
	if len(files[0]) != 1 || len(files[1]) != 1 || !bytes.Equal(mustRead(t, files[0][0]), mustRead(t, files[1][0])) {
		t.Fatalf("http tables differ: %v, %v", files[0], files[1])
	}
}
