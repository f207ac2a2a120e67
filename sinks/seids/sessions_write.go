package seids

import (
	"math"
	"slices"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
)

// sessionWriter returns the writer of the session table's rows in the
// sink's format, made on first use.
func (s *Sink) sessionWriter() sessionWriter {
	if s.sw == nil {
		switch s.format {
		case fmtJSON:
			s.sw = &jsonSessions{w: s.w}
		case fmtCSV:
			s.sw = &csvSessions{w: s.w}
		default:
			s.sw = newTextSessions(s.w)
		}
		s.rb = &rowBuilder{s: s, t: s.sess}
	}
	return s.sw
}

// writeReady writes the rows of the sessions that ended (see
// tracker.ready) and forgets their records.
func (s *Sink) writeReady() error {
	t := s.sess
	if len(t.ready) == 0 {
		return nil
	}
	w := s.sessionWriter()
	for i := range t.ready {
		e := &t.ready[i]
		if err := w.session(s.rb.session(&e.ss, t.detail(e.ss.ID), e.packets, e.bytes)); err != nil {
			return err
		}
		t.drop(e.ss.ID)
	}
	clear(t.ready)
	t.ready = t.ready[:0]
	return nil
}

// writeSessions writes what is left of both tables at the end of the
// run: the sessions not written yet (alive, or ended with the run) by
// id, the establishments never answered, and the node pairs.
func (s *Sink) writeSessions() error {
	t := s.sess
	s.takeEnds(math.MaxUint64)
	s.trackEnds(math.MaxUint64)
	t.finish()
	// The sessions the Correlator dropped whose row waited for their
	// exchanges (ready now) or their GTP-U endpoints (tun.waiting), in
	// id order, merged with the ones it holds.
	left := t.ready
	t.ready = nil
	for id, ss := range s.tun.waiting {
		p, b := s.tun.of(int(id))
		left = append(left, sessionEnd{ss: ss, packets: p, bytes: b})
	}
	slices.SortFunc(left, func(a, b sessionEnd) int { return a.ss.ID - b.ss.ID })
	w := s.sessionWriter()
	write := func(ss *pfcp.Session, packets, bytes int64) error {
		err := w.session(s.rb.session(ss, t.detail(ss.ID), packets, bytes))
		t.drop(ss.ID)
		return err
	}
	err := s.corr.EachSession(func(ss *pfcp.Session) error {
		for len(left) > 0 && left[0].ss.ID < ss.ID {
			if err := write(&left[0].ss, left[0].packets, left[0].bytes); err != nil {
				return err
			}
			left = left[1:]
		}
		p, b := s.tun.of(ss.ID)
		return write(ss, p, b)
	})
	if err != nil {
		return err
	}
	for i := range left {
		if err := write(&left[i].ss, left[i].packets, left[i].bytes); err != nil {
			return err
		}
	}
	b := s.rb
	for _, in := range t.unassigned() {
		if err := w.session(b.incomplete(&in)); err != nil {
			return err
		}
	}
	if err := w.sessionsDone(len(t.pairs.list) > 0); err != nil {
		return err
	}
	for _, p := range t.pairs.list {
		if err := w.pair(b.pair(p)); err != nil {
			return err
		}
	}
	return w.close()
}

// sessionWriter writes the session table's rows in one format: sessions,
// then (when there are any) node pairs.
type sessionWriter interface {
	session(r *SessionRow) error
	sessionsDone(pairs bool) error
	pair(p *PairRow) error
	close() error
}

// jsonSessions writes one JSON object per row, as json.Marshal encodes
// them (see appendSessionJSON).
type jsonSessions struct{ w *output }

func (j *jsonSessions) session(r *SessionRow) error {
	if j.w.err != nil {
		return j.w.err
	}
	j.w.buf = append(appendSessionJSON(j.w.buf, r), '\n')
	return j.w.filled()
}

func (j *jsonSessions) sessionsDone(bool) error { return nil }

func (j *jsonSessions) pair(p *PairRow) error {
	if j.w.err != nil {
		return j.w.err
	}
	j.w.buf = append(appendPairJSON(j.w.buf, p), '\n')
	return j.w.filled()
}

func (j *jsonSessions) close() error { return nil }
