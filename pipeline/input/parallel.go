package input

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/pcapflow/pcapflow/pipeline"
)

// parallel reads up to Options.Jobs inputs at once, each on its own
// goroutine into batches of its own. Emitting is serialised, so every
// input's batches keep their order (and Batch.Seq numbers the interleaving).
func (s *Source) parallel(ctx context.Context, em *pipeline.Emitter, states []*inputState) error {
	var mu sync.Mutex
	emit := func(ctx context.Context, b *pipeline.Batch) error {
		mu.Lock()
		defer mu.Unlock()
		return em.Emit(ctx, b)
	}
	eg, ctx := errgroup.WithContext(ctx)
	next := make(chan *inputState)
	eg.Go(func() error {
		defer close(next)
		for _, st := range states {
			select {
			case next <- st:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
		return nil
	})
	for range min(s.opts.Jobs, len(states)) {
		eg.Go(func() error {
			for st := range next {
				if err := s.readOne(ctx, em, emit, st); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return eg.Wait()
}

// readOne reads one input from its first frame to its end into batches of
// its own, emitting the last partial batch too.
func (s *Source) readOne(ctx context.Context, em *pipeline.Emitter, emit emitFunc, st *inputState) error {
	tab := em.Inputs()
	if err := s.open(ctx, st, tab); err != nil {
		return s.damaged(st, err, tab)
	}
	defer st.close()
	b, err := em.Batch(ctx)
	if err != nil {
		return err
	}
	err = s.drain(ctx, em, emit, st, &b)
	s.noteSnaplen(st)
	st.flush(tab)
	if err != nil {
		if b != nil {
			b.Reset()
			_ = emit(ctx, b) // an empty batch goes back to the free list
		}
		return err
	}
	return emit(ctx, b)
}
