package seids

import (
	"context"

	"github.com/pcapflow/pcapflow/pipeline"
)

// Consume reads the PFCP packets of b in order.
func (s *Sink) Consume(ctx context.Context, b *pipeline.Batch) error {
	if s.sess != nil {
		if err := s.consumeSessions(b); err != nil {
			return err
		}
		return ctx.Err()
	}
	t := s.tables.take(b)
	if t == nil || len(t.rows) != len(b.Packets) {
		// No Stage ran (or a later stage dropped packets): prepare the
		// batch here.
		if t != nil {
			s.tables.put(t)
		}
		t = s.tables.get()
		s.pr.prepare(b, t)
	}
	defer s.hold(t)
	if !t.correlated {
		s.correlate(t)
	}
	for i := range t.rows {
		row := &t.rows[i]
		if !row.pfcp {
			continue
		}
		session := int(row.session)
		if row.dec1 > row.dec0 { // most rows decide no request
			for _, ref := range t.decided[row.dec0:row.dec1] {
				s.decide(ref, session)
			}
		}
		if s.queue.len() == 0 && !row.pending {
			if err := s.writeLine(row.input, t.lines[row.start:row.mid], session, t.lines[row.mid:row.end]); err != nil {
				return err
			}
			continue
		}
		q := s.queue.push(t, int(row.start), int(row.mid), int(row.end))
		q.ref, q.ts, q.input, q.pending, q.session = row.ref, row.dig.Time, row.input, row.pending, session
		if err := s.drain(row.dig.Time, false); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// consumeSessions feeds the PFCP packets of b to the session tracker
// and writes the rows of the sessions that ended.
func (s *Sink) consumeSessions(b *pipeline.Batch) error {
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
	for i := len(t.rows) - 1; i >= 0; i-- {
		if t.rows[i].pfcp {
			s.takeEnds(t.rows[i].ref)
			break
		}
	}
	for i := range t.rows {
		row := &t.rows[i]
		if !row.pfcp {
			continue
		}
		m := message(&b.Packets[i], row.ref, &t.sums[i])
		s.sess.add(&m, &b.Packets[i], int(row.session), t.decided[row.dec0:row.dec1])
		// Most messages end no session.
		if s.endHead < len(s.pendEnds) || len(s.sess.ready) > 0 {
			if err := s.settle(row.ref); err != nil {
				return err
			}
		}
	}
	return nil
}

// settle hands the tracker the sessions that ended as of message ref and
// writes the rows ready.
func (s *Sink) settle(ref uint64) error {
	s.trackEnds(ref)
	return s.writeReady()
}

// takeEnds moves the sessions that ended as of messages up to ref from
// the Correlate side's queue to the sink's.
func (s *Sink) takeEnds(ref uint64) {
	if s.endHead == len(s.pendEnds) {
		s.pendEnds, s.endHead = s.pendEnds[:0], 0
	}
	s.pendEnds = s.ends.take(ref, s.pendEnds)
}

// trackEnds hands the tracker the sessions that ended as of messages up
// to ref.
func (s *Sink) trackEnds(ref uint64) {
	for s.endHead < len(s.pendEnds) && s.pendEnds[s.endHead].ref <= ref {
		s.sess.end(&s.pendEnds[s.endHead])
		s.pendEnds[s.endHead] = sessionEnd{}
		s.endHead++
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
		if err := s.writeLine(q.input, q.t.lines[q.start:q.mid], q.session, q.t.lines[q.mid:q.end]); err != nil {
			return err
		}
		if t := s.queue.pop(); t.queued == 0 && t.held {
			t.held = false
			s.held--
			s.tables.put(t)
		}
	}
	return nil
}

// maxHeld and spillChunk bound the tables kept for queued lines (see
// hold).
const (
	maxHeld    = 8
	spillChunk = 256 << 10
)

// hold keeps table t, whose batch was just consumed, while lines of it
// wait in the queue (drain recycles it after its last), and recycles it
// now otherwise. Beyond maxHeld kept tables, the waiting lines' text is
// copied into a spill table instead, lines of many batches back to back
// (closed, and kept like a batch's table, at spillChunk bytes), and t
// recycled: a request waiting long for its response, behind which few
// lines of each batch queue (PFCP in a mostly other capture), then keeps
// memory in proportion to those lines, not to their batches.
func (s *Sink) hold(t *lineTable) {
	if t.queued == 0 {
		s.tables.put(t)
		return
	}
	if s.held < maxHeld {
		t.held = true
		s.held++
		return
	}
	sp := s.spill
	if sp == nil {
		sp = s.tables.get()
		s.spill = sp
	}
	if sp.queued == 0 {
		sp.lines = sp.lines[:0]
	}
	// t's lines are the last in the queue: it was the newest batch.
	for i := s.queue.len() - t.queued; i < s.queue.len(); i++ {
		q := s.queue.at(i)
		off := len(sp.lines) - q.start
		sp.lines = append(sp.lines, t.lines[q.start:q.end]...)
		q.t, q.start, q.mid, q.end = sp, q.start+off, q.mid+off, q.end+off
	}
	sp.queued += t.queued
	t.queued = 0
	s.tables.put(t)
	if len(sp.lines) >= spillChunk {
		s.spill, sp.held = nil, true
		s.held++
	}
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
	if s.w.err != nil {
		return s.w.err
	}
	b := append(s.w.buf, prefix...)
	b = appendSession(b, s.format, session)
	s.w.buf = append(b, suffix...)
	return s.w.filled()
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
		} else if x, ok := s.sw.(*textSessions); ok {
			// Nothing more is written: the rows held and the
			// spill file go now.
			x.drop()
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
