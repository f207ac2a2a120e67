package parquet

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/pcapflow/pcapflow/pipeline"
)

// Sink is the Parquet pipeline.Sink. It tracks flows itself (in capture
// order, in its stage when a graph runs it: see SinkStage), so packet rows
// carry their flow id and the flows table gets one row per finished flow.
type Sink struct {
	o       Options
	packets []*tableWriter
	flowsW  []*tableWriter
	msgsW   []*tableWriter // pfcp_messages
	sessW   []*tableWriter // pfcp_sessions
	httpW   []*tableWriter // http
	http    *httpState     // nil unless an HTTP table is written
	touched uint64         // keeps the loads of flowCache.touch
	pfcp    *pfcpState     // nil unless a PFCP table is written
	flows   *flowTracker
	err     error // first error met while finishing the output
	closed  bool
	names   inputNames
	stale   []string // earlier files an overwrite removes after commit
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
	s := &Sink{o: opts, names: newInputNames(opts.Inputs)}
	s.o.recycle = newRecycler(s.o.Allocator)
	seen := map[string]bool{}
	var tables []string
	for _, name := range opts.Tables {
		if _, ok := tableMakers[name]; !ok {
			return nil, fmt.Errorf("parquet: unknown table %q (known: %v)", name, TableNames())
		}
		if !seen[name] {
			seen[name] = true
			tables = append(tables, name)
		}
	}
	s.o.Tables = tables
	stale, err := prepareExisting(&s.o)
	if err != nil {
		return nil, err
	}
	s.stale = stale
	for _, name := range tables {
		mk := tableMakers[name]
		t := mk()
		w := newTableWriter(t, &s.o)
		switch t.(type) {
		case PacketTable:
			s.packets = append(s.packets, w)
		case FlowTable:
			s.flowsW = append(s.flowsW, w)
		case PFCPMessageTable:
			s.msgsW = append(s.msgsW, w)
		case PFCPSessionTable:
			s.sessW = append(s.sessW, w)
		case HTTPTable:
			s.httpW = append(s.httpW, w)
		}
	}
	if len(s.msgsW)+len(s.sessW) > 0 {
		s.pfcp = newPFCPState(s.emitPFCPMessage, s.emitPFCPSession, s.sourceName)
	}
	if len(s.httpW) > 0 {
		if s.http, err = newHTTPState(s); err != nil {
			return nil, err
		}
	}
	s.flows = newFlowTracker(s, opts.Flows)
	return s, nil
}

// Name returns "parquet".
func (s *Sink) Name() string { return "parquet" }

// SinkStage returns the sink's flow tracking as an ordered stage (see
// pipeline.SinkStager): a graph runs it ahead of Consume, so that the flow
// table observes one batch while the sink writes the rows of the one
// before. Without it Consume tracks the flows itself, with the same output.
func (s *Sink) SinkStage() pipeline.Stage { return s.flows }

// sourceName returns the name of input id.
func (s *Sink) sourceName(id pipeline.InputID) string { return s.names.name(id) }

// Consume writes the rows of every packet of b. The flow table has seen
// the packets (in capture order) in the sink's stage, or sees them here
// first; then the HTTP reassembly and the PFCP tables' correlation, when
// their tables are written, run on goroutines of their own while this one
// appends the packet rows (packets, gtp): the tables are independent, and
// all finish before Consume returns.
func (s *Sink) Consume(ctx context.Context, b *pipeline.Batch) error {
	n := s.flows.take(b)
	if n == nil {
		n = s.flows.notes()
		s.flows.observe(b, n)
	}
	defer s.flows.put(n)
	if n.err != nil {
		return n.err
	}
	pcs := n.pcs
	var httpDone, pfcpDone <-chan error
	if s.http != nil {
		httpDone = s.http.start(b, pcs)
	}
	if s.pfcp != nil {
		pfcpDone = s.pfcp.start(b, pcs)
	}
	err := s.appendRows(b, pcs)
	for _, done := range [...]<-chan error{httpDone, pfcpDone} {
		if done != nil {
			if e := <-done; err == nil {
				err = e
			}
		}
	}
	if err != nil {
		return err
	}
	return ctx.Err()
}

// appendRows appends the packet-table rows (packets, gtp) of b, whose
// packets' contexts are pcs.
func (s *Sink) appendRows(b *pipeline.Batch, pcs []PacketContext) error {
	if len(b.Packets) > 0 {
		// Load the batch's flow cache entries first (see flowCache.touch).
		for _, w := range s.packets {
			if f, err := w.fileFor(b.Packets[0].Timestamp); err == nil {
				s.touched += f.touchFlows(pcs)
			}
		}
	}
	for i := range b.Packets {
		p := &b.Packets[i]
		data := b.Bytes(p)
		pc := &pcs[i]
		for _, w := range s.packets {
			f, err := w.fileFor(p.Timestamp)
			if err != nil {
				return err
			}
			n := f.packets.AppendPacket(p, data, pc)
			w.rows += int64(n)
			if err := f.added(n); err != nil {
				return err
			}
		}
	}
	return nil
}

