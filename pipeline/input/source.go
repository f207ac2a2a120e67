package input

import (
	"context"
	"errors"
	"io"
	"os"

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
}

// Source is a pipeline.Source over capture files.
type Source struct {
	paths []string
	opts  Options
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
	return &Source{paths: exp, opts: opts}, nil
}

// Paths returns the inputs in run order.
func (s *Source) Paths() []string { return s.paths }

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
	if s.opts.Merge {
		return s.merge(ctx, em, states)
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
		if err := s.open(st, tab); err != nil {
			if err := s.damaged(st, err, tab); err != nil {
				return err
			}
			continue
		}
		err := s.drain(ctx, em, st, &b)
		st.close()
		st.flush(tab)
		if err != nil {
			return err
		}
	}
	return em.Emit(ctx, b)
}

// drain reads one input to its end or its damage, emitting full batches.
func (s *Source) drain(ctx context.Context, em *pipeline.Emitter, st *inputState, b **pipeline.Batch) error {
	tab := em.Inputs()
	for {
		err := st.rd.ReadPacket(*b, st.id)
		switch err {
		case nil:
			st.count(&(*b).Packets[(*b).Len()-1])
		case ErrBatchFull:
			st.flush(tab)
			if err := nextBatch(ctx, em, b); err != nil {
				return err
			}
		case io.EOF:
			return nil
		default:
			return s.damaged(st, err, tab)
		}
	}
}

// nextBatch emits *b and replaces it with an empty batch.
func nextBatch(ctx context.Context, em *pipeline.Emitter, b **pipeline.Batch) error {
	if err := em.Emit(ctx, *b); err != nil {
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
func (s *Source) open(st *inputState, tab *pipeline.Inputs) error {
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
	rd, err := NewReader(&countingReader{r: r, n: &tab.ReadBytes})
	if err != nil {
		st.close()
		return err
	}
	st.rd = rd
	tab.Update(st.id, func(in *pipeline.Input) {
		in.Format = rd.Format()
		in.Compression = rd.Compression()
	})
	return nil
}

// damaged records err as the input's damage. With Options.Strict it
// returns the error that ends the run, naming the input.
func (s *Source) damaged(st *inputState, err error, tab *pipeline.Inputs) error {
	var d *pipeline.Damage
	if !errors.As(err, &d) {
		// Not a parse failure (the file could not be opened): the input is
		// lost from its first byte.
		d = newDamage(1, 0, err)
	}
	st.flush(tab)
	tab.Update(st.id, func(in *pipeline.Input) { in.Damage = d })
	if s.opts.Strict {
		return &pipeline.InputError{Name: st.name, Err: d}
	}
	return nil
}
