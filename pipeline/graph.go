// Package pipeline runs a graph of stages over batches of packets:
//
//	Source ──► parallel Stages ──► reorder ──► ordered Stages, sink stages ──► fan-out ──► Sink, Sink…
//
// A Source fills batches taken from a bounded free list (which is what bounds
// memory and applies backpressure). Parallel stages (decoding) run on several
// workers, each with its own Processor, so batches finish out of order; the
// reorder step restores the source's order by Batch.Seq before ordered
// (stateful) stages and sinks, so output never depends on the worker count.
// A sink may bring a stateful stage of its own (SinkStager), which runs
// after the ordered stages, one batch ahead of the sink's Consume.
// Fan-out hands each batch to every sink with a reference count; the last
// sink to release it returns it to the free list.
//
// Cancellation and errors follow errgroup: every blocking send selects on
// ctx.Done(), the first error cancels the rest, and every sink is closed
// (flushed, footers written) whatever happened, with errors joined.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// Source produces the packets of a run.
type Source interface {
	// Run fills batches obtained from em.Batch and hands them to em.Emit
	// until the input ends (it returns nil), ctx is cancelled, or a fatal
	// error occurs. Damage that the run can survive is recorded in the
	// Inputs table, not returned.
	Run(ctx context.Context, em *Emitter) error
}

// Stage changes batches in place: decode headers, compute keys, filter.
type Stage interface {
	// Name identifies the stage in counters and errors.
	Name() string
	// NewProcessor returns the state one worker needs (a decoder, scratch
	// buffers). Each Processor is used by one goroutine at a time.
	NewProcessor() Processor
}

// Processor is one worker's instance of a Stage.
type Processor interface {
	// Process changes b in place. An error stops the run.
	Process(b *Batch) error
}

// Sink reads batches in source order.
type Sink interface {
	// Name identifies the sink in errors.
	Name() string
	// Consume reads b. It must not keep any reference into b after it returns.
	Consume(ctx context.Context, b *Batch) error
	// Close flushes and finishes the output. aborted is true when the run
	// failed or was cancelled; the sink must then not leave output that looks
	// complete. Close is called exactly once for every sink of a run.
	Close(aborted bool) error
}

// SinkStager is implemented by a sink that has stateful work of its own
// which must see every batch in source order (a tracker whose per-packet
// results the sink then reads). The graph runs the sink's stage on its
// ordering goroutine, after every Graph.Ordered stage and before the
// batch is handed to the sinks, so that the stage works on one batch while
// the sinks consume the one before. A nil stage is skipped. The stage must
// not drop or reorder packets.
type SinkStager interface {
	// SinkStage returns the sink's stage, or nil. It is called once per
	// run, before the first batch.
	SinkStage() Stage
}

// Graph is one run's wiring. The zero values of the tuning fields pick defaults.
type Graph struct {
	Source Source
	// Stages run in parallel on Workers goroutines, in the given order per batch.
	Stages []Stage
	// Ordered stages run on one goroutine, in source order, after reordering.
	// The stages of sinks that implement SinkStager run after them.
	Ordered []Stage
	// Sinks each receive every batch, in source order.
	Sinks []Sink
	// Inputs is the run's table of inputs; Run creates one when nil.
	Inputs *Inputs

	// Workers is the number of goroutines for parallel stages (default GOMAXPROCS).
	Workers int
	// Batches is the number of batches in flight, the memory bound (default
	// 2*Workers+2: a batch being read, one per worker, and as many waiting
	// for or in the ordered stages; more only spread the run over more
	// memory, each batch's pages faulted in once and evicted from cache
	// between uses).
	Batches int
	// BatchPackets and BatchBytes size each batch (defaults 1024 and 1 MiB).
	BatchPackets, BatchBytes int
	// Progress, when not nil, receives a live progress display (use only for a terminal).
	Progress io.Writer
}

// Stats are a run's counters.
type Stats struct {
	// Packets and Bytes (captured) delivered to the sinks.
	Packets, Bytes int64
	// Batches delivered to the sinks.
	Batches int64
	// Elapsed is the wall time of the run.
	Elapsed time.Duration
	// Stages holds per-stage counters of Graph.Stages, then Graph.Ordered
	// (sink stages are not counted).
	Stages []StageStats
}

// StageStats counts the work of one stage.
type StageStats struct {
	Name    string
	Batches int64
	Packets int64
	// Busy is the time spent in Process, summed over workers.
	Busy time.Duration
}

type stageCounters struct {
	batches, packets, busy atomic.Int64
}

