package parquet

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/decoders/tcpreasm"
	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/pipeline"
)

// timelineRecorder keeps the timeline of every connection tcpreasm closes.
type timelineRecorder struct{ conns map[string]tcpreasm.Conn }

func (r *timelineRecorder) Open(*tcpreasm.Conn)                                       {}
func (r *timelineRecorder) Data(*tcpreasm.Conn, tcpreasm.Dir, []byte, tcpreasm.Chunk) {}
func (r *timelineRecorder) Gap(*tcpreasm.Conn, tcpreasm.Dir, uint64, tcpreasm.Chunk)  {}
func (r *timelineRecorder) Close(c *tcpreasm.Conn)                                    { r.conns[c.Client.String()] = *c }

// asmSink feeds a tcpreasm.Assembler from a graph.
type asmSink struct{ a *tcpreasm.Assembler }

func (s asmSink) Name() string { return "asm" }
func (s asmSink) Consume(_ context.Context, b *pipeline.Batch) error {
	for i := range b.Packets {
		s.a.Observe(&b.Packets[i], b.Bytes(&b.Packets[i]))
	}
	return nil
}
func (s asmSink) Close(aborted bool) error { s.a.Flush(); return nil }

// TestFlowsTimelineColumns exports generated HTTP sessions, clean and
// impaired (loss, delayed ACKs beyond the retransmission timeout), and
// checks the flows table's timeline columns: zero episodes, stalls and
// gaps on clean sessions; resent episodes and stall time on impaired ones;
// never a gap (every lost segment is resent and captured); and the same
// retransmission episodes, stalls and maximum bytes in flight as the
// reassembler's timeline (decoders/tcpreasm) of the same connections.
// The http table of the same run has one complete exchange per session.
func TestFlowsTimelineColumns(t *testing.T) {
	base := generators.TCPSession{Sessions: 6, BodySize: 80_000, Seed: 11}
	tests := []struct {
		name     string
		cfg      func(*generators.TCPSession)
		impaired bool
	}{
		{"clean", func(*generators.TCPSession) {}, false},
		{"loss", func(c *generators.TCPSession) { c.Loss = 0.15 }, true},
		{"delayed-ack", func(c *generators.TCPSession) { c.DelayedACK = 400 * time.Millisecond }, true},
		{"loss-and-delayed-ack", func(c *generators.TCPSession) { c.Loss, c.DelayedACK = 0.2, 300*time.Millisecond }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			tt.cfg(&cfg)
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			dir := t.TempDir()
			sink, err := New(Options{Dir: dir, Allocator: mem, Tables: []string{"flows", "http"}})
			if err != nil {
				t.Fatal(err)
			}
			rec := &timelineRecorder{conns: map[string]tcpreasm.Conn{}}
			asm := tcpreasm.New(tcpreasm.Options{Handler: rec, Timeline: true})
			g := &pipeline.Graph{Source: cfg, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{})},
				Sinks: []pipeline.Sink{sink, asmSink{asm}}, Workers: 2}
			if _, err := g.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			ft, _ := readTable(t, filepath.Join(dir, "flows", "part-000000.parquet"))
			ht, _ := readTable(t, filepath.Join(dir, "http", "part-000000.parquet"))
			flowRows, httpRows := rowsOf(t, ft), rowsOf(t, ht)
			ft.Release()
			ht.Release()
			if len(flowRows) != cfg.Sessions || len(httpRows) != cfg.Sessions {
				t.Fatalf("%d flows and %d http rows from %d sessions", len(flowRows), len(httpRows), cfg.Sessions)
			}
			var episodes, stallNS int64
			for _, f := range flowRows {
				n := func(col string) int64 {
					v, err := strconv.ParseInt(f[col], 10, 64)
					if err != nil {
						t.Fatalf("flow %s: %s = %q", f["flow_id"], col, f[col])
					}
					return v
				}
				episodes += n("orig_retrans_episodes") + n("resp_retrans_episodes")
				stallNS += n("stall_time_ns")
				if g := n("orig_gaps") + n("resp_gaps") + n("orig_gap_bytes") + n("resp_gap_bytes"); g != 0 {
					t.Errorf("flow %s: gaps in a capture that lost nothing: %v", f["flow_id"], f)
				}
				if n("resp_max_in_flight") <= 0 || n("orig_max_in_flight") <= 0 {
					t.Errorf("flow %s: no bytes in flight: %v", f["flow_id"], f)
				}
				if !tt.impaired && (n("resp_retrans_episodes")+n("orig_retrans_episodes")+n("stalls")+n("stall_time_ns") != 0) {
					t.Errorf("clean flow %s: %v", f["flow_id"], f)
				}
				c, ok := rec.conns[f["orig_ip"]+":"+f["orig_port"]]
				if !ok {
					t.Errorf("flow %s: no reassembled connection", f["flow_id"])
					continue
				}
				tl := c.Timeline
				got := fmt.Sprint(n("stalls"), n("stall_time_ns"), n("orig_max_in_flight"), n("resp_max_in_flight"))
				want := fmt.Sprint(tl.Stalls, tl.StallTime, tl.MaxInFlight[0], tl.MaxInFlight[1])
				if got != want {
					t.Errorf("flow %s: stalls, stall time, in flight = %s; tcpreasm says %s", f["flow_id"], got, want)
				}
				// Episodes follow tshark's retransmission flags (a segment
				// below the highest sequence sent), which also mark the
				// resend of a segment the capture never saw; tcpreasm counts
				// only copies of bytes it already holds. So there are at
				// least as many, at most one per retransmission, and some
				// whenever something was retransmitted.
				ep, re := n("orig_retrans_episodes")+n("resp_retrans_episodes"), n("retransmissions")
				if ep < int64(tl.RetransEpisodes[0]+tl.RetransEpisodes[1]) || ep > re || (re > 0) != (ep > 0) {
					t.Errorf("flow %s: %d episodes for %d retransmissions (tcpreasm: %v episodes)", f["flow_id"], ep, re, tl.RetransEpisodes)
				}
			}
			if tt.impaired && (episodes == 0 || stallNS == 0) {
				t.Errorf("impaired sessions: %d retransmission episodes, %d ns stalled; want both > 0", episodes, stallNS)
			}
			for _, h := range httpRows {
				if h["complete"] != "true" || h["status"] != "200" || h["response_body_bytes"] != strconv.Itoa(cfg.BodySize) {
					t.Errorf("exchange %v", h)
				}
			}
			mem.AssertSize(t, 0)
		})
	}
}
