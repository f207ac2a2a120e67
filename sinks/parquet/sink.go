package parquet

import (
	"context"
	"errors"
	"fmt"

	"github.com/pcapflow/pcapflow/decoders/flows"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Sink is the Parquet pipeline.Sink. It tracks flows itself (in capture
// order), so packet rows carry their flow id and the flows table gets one
// row per finished flow.
type Sink struct {
	o       Options
	packets []*tableWriter
	flowsW  []*tableWriter
	tab     *flows.Table
	err     error // first error met while emitting flow rows
	closed  bool
	ctx     PacketContext
	names   map[pipeline.InputID]string
}

// New returns a sink writing the tables of opts under opts.Dir.
func New(opts Options) (*Sink, error) {
	opts.fill()
	switch opts.Partition {
	case PartitionNone, PartitionDate, PartitionHour:
	default:
		return nil, fmt.Errorf("parquet: unknown partitioning %q (want none, date or hour)", opts.Partition)
	}
	if opts.Dir == "" {
		return nil, errors.New("parquet: no output directory")
	}
	s := &Sink{o: opts, names: make(map[pipeline.InputID]string)}
	seen := map[string]bool{}
	for _, name := range opts.Tables {
		mk, ok := tableMakers[name]
		if !ok {
			return nil, fmt.Errorf("parquet: unknown table %q (known: %v)", name, TableNames())
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		t := mk()
		w := newTableWriter(t, &s.o)
		switch t.(type) {
		case PacketTable:
			s.packets = append(s.packets, w)
		case FlowTable:
			s.flowsW = append(s.flowsW, w)
		}
	}
	fo := opts.Flows
	fo.Emit = s.emitFlow
	s.tab = flows.NewTable(fo)
	return s, nil
}

// Name returns "parquet".
func (s *Sink) Name() string { return "parquet" }

// sourceName returns the name of input id, cached.
func (s *Sink) sourceName(id pipeline.InputID) string {
	if n, ok := s.names[id]; ok {
		return n
	}
	n := s.o.Inputs.Name(id)
	s.names[id] = n
	return n
}

// Consume writes the rows of every packet of b.
func (s *Sink) Consume(ctx context.Context, b *pipeline.Batch) error {
	for i := range b.Packets {
		p := &b.Packets[i]
		data := b.Bytes(p)
		id, dir := s.tab.Observe(p, data)
		if s.err != nil {
			return s.err
		}
		s.ctx = PacketContext{FlowID: id, Dir: dir, SourceFile: s.sourceName(p.Input)}
		if id != 0 {
			s.ctx.CommunityID = s.tab.CommunityID()
		}
		for _, w := range s.packets {
			f, err := w.fileFor(p.Timestamp)
			if err != nil {
				return err
			}
			n := f.packets.AppendPacket(p, data, &s.ctx)
			w.rows += int64(n)
			if err := f.added(n); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// emitFlow writes a finished flow's rows.
func (s *Sink) emitFlow(r *flows.Record) {
	if s.err != nil {
		return
	}
	for _, w := range s.flowsW {
		f, err := w.fileFor(r.First)
		if err != nil {
			s.err = err
			return
		}
		f.flows.AppendFlow(r, s.sourceName(r.FirstInput))
		w.rows++
		if err := f.added(1); err != nil {
			s.err = err
			return
		}
	}
}

// Close finishes the output. When the run completed (aborted false) it
// emits the flows still open, writes every footer and renames the files
// into place; when aborted it removes every file it was writing, so no
// complete-looking output remains.
func (s *Sink) Close(aborted bool) error {
	if s.closed {
		return nil
	}
	s.closed = true
	all := append(append([]*tableWriter(nil), s.packets...), s.flowsW...)
	if !aborted {
		s.tab.Flush()
		if s.err == nil {
			var errs []error
			for _, w := range all {
				if err := w.commit(); err != nil {
					errs = append(errs, err)
				}
			}
			return joinErrs(errs)
		}
	}
	var errs []error
	if s.err != nil {
		errs = append(errs, s.err)
	}
	for _, w := range all {
		if err := w.abort(); err != nil {
			errs = append(errs, err)
		}
	}
	return joinErrs(errs)
}

// Rows returns the number of rows written so far per table name.
func (s *Sink) Rows() map[string]int64 {
	m := make(map[string]int64)
	for _, w := range append(append([]*tableWriter(nil), s.packets...), s.flowsW...) {
		m[w.t.Name()] = w.rows
	}
	return m
}

func joinErrs(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errors.Join(errs...)
}
