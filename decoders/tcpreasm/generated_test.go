package tcpreasm

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/pipeline"
)

// asmSink feeds a graph's packets to an Assembler.
type asmSink struct{ a *Assembler }

func (s asmSink) Name() string { return "reassembly" }
func (s asmSink) Consume(_ context.Context, b *pipeline.Batch) error {
	for i := range b.Packets {
		s.a.Observe(&b.Packets[i], b.Data(i))
	}
	return nil
}
func (s asmSink) Close(bool) error { s.a.Flush(); return nil }

func runSource(t testing.TB, src pipeline.Source, a *Assembler) {
	t.Helper()
	g := &pipeline.Graph{Source: src, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{})}, Sinks: []pipeline.Sink{asmSink{a}}, Workers: 2}
	if _, err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestGeneratedSessions checks that sessions whose segments were lost and
// resent, reordered, or acknowledged late reassemble to exactly the bytes
// of an unimpaired run: the request and the whole response.
func TestGeneratedSessions(t *testing.T) {
	base := generators.TCPSession{Sessions: 5, BodySize: 60_000, Seed: 7, Host: "example.com", Path: "/a.html"}
	clean := newRecorder()
	runSource(t, base, New(Options{Handler: clean}))
	if len(clean.closed) != 5 {
		t.Fatalf("%d connections from 5 sessions", len(clean.closed))
	}
	req := "GET /a.html HTTP/1.0\r\nHost: example.com\r\nUser-Agent: pcapflow\r\nAccept: */*\r\n\r\n"
	resp := clean.stream(0, ServerToClient)
	if got := clean.stream(0, ClientToServer); got != req {
		t.Fatalf("request %q, want %q", got, req)
	}
	head, body, ok := strings.Cut(resp, "\r\n\r\n")
	if !ok || !strings.Contains(head, "Content-Length: 60000") || len(body) != 60_000 {
		t.Fatalf("response of %d bytes: header %q, body %d bytes", len(resp), head, len(body))
	}
	tests := []struct {
		name string
		cfg  func(*generators.TCPSession)
	}{
		{"loss", func(c *generators.TCPSession) { c.Loss = 0.2 }},
		{"reorder", func(c *generators.TCPSession) { c.Reorder = 0.3 }},
		{"delayed-ack", func(c *generators.TCPSession) { c.DelayedACK = 400 * time.Millisecond }},
		{"all", func(c *generators.TCPSession) { c.Loss, c.Reorder, c.DelayedACK = 0.3, 0.3, 300*time.Millisecond }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			tt.cfg(&cfg)
			r := newRecorder()
			runSource(t, cfg, New(Options{Handler: r, Timeline: true}))
			if len(r.closed) != 5 {
				t.Fatalf("%d connections, want 5", len(r.closed))
			}
			var resent uint64
			for _, c := range r.closed {
				if got := r.stream(c.ID, ClientToServer); got != req {
					t.Errorf("conn %d request %q", c.ID, got)
				}
				if got := r.stream(c.ID, ServerToClient); got != resp {
					t.Errorf("conn %d: response of %d bytes differs from the %d sent (gaps %d)", c.ID, len(got), len(resp), c.Stats[1].Gaps)
				}
				if c.Stats[1].Conflicts != 0 {
					t.Errorf("conn %d: %d conflicts in identical copies", c.ID, c.Stats[1].Conflicts)
				}
				resent += c.Stats[1].Retransmitted + c.Stats[1].OutOfOrder
			}
			if exp := cfg.Expect(); exp.Retransmissions > 0 && resent == 0 {
				t.Errorf("generator resent %d segments, reassembly saw none", exp.Retransmissions)
			}
			for _, l := range r.log {
				t.Error(l)
			}
		})
	}
}

// TestSynFloodMemoryBound feeds many half-open connections and checks the
// table and memory bounds hold.
func TestSynFloodMemoryBound(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 50_000
	}
	const maxConns = 5000
	a := New(Options{Handler: discard{}, MaxConns: maxConns, MaxTotal: maxConns * connCost})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	runSource(t, generators.SynFlood{Count: n, Rate: 1e6, Seed: 3}, a)
	st := a.Stats()
	runtime.GC()
	runtime.ReadMemStats(&after)
	if st.Conns != uint64(n) || st.Evicted < uint64(n-maxConns) {
		t.Errorf("%d connections, %d evicted: want %d and at least %d", st.Conns, st.Evicted, n, n-maxConns)
	}
	if st.PeakMemory > maxConns*connCost {
		t.Errorf("peak accounted memory %d over the bound %d", st.PeakMemory, maxConns*connCost)
	}
	t.Logf("%d SYNs: peak accounted %d bytes, heap in use after %s", n, st.PeakMemory, fmt.Sprint(int64(after.HeapInuse)-int64(before.HeapInuse)))
}

func TestRecorderSanity(t *testing.T) {
	// The recorder itself must notice a chunk at a wrong offset.
	r := newRecorder()
	c := &Conn{ID: 0}
	r.Open(c)
	r.Data(c, 0, []byte("ab"), Chunk{Offset: 0})
	r.Data(c, 0, []byte("cd"), Chunk{Offset: 5})
	if len(r.log) != 1 || !bytes.Contains([]byte(r.log[0]), []byte("offset 5")) {
		t.Errorf("log %q", r.log)
	}
}
