package parquet

import (
	"context"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/pipeline"
)

// TestPFCPStateBounded runs long generated PFCP traffic through the
// pfcp tables and samples the state as rows are written: what it holds
// must follow the sessions and the exchanges of the last seconds, not the
// number of messages read.
func TestPFCPStateBounded(t *testing.T) {
	for _, c := range []struct {
		name     string
		scenario generators.PFCPScenario
		// maxTxs bounds the exchanges held at any time, maxQueue the
		// rows waiting, maxDetails the sessions held; sessions is the
		// number of session rows.
		maxTxs, maxQueue, maxDetails, sessions int
	}{
		// 20,000 heartbeat exchanges among few sessions: node messages
		// are not followed at all (the 5 sessions' 15 exchanges are).
		{"heartbeats", generators.PFCPScenario{Sessions: 5, Heartbeats: 20000, Seed: 1}, 15, 64, 5, 5},
		// 3,000 sessions at 100 per second, each with three exchanges
		// (establishment, modification, deletion) and retransmissions:
		// exchanges are forgotten 10 s after their answer, so about
		// 10 s x 300 exchanges per second are held at most. Rows wait
		// behind an establishment request whose response comes after a
		// retransmission (T1, 500 ms): 300 rows, 600 messages a second.
		{"sessions", generators.PFCPScenario{Sessions: 3000, Rate: 100, Retransmit: 0.2, RejectEvery: 9, Seed: 2}, 4000, 600, 1600, 3000},
	} {
		t.Run(c.name, func(t *testing.T) {
			inputs := &pipeline.Inputs{}
			sink, err := New(Options{Dir: t.TempDir(), Inputs: inputs, Tables: []string{"pfcp_messages", "pfcp_sessions"}})
			if err != nil {
				t.Fatal(err)
			}
			st := sink.pfcp
			var rows, sessionRows, maxTxs, maxQueue, maxDetails int
			emit, emitSession := st.emit, st.emitSession
			st.emit = func(m *PFCPMessage) error {
				rows++
				maxTxs, maxQueue, maxDetails = max(maxTxs, len(st.txs)), max(maxQueue, st.queue.len()), max(maxDetails, len(st.details))
				return emit(m)
			}
			st.emitSession = func(ss *PFCPSession) error {
				sessionRows++
				return emitSession(ss)
			}
			g := &pipeline.Graph{Source: c.scenario, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{})},
				Sinks: []pipeline.Sink{sink}, Inputs: inputs, Workers: 2}
			if _, err := g.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			if rows < c.sessions*3 {
				t.Fatalf("%d message rows, want at least %d", rows, c.sessions*3)
			}
			if maxTxs > c.maxTxs {
				t.Errorf("up to %d exchanges held for %d messages, want <= %d", maxTxs, rows, c.maxTxs)
			}
			// The queue holds only rows behind an undecided establishment
			// request.
			if maxQueue > c.maxQueue {
				t.Errorf("up to %d rows queued, want <= %d", maxQueue, c.maxQueue)
			}
			if sessionRows != c.sessions {
				t.Errorf("%d session rows, want %d", sessionRows, c.sessions)
			}
			// A deleted session's row is written 10 s after its deletion:
			// only the sessions of the last 12 s or so are held.
			if maxDetails > c.maxDetails {
				t.Errorf("up to %d sessions held, want <= %d", maxDetails, c.maxDetails)
			}
			if len(st.txs) != 0 || len(st.details) != 0 {
				t.Errorf("%d exchanges and %d sessions left after the session rows were written", len(st.txs), len(st.details))
			}
		})
	}
}

// TestPFCPTxLinger: a retransmitted request within pfcpTxLinger of its
// answer counts as a retransmission; the exchange is then folded into its
// session's counts and forgotten.
func TestPFCPTxLinger(t *testing.T) {
	sessions := 40
	inputs := &pipeline.Inputs{}
	sink, err := New(Options{Dir: t.TempDir(), Inputs: inputs, Tables: []string{"pfcp_sessions"}})
	if err != nil {
		t.Fatal(err)
	}
	sc := generators.PFCPScenario{Sessions: sessions, Rate: 1, Retransmit: 1, T1: 2 * time.Second, Hold: 30 * time.Second, Seed: 3}
	g := &pipeline.Graph{Source: sc, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{})},
		Sinks: []pipeline.Sink{sink}, Inputs: inputs, Workers: 1}
	var requests, retrans int
	st := sink.pfcp
	emitSession := st.emitSession
	st.emitSession = func(ss *PFCPSession) error {
		requests += ss.Requests
		retrans += ss.Retransmissions
		return emitSession(ss)
	}
	if _, err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Every request of the scenario is sent twice, T1 apart: three
	// exchanges per session (establishment, modification, deletion).
	if requests != 3*sessions || retrans != 3*sessions {
		t.Errorf("%d requests, %d retransmissions; want %d of each", requests, retrans, 3*sessions)
	}
}
