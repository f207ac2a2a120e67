package seids

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/pipeline"
)

// sampler is a sessionWriter that records, at each session row, how many
// per-session records the sink holds, before handing the row on.
type sampler struct {
	sessionWriter
	s *Sink
	// rows counts the session rows written before the end of the run
	// (ended) and in all; the max fields are the most records seen.
	rows, early                             int
	closing                                 bool
	details, counts, mobile, corr, rejected int
}

func (x *sampler) session(r *SessionRow) error {
	s := x.s
	x.rows++
	if !x.closing {
		x.early++
	}
	x.details = max(x.details, s.sess.details.ids.x.Len())
	x.counts = max(x.counts, s.tun.counts.ids.x.Len())
	x.mobile = max(x.mobile, s.tun.mob.Held())
	x.corr = max(x.corr, len(s.corr.Sessions()))
	return x.sessionWriter.session(r)
}

// TestSessionsBounded runs long generated PFCP traffic with its user
// plane through the session table and samples what it holds as rows are
// written: the records of a session (tracker, G-PDU count, endpoint
// table, Correlator) must be released once its row is written, so that
// they follow the sessions alive at a time, not the capture.
func TestSessionsBounded(t *testing.T) {
	// 3,000 sessions at 100 per second, each held 2 s, with
	// retransmissions, a rejection every 9th establishment and 2 G-PDUs
	// per established session. A deleted session's row is written 10 s
	// after its deletion: the sessions of the last 12 s or so (1,200)
	// are held, plus the rejected ones (333), which the Correlator never
	// drops (they have no deletion) and whose rows come at the end. The
	// endpoint table forgets a session at its deletion: it holds those
	// of the last 2 s.
	sc := generators.PFCPScenario{Sessions: 3000, Rate: 100, Retransmit: 0.2, RejectEvery: 9, UserPlane: 2, Seed: 2}
	const sessions, rejected, bound = 3000, 333, 1300 + 333
	inputs := &pipeline.Inputs{}
	var out bytes.Buffer
	s, err := New(Options{Sessions: true, Format: FormatJSON, Inputs: inputs, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	x := &sampler{sessionWriter: &jsonSessions{w: s.w}, s: s}
	s.sw, s.rb = x, &rowBuilder{s: s, t: s.sess}
	// Without the Correlate stage the sink correlates itself: the
	// sampler reads every record from the goroutine that writes them.
	g := &pipeline.Graph{Source: sc, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{}), s.Stage()},
		Sinks: []pipeline.Sink{closeHook{s, func() { x.closing = true }}}, Inputs: inputs, Workers: 2}
	if _, err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if x.rows != sessions {
		t.Fatalf("%d session rows, want %d", x.rows, sessions)
	}
	// Every deleted session's row is written during the run but for
	// those deleted in the last 10 s.
	if x.early < sessions-rejected-1200 {
		t.Errorf("%d rows written before the end of the run, want most of the %d deleted sessions", x.early, sessions-rejected)
	}
	t.Logf("held at most: %d records, %d G-PDU counts, %d endpoint-table sessions, %d Correlator sessions; %d rows early",
		x.details, x.counts, x.mobile, x.corr, x.early)
	for _, c := range []struct {
		name     string
		n, bound int
	}{{"session records", x.details, bound}, {"G-PDU counts", x.counts, bound},
		{"endpoint-table sessions", x.mobile, 300}, {"Correlator sessions", x.corr, bound}} {
		if c.n > c.bound {
			t.Errorf("up to %d %s held, want <= %d", c.n, c.name, c.bound)
		}
	}
	// Released means released: nothing is left once the rows are out.
	if n := s.sess.details.ids.x.Len(); n != 0 {
		t.Errorf("%d session records left after the rows were written", n)
	}
	// The G-PDUs were counted, by session.
	var pkts int64
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var r struct {
			Kind string `json:"kind"`
			Pkts int64  `json:"gtpu_packets"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		pkts += r.Pkts
	}
	if want := int64(2 * (sessions - rejected)); pkts != want {
		t.Errorf("%d G-PDUs counted, want %d", pkts, want)
	}
}

// closeHook is a Sink that calls before ahead of the Sink's Close.
type closeHook struct {
	*Sink
	before func()
}

func (c closeHook) Close(aborted bool) error {
	c.before()
	return c.Sink.Close(aborted)
}
