package live

import (
	"sync/atomic"

	"github.com/pcapflow/pcapflow/pipeline"
)

// Limit is an ordered pipeline.Stage that lets the first N packets through
// (counted after any filter stage before it), drops the rest and calls
// Stop once N is reached, so a capture of --count packets ends by itself
// with exactly N packets in its outputs.
type Limit struct {
	n, seen atomic.Int64
	stop    func()
	stopped atomic.Bool
}

// NewLimit returns a stage passing n packets and then calling stop.
func NewLimit(n int64, stop func()) *Limit {
	l := &Limit{stop: stop}
	l.n.Store(n)
	return l
}

// Name returns "limit".
func (l *Limit) Name() string { return "limit" }

// NewProcessor returns l itself: the stage must run as an ordered stage.
func (l *Limit) NewProcessor() pipeline.Processor { return l }

// Process truncates b to what is left of the limit.
func (l *Limit) Process(b *pipeline.Batch) error {
	left := l.n.Load() - l.seen.Load()
	if int64(b.Len()) >= left {
		if left < 0 {
			left = 0
		}
		b.Packets = b.Packets[:left]
		if !l.stopped.Swap(true) {
			l.stop()
		}
	}
	l.seen.Add(int64(b.Len()))
	return nil
}