// emitPFCPMessage writes a PFCP datagram's row, in the partition of its
// own timestamp.
func (s *Sink) emitPFCPMessage(m *PFCPMessage) error {
	return appendRow(s.msgsW, m.Time, func(f *file) { f.pfcpMsgs.AppendPFCPMessage(m) })
}

// finishPFCP writes the PFCP rows still queued, then the rows of the
// sessions not written yet.
func (s *Sink) finishPFCP() error {
	if s.pfcp == nil {
		return nil
	}
	return s.pfcp.finish()
}

// emitPFCPSession writes a PFCP session's row, in the partition of its
// first message.
func (s *Sink) emitPFCPSession(ss *PFCPSession) error {
	return appendRow(s.sessW, ss.FirstTime, func(f *file) { f.pfcpSess.AppendPFCPSession(ss) })
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
	// Every Consume has received its workers' results: they are idle.
	if s.http != nil {
		s.http.w.stop()
	}
	if s.pfcp != nil {
		s.pfcp.w.stop()
	}
	if s.err == nil {
		s.err = s.flows.err
	}
	// Every encoder has stopped when Close returns: the buffers kept for
	// reuse go back to the allocator.
	defer s.o.recycle.release()
	all := s.writers()
	if !aborted {
		// The packet tables take no more rows: their last records are
		// encoded while the rest is written out.
		for _, w := range s.packets {
			if err := w.finish(); err != nil && s.err == nil {
				s.err = err
			}
		}
		if s.err == nil {
			s.err = s.finishTables()
		}
		if s.err == nil {
			// Every file's encoder finishes concurrently; seal waits.
			s.err = forEach(all, (*tableWriter).finish)
		}
		if s.err == nil {
			// All or nothing: every file of every table is written out and
			// closed before any is renamed into place, so a failure (a full
			// disk) leaves none of this run's files, and an --overwrite'd
			// dataset as it was.
			s.err = forEach(all, (*tableWriter).seal)
		}
		if s.err == nil {
			written := map[string]bool{}
			err := forEach(all, func(w *tableWriter) error { return w.commit(written) })
			if err == nil {
				err = removeStale(s.stale, written)
			}
			return err
		}
	}
	return errors.Join(s.err, forEach(all, (*tableWriter).abort))
}

// forEach calls fn on every writer of ws and joins the errors.
func forEach(ws []*tableWriter, fn func(*tableWriter) error) error {
	var errs []error
	for _, w := range ws {
		if err := fn(w); err != nil {
			errs = append(errs, err)
		}
	}
	return joinErrs(errs)
}

// finishTables writes the rows that wait for the end of the input — the
// flows still open, the PFCP messages still queued and the sessions, the
// HTTP exchanges of the connections still open — and hands each table's
// last records to its encoders. The three groups write different tables
// (and keep their own state), so they run at the same time.
func (s *Sink) finishTables() error {
	var wg sync.WaitGroup
	errs := make([]error, 3)
	run := func(i int, fn func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn()
		}()
	}
	run(0, s.flows.flush)
	run(1, func() error {
		if err := s.finishPFCP(); err != nil {
			return err
		}
		for _, ws := range [][]*tableWriter{s.msgsW, s.sessW} {
			for _, w := range ws {
				if err := w.finish(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if s.http != nil {
		run(2, func() error {
			if err := s.http.finish(); err != nil {
				return err
			}
			for _, w := range s.httpW {
				if err := w.finish(); err != nil {
					return err
				}
			}
			return nil
		})
	}
	wg.Wait()
	return joinErrs(errs)
}

// Tables returns the names of the tables the sink writes, in order.
func (s *Sink) Tables() []string { return append([]string(nil), s.o.Tables...) }

// Rows returns the number of rows written so far per table name.
func (s *Sink) Rows() map[string]int64 {
	m := make(map[string]int64)
	for _, w := range s.writers() {
		m[w.t.Name()] = w.rows
	}
	return m
}

// writers returns every table writer.
func (s *Sink) writers() []*tableWriter {
	var all []*tableWriter
	for _, ws := range [][]*tableWriter{s.packets, s.flowsW, s.msgsW, s.sessW, s.httpW} {
		all = append(all, ws...)
	}
	return all
}

// Compile-time check.
var _ pipeline.SinkStager = (*Sink)(nil)

func joinErrs(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errors.Join(errs...)
}
