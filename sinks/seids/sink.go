package seids

import (
	"context"

	"github.com/pcapflow/pcapflow/pipeline"
)

// Consume reads the PFCP packets of b in order.
func (s *Sink) Consume(ctx context.Context, b *pipeline.Batch) error {
	if s.sess != nil {
		s.consumeSessions(b)
		return ctx.Err()
	}
	t := s.tables.take(b)
	if t != nil {
		defer s.tables.put(t)
	}
	if t == nil || len(t.rows) != len(b.Packets) {
		// No Stage ran (or a later stage dropped packets): prepare the
		// batch here.
		t = &s.own
		s.pr.prepare(b, t)
	}
	if !t.correlated {
		s.correlate(t)
	}
	for i := range t.rows {
		row := &t.rows[i]
		if !row.pfcp {
			continue
		}
		for _, ref := range t.decided[row.dec0:row.dec1] {
			s.decide(ref, row.session)
		}
		prefix, suffix := t.lines[row.start:row.mid], t.lines[row.mid:row.end]
		if s.queue.len() == 0 && !row.pending {
			if err := s.writeLine(row.input, prefix, row.session, suffix); err != nil {
				return err
			}
			continue
		}
		q := s.queue.push(prefix, suffix)
		q.ref, q.ts, q.input, q.pending, q.session = row.ref, row.time, row.input, row.pending, row.session
		if err := s.drain(row.time, false); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// consumeSessions feeds the PFCP packets of b to the session tracker.
func (s *Sink) consumeSessions(b *pipeline.Batch) {
	t := s.tables.take(b)
	if t != nil {
		defer s.tables.put(t)
	}
	if t == nil || len(t.rows) != len(b.Packets) {
		t = &s.own
		s.pr.prepareSessions(b, t)
	}
	if !t.correlated {
		s.correlateSessions(b, t)
	}
	for i := range t.rows {
		row := &t.rows[i]
		if !row.pfcp {
			continue
		}
		m := message(&b.Packets[i], row.ref, &t.sums[i])
		s.sess.add(&m, &b.Packets[i], row.session, t.decided[row.dec0:row.dec1])
	}
}

// decide gives session id to the queued establishment request ref, unless
// its line was already written (given up on).
func (s *Sink) decide(ref uint64, id int) {
	if s.queue.len() == 0 {
		return
	}
	first := s.queue.front().ref
	if ref < first || ref-first >= uint64(s.queue.len()) {
		return
	}
	if q := s.queue.at(int(ref - first)); q.ref == ref && q.pending {
		q.session, q.pending = id, false
	}
}

// drain writes queued lines from the front up to the first undecided
// establishment request, giving up on it when it is too old (packet time
// now) or too many lines wait; all of them when final.
func (s *Sink) drain(now int64, final bool) error {
	for s.queue.len() > 0 {
		q := s.queue.front()
		if q.pending && !final && now-q.ts <= int64(s.opts.Timeout) && s.queue.len() <= s.opts.MaxPending {
			return nil
		}
		if err := s.writeLine(q.input, s.queue.text[q.start:q.mid], q.session, s.queue.text[q.mid:q.end]); err != nil {
			return err
		}
		s.queue.pop()
	}
	return nil
}

// writeLine writes one message line: prefix, session id, suffix, after
// the CSV header or, in text, a "# NAME" line where the input changes.
func (s *Sink) writeLine(input pipeline.InputID, prefix []byte, session int, suffix []byte) error {
	switch s.format {
	case fmtCSV:
		if !s.headerDone {
			if err := s.writeCSVHeader(); err != nil {
				return err
			}
		}
	case fmtText:
		if !s.anyLine || input != s.lastInput {
			if name := s.inputName(input); name != "" {
				if _, err := s.w.WriteString("# " + name + "\n"); err != nil {
					return err
				}
			}
		}
		s.anyLine, s.lastInput = true, input
	}
	// One Write of the whole line, assembled in the writer's free space
	// (flushed first if the line does not fit; a line longer than the
	// whole buffer is assembled in s.line).
	need := len(prefix) + len(suffix) + 20
	b := s.w.AvailableBuffer()
	if cap(b) < need && s.w.Buffered() > 0 {
		if err := s.w.Flush(); err != nil {
			return err
		}
		b = s.w.AvailableBuffer()
	}
	long := cap(b) < need
	if long {
		b = s.line[:0]
	}
	b = append(b, prefix...)
	b = appendSession(b, s.format, session)
	b = append(b, suffix...)
	if long {
		s.line = b[:0] // keep the grown buffer
	}
	_, err := s.w.Write(b)
	return err
}

// Close writes what is left: queued lines, or the session tables.
func (s *Sink) Close(aborted bool) error {
	if s.closed {
		return nil
	}
	s.closed = true
	var err error
	if s.sess != nil {
		if !aborted {
			err = s.writeSessions()
		}
	} else {
		err = s.drain(0, true)
		if err == nil && !s.headerDone && s.format == fmtCSV {
			err = s.writeCSVHeader()
		}
	}
	if ferr := s.w.Flush(); err == nil {
		err = ferr
	}
	return err
}