// Emitter is a Source's handle on the graph.
type Emitter struct {
	free    *freeList
	out     chan<- *Batch
	seq     uint64
	inputs  *Inputs
	packets atomic.Int64
}

// Inputs returns the run's input table.
func (e *Emitter) Inputs() *Inputs { return e.inputs }

// Batch returns an empty batch, waiting for one to be free.
func (e *Emitter) Batch(ctx context.Context) (*Batch, error) {
	return e.free.get(ctx)
}

// Emit sends a filled batch down the graph and gives up the caller's hold on
// it. Empty batches are recycled.
func (e *Emitter) Emit(ctx context.Context, b *Batch) error {
	if len(b.Packets) == 0 {
		b.refs.Store(1)
		b.Release()
		return nil
	}
	b.Seq = e.seq
	e.seq++
	e.packets.Add(int64(len(b.Packets)))
	select {
	case e.out <- b:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// Packets returns the number of packets emitted so far.
func (e *Emitter) Packets() int64 { return e.packets.Load() }

// freeList is the bounded pool of batches. Batches are made when first
// needed, up to the bound: a small input uses one or two, and each new
// batch is written by its source right away, before a garbage collection
// can scan its untouched pages (see NewBatch).
type freeList struct {
	c              chan *Batch
	made           atomic.Int32
	n              int32
	packets, bytes int
}

func newFreeList(n, packets, bytes int) *freeList {
	return &freeList{c: make(chan *Batch, n), n: int32(n), packets: packets, bytes: bytes}
}

// get returns a free batch, making one while fewer than the bound exist,
// else waiting for one to be returned.
func (f *freeList) get(ctx context.Context) (*Batch, error) {
	select {
	case b := <-f.c:
		return b, nil
	default:
	}
	for {
		m := f.made.Load()
		if m >= f.n {
			break
		}
		if f.made.CompareAndSwap(m, m+1) {
			b := NewBatch(f.packets, f.bytes)
			b.home = f
			return b, nil
		}
	}
	select {
	case b := <-f.c:
		return b, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

func (f *freeList) put(b *Batch) {
	b.Reset()
	select {
	case f.c <- b:
	default:
		// Not one of ours (a test's batch): drop it.
	}
}

// Run executes the graph until the source ends or an error occurs. It returns
// the first error (with sink Close errors joined) and the run's counters.
func (g *Graph) Run(ctx context.Context) (Stats, error) {
	start := time.Now()
	workers := g.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	nb := g.Batches
	if nb <= 0 {
		nb = 2*workers + 2
	}
	if nb < workers+2 {
		nb = workers + 2
	}
	bp, bb := g.BatchPackets, g.BatchBytes
	if bp <= 0 {
		bp = 1024
	}
	if bb <= 0 {
		bb = 1 << 20
	}
	if g.Inputs == nil {
		g.Inputs = &Inputs{}
	}
	free := newFreeList(nb, bp, bb)

	parallel := make([]stageCounters, len(g.Stages))
	ordered := make([]stageCounters, len(g.Ordered))
	var delivered, deliveredBytes, deliveredBatches atomic.Int64

	eg, ctx := errgroup.WithContext(ctx)
	raw := make(chan *Batch)
	done := make(chan *Batch, workers)
	em := &Emitter{free: free, out: raw, inputs: g.Inputs}

	if g.Progress != nil {
		stop := startProgress(g.Progress, g.Inputs, &em.packets)
		defer stop()
	}

	eg.Go(func() error {
		defer close(raw)
		if err := g.Source.Run(ctx, em); err != nil {
			return fmt.Errorf("source: %w", err)
		}
		return nil
	})

	var running atomic.Int32
	running.Store(int32(workers))
	for w := 0; w < workers; w++ {
		procs := make([]Processor, len(g.Stages))
		for i, s := range g.Stages {
			procs[i] = s.NewProcessor()
		}
		eg.Go(func() error {
			defer func() {
				if running.Add(-1) == 0 {
					close(done)
				}
			}()
			for {
				var b *Batch
				select {
				case b = <-raw:
				case <-ctx.Done():
					return context.Cause(ctx)
				}
				if b == nil {
					return nil
				}
				for i, p := range procs {
					if err := runStage(p, b, &parallel[i]); err != nil {
						return fmt.Errorf("stage %s: %w", g.Stages[i].Name(), err)
					}
				}
				select {
				case done <- b:
				case <-ctx.Done():
					return context.Cause(ctx)
				}
			}
		})
	}

	sinkIn := make([]chan *Batch, len(g.Sinks))
	for i := range g.Sinks {
		sinkIn[i] = make(chan *Batch, 2)
	}
	orderedProcs := make([]Processor, len(g.Ordered))
	for i, s := range g.Ordered {
		orderedProcs[i] = s.NewProcessor()
	}
	ownStages, ownProcs := sinkStages(g.Sinks)
	ownCounters := make([]stageCounters, len(ownStages))
	eg.Go(func() error {
		defer func() {
			for _, c := range sinkIn {
				close(c)
			}
		}()
		pending := make(map[uint64]*Batch)
		var next uint64
		for {
			var b *Batch
			select {
			case b = <-done:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
			if b == nil {
				if len(pending) > 0 {
					return fmt.Errorf("pipeline: %d batches lost in reordering", len(pending))
				}
				return nil
			}
			pending[b.Seq] = b
			for {
				b, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				next++
				for i, p := range orderedProcs {
					if err := runStage(p, b, &ordered[i]); err != nil {
						return fmt.Errorf("stage %s: %w", g.Ordered[i].Name(), err)
					}
				}
				for i, p := range ownProcs {
					if err := runStage(p, b, &ownCounters[i]); err != nil {
						return fmt.Errorf("stage %s: %w", ownStages[i].Name(), err)
					}
				}
				delivered.Add(int64(len(b.Packets)))
				deliveredBatches.Add(1)
				var n int64
				for i := range b.Packets {
					n += int64(b.Packets[i].CapLen)
				}
				deliveredBytes.Add(n)
				if len(sinkIn) == 0 {
					b.refs.Store(1)
					b.Release()
					continue
				}
				b.refs.Store(int32(len(sinkIn)))
				for _, c := range sinkIn {
					select {
					case c <- b:
					case <-ctx.Done():
						return context.Cause(ctx)
					}
				}
			}
		}
	})

	for i, s := range g.Sinks {
		in := sinkIn[i]
		eg.Go(func() error {
			for b := range in {
				err := s.Consume(ctx, b)
				b.Release()
				if err != nil {
					return named(s.Name(), err)
				}
			}
			return nil
		})
	}

	err := eg.Wait()
	aborted := err != nil
	for _, s := range g.Sinks {
		if cerr := s.Close(aborted); cerr != nil {
			err = errors.Join(err, newLines(err, named(s.Name(), cerr)))
		}
	}

	st := Stats{
		Packets: delivered.Load(),
		Bytes:   deliveredBytes.Load(),
		Batches: deliveredBatches.Load(),
		Elapsed: time.Since(start),
	}
	for i, s := range g.Stages {
		st.Stages = append(st.Stages, parallel[i].stats(s.Name()))
	}
	for i, s := range g.Ordered {
		st.Stages = append(st.Stages, ordered[i].stats(s.Name()))
	}
	return st, err
}

// sinkStages returns the stages of the sinks that have one (see
// SinkStager), in sink order, and a processor of each.
func sinkStages(sinks []Sink) ([]Stage, []Processor) {
	var stages []Stage
	var procs []Processor
	for _, s := range sinks {
		if ss, ok := s.(SinkStager); ok {
			if st := ss.SinkStage(); st != nil {
				stages = append(stages, st)
				procs = append(procs, st.NewProcessor())
			}
		}
	}
	return stages, procs
}

// newLines returns cerr without the lines that err already says (a sink's
// sticky write error comes back from Close too: it is reported once), or
// nil when nothing is new.
func newLines(err, cerr error) error {
	if err == nil {
		return cerr
	}
	said := err.Error()
	var fresh []string
	for _, l := range strings.Split(cerr.Error(), "\n") {
		if !strings.Contains(said, l) {
			fresh = append(fresh, l)
		}
	}
	switch len(fresh) {
	case 0:
		return nil
	case strings.Count(cerr.Error(), "\n") + 1:
		return cerr
	}
	return errors.New(strings.Join(fresh, "\n"))
}

// named prefixes err with the component's name unless it already starts with it.
func named(name string, err error) error {
	if strings.HasPrefix(err.Error(), name+":") {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}

func runStage(p Processor, b *Batch, c *stageCounters) error {
	t := time.Now()
	err := p.Process(b)
	c.busy.Add(int64(time.Since(t)))
	c.batches.Add(1)
	c.packets.Add(int64(len(b.Packets)))
	return err
}

func (c *stageCounters) stats(name string) StageStats {
	return StageStats{
		Name:    name,
		Batches: c.batches.Load(),
		Packets: c.packets.Load(),
		Busy:    time.Duration(c.busy.Load()),
	}
}
