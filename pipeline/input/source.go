package input

import (
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"sync"

	"github.com/pcapflow/pcapflow/pipeline"
)

// Options tune a Source.
type Options struct {
	// Merge reads all inputs at once and delivers frames in timestamp order
	// (like mergecap); ties are broken by input order, then frame order.
	Merge bool
	// Strict makes damage in any input a fatal error for the run.
	Strict bool
	// Stdin is what "-" reads (os.Stdin when nil).
	Stdin io.Reader
	// Jobs, when above 1, reads that many inputs at once (not with Merge).
	// Each input's frames stay in order and a batch never mixes inputs,
	// but batches of different inputs interleave in an order that changes
	// from run to run: use it only for sinks whose output does not depend
	// on the order across inputs.
	Jobs int
}

// Source is a pipeline.Source over capture files.
type Source struct {
	paths []string
	opts  Options

	mu      sync.Mutex
	snaplen map[pipeline.InputID]uint32
}

// NewSource returns a Source over the expansion (see Expand) of paths.
func NewSource(paths []string, opts Options) (*Source, error) {
	exp, err := Expand(paths)
	if err != nil {
		return nil, err
	}
	if len(exp) == 0 {
		return nil, errors.New("no capture files in the given paths")
	}
	return &Source{paths: exp, opts: opts, snaplen: map[pipeline.InputID]uint32{}}, nil
}

// NewSourceFiles returns a Source over exactly the given files, in order,
// without expanding directories, globs or lists (the caller did, for
// example before sharding). Unlike NewSource it accepts an empty list: the
// Source then delivers nothing.
func NewSourceFiles(files []string, opts Options) *Source {
	return &Source{paths: slices.Clone(files), opts: opts, snaplen: map[pipeline.InputID]uint32{}}
}

// Paths returns the inputs in run order.
func (s *Source) Paths() []string { return s.paths }

// Snaplen returns the snap length declared by input id's file header (see
// Reader.Snaplen), or 0 when it is not set or the input was not opened.
func (s *Source) Snaplen(id pipeline.InputID) uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snaplen[id]
}

// noteSnaplen records the snap length of st's open reader.
func (s *Source) noteSnaplen(st *inputState) {
	if st.rd == nil {
		return
	}
	n := st.rd.Snaplen()
	s.mu.Lock()
	s.snaplen[st.id] = n
	s.mu.Unlock()
}

// Run registers every input in em.Inputs(), then reads them one after the
// other (or merged by time with Options.Merge) into batches.
func (s *Source) Run(ctx context.Context, em *pipeline.Emitter) error {
	tab := em.Inputs()
	states := make([]*inputState, len(s.paths))
	var total int64
	for i, name := range s.paths {
		var size int64
		if name != "-" {
			if st, err := os.Stat(name); err == nil {
				size = st.Size()
			}
		}
		total += size
		states[i] = &inputState{name: name, id: tab.Add(&pipeline.Input{Name: name, Size: size})}
	}
	tab.TotalBytes.Add(total)
	defer func() {
		for _, st := range states {
			st.close()
		}
	}()
	switch {
	case s.opts.Merge:
		return s.merge(ctx, em, states)
	case s.opts.Jobs > 1 && len(states) > 1:
		return s.parallel(ctx, em, states)
	}
	return s.sequential(ctx, em, states)
}

// sequential reads the inputs one after the other into shared batches.
func (s *Source) sequential(ctx context.Context, em *pipeline.Emitter, states []*inputState) error {
	tab := em.Inputs()
	b, err := em.Batch(ctx)
	if err != nil {
		return err
	}
	for _, st := range states {
		if err := s.open(ctx, st, tab); err != nil {
			if err := s.damaged(st, err, tab); err != nil {
				return err
			}
			continue
		}
		err := s.drain(ctx, em, em.Emit, st, &b)
		s.noteSnaplen(st)
		st.close()
		st.flush(tab)
		if err != nil {
			return err
		}
	}
	return em.Emit(ctx, b)
}

// drain reads one input to its end or its damage, emitting full batches.
func (s *Source) drain(ctx context.Context, em *pipeline.Emitter, emit emitFunc, st *inputState, b **pipeline.Batch) error {
	tab := em.Inputs()
	for {
		err := st.rd.ReadPacket(*b, st.id)
		switch err {
		case nil:
			st.count(&(*b).Packets[(*b).Len()-1])
		case ErrBatchFull:
			st.flush(tab)
			if err := nextBatch(ctx, em, emit, b); err != nil {
				return err
			}
		case io.EOF:
			return nil
		default:
			if ctx.Err() != nil { // interrupted, not damaged
				return context.Cause(ctx)
			}
			// Damage the reader read on after is recorded, and the
			// reading goes on (unless Strict makes it end the run).
			if derr := s.damaged(st, err, tab); derr != nil || !readOn(err) {
				return derr
			}
		}
	}
}

// emitFunc sends a batch down the graph: Emitter.Emit, or a wrapper that
// serialises it between goroutines.
type emitFunc func(context.Context, *pipeline.Batch) error

// nextBatch emits *b and replaces it with an empty batch.
func nextBatch(ctx context.Context, em *pipeline.Emitter, emit emitFunc, b **pipeline.Batch) error {
	if err := emit(ctx, *b); err != nil {
		return err
	}
	*b = nil
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	nb, err := em.Batch(ctx)
	if err != nil {
		return err
	}
	*b = nb
	return nil
}

// open opens an input and reads its file header.
func (s *Source) open(ctx context.Context, st *inputState, tab *pipeline.Inputs) error {
	var r io.Reader
	if st.name == "-" {
		r = s.opts.Stdin
		if r == nil {
			r = os.Stdin
		}
	} else {
		f, err := os.Open(st.name)
		if err != nil {
			return err
		}
		st.file = f
		r = f
	}
	if mayBlock(r) {
		r = newCancelReader(ctx, r)
	}
	rd, err := NewReader(&countingReader{r: r, n: &tab.ReadBytes})
	if err != nil {
		st.close()
		return err
	}
	// Read on after damage, unless damage is to end the run.
	rd.SetResync(!s.opts.Strict)
	st.rd = rd
	tab.Update(st.id, func(in *pipeline.Input) {
		in.Format = rd.Format()
		in.Compression = rd.Compression()
	})
	return nil
}

// damaged records err as damage of the input. With Options.Strict it
// returns the error that ends the run, naming the input.
func (s *Source) damaged(st *inputState, err error, tab *pipeline.Inputs) error {
	var d *pipeline.Damage
	if !errors.As(err, &d) {
		// Not a parse failure (the file could not be opened): the input is
		// lost from its first byte.
		d = newDamage(1, 0, err)
	}
	st.flush(tab)
	tab.Update(st.id, func(in *pipeline.Input) { in.AddDamage(d) })
	if s.opts.Strict {
		return &pipeline.InputError{Name: st.name, Err: d}
	}
	return nil
}

// readOn reports whether err is damage the reader read on after: it
// skipped to the next record that reads as one (see Reader.ReadPacket).
func readOn(err error) bool {
	var d *pipeline.Damage
	return errors.As(err, &d) && d.Skipped > 0
}
