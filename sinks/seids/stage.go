package seids

import (
	"sync"

	"github.com/pcapflow/pcapflow/pipeline"
)

// Stage returns a parallel pipeline.Stage that does the per-packet work of
// the report ahead of the sink, on the decode workers: it summarizes each
// PFCP datagram and, in the message report, formats its line (all but
// the session id) into a side table that the Correlate stage and Consume
// pick up for the same batch. Put it after the decode stage (and any
// filter) in Graph.Stages. Without it the sink does that work itself,
// with the same output.
func (s *Sink) Stage() pipeline.Stage { return &stage{s: s} }

type stage struct{ s *Sink }

func (st *stage) Name() string { return "seids-prepare" }

func (st *stage) NewProcessor() pipeline.Processor {
	return &processor{s: st.s, pr: newPreparer(st.s.format, st.s.opts.Inputs)}
}

type processor struct {
	s  *Sink
	pr *preparer
}

func (p *processor) Process(b *pipeline.Batch) error {
	t := p.s.tables.get()
	if p.s.sess != nil {
		p.pr.prepareSessions(b, t)
	} else {
		p.pr.prepare(b, t)
	}
	p.s.tables.attach(b, t)
	return nil
}

// tables hands side tables from the Stage to the Sink, by batch, and
// recycles them. (A batch is reused after the sink released it, so its
// pointer is a key only between Process and Consume.)
type tables struct {
	mu    sync.Mutex
	byB   map[*pipeline.Batch]*lineTable
	spare []*lineTable
}

func (ts *tables) get() *lineTable {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if n := len(ts.spare); n > 0 {
		t := ts.spare[n-1]
		ts.spare = ts.spare[:n-1]
		return t
	}
	return &lineTable{}
}

func (ts *tables) attach(b *pipeline.Batch, t *lineTable) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.byB == nil {
		ts.byB = make(map[*pipeline.Batch]*lineTable)
	}
	if old := ts.byB[b]; old != nil {
		ts.spare = append(ts.spare, old)
	}
	ts.byB[b] = t
}

// peek returns b's table, or nil.
func (ts *tables) peek(b *pipeline.Batch) *lineTable {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.byB[b]
}

// take removes and returns b's table, or nil.
func (ts *tables) take(b *pipeline.Batch) *lineTable {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t := ts.byB[b]
	if t != nil {
		delete(ts.byB, b)
	}
	return t
}

// put recycles t.
func (ts *tables) put(t *lineTable) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.spare = append(ts.spare, t)
}
