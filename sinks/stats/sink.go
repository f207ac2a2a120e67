package stats

import (
	"context"
	"errors"
	"sync"

	"github.com/pcapflow/pcapflow/pipeline"
)

// DefaultTop is the default length of the top talkers and conversations lists.
const DefaultTop = 10

// Options configure a Sink.
type Options struct {
	// Inputs is the run's input table (names, formats, damage). Required.
	Inputs *pipeline.Inputs
	// Snaplen, when not nil, returns the snap length input id's file header
	// declares (input.Source.Snaplen); 0 means not set.
	Snaplen func(id pipeline.InputID) uint32
	// Top is the length of the top talkers and conversations lists
	// (DefaultTop when 0; negative for none).
	Top int
}

// Sink is the statistics pipeline.Sink. Its Report is ready after Close.
type Sink struct {
	opts  Options
	files []*acc // by InputID

	mu     sync.Mutex
	report *Report
}

// New returns a statistics sink.
func New(opts Options) (*Sink, error) {
	if opts.Inputs == nil {
		return nil, errors.New("stats: Options.Inputs is required")
	}
	if opts.Top == 0 {
		opts.Top = DefaultTop
	}
	return &Sink{opts: opts}, nil
}

// Name returns "stats".
func (s *Sink) Name() string { return "stats" }

// Consume accounts for every packet of b with the accumulator of its input.
func (s *Sink) Consume(_ context.Context, b *pipeline.Batch) error {
	var cur *acc
	curID := pipeline.InputID(^uint32(0))
	for i := range b.Packets {
		p := &b.Packets[i]
		if p.Input != curID || cur == nil {
			cur, curID = s.file(p.Input), p.Input
		}
		cur.observe(p, b.Bytes(p))
	}
	return nil
}

// file returns the accumulator of input id, creating it.
func (s *Sink) file(id pipeline.InputID) *acc {
	for int(id) >= len(s.files) {
		s.files = append(s.files, nil)
	}
	if s.files[id] == nil {
		s.files[id] = newAcc()
	}
	return s.files[id]
}

// Close finishes every input's flow table and builds the report. An aborted
// run builds none.
func (s *Sink) Close(aborted bool) error {
	for _, a := range s.files {
		if a != nil {
			a.finish()
		}
	}
	if aborted {
		return nil
	}
	r := s.build()
	s.mu.Lock()
	s.report = r
	s.mu.Unlock()
	return nil
}

// Report returns the report built by Close, or nil before it (or after an
// aborted run).
func (s *Sink) Report() *Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.report
}

func pipelineID(i int) pipeline.InputID { return pipeline.InputID(i) }
