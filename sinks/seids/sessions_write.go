package seids

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

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
			s.sw = &textSessions{w: s.w}
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

// textSessions writes aligned columns: the sessions, an empty line and
// the node pairs. Alignment needs every row, so the session rows are
// kept (as text) until sessionsDone, which writes them by session id
// (they come in the order sessions end), the incomplete ones last.
type textSessions struct {
	w    *output
	tw   *tabwriter.Writer
	buf  []byte
	rows []textRow
}

// textRow is a session row's text, buf[start:end].
type textRow struct {
	id         int
	start, end int
}

func seidText(p *uint64) string {
	if p == nil {
		return "-"
	}
	return "0x" + strconv.FormatUint(*p, 16)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (r *SessionRow) fteidText() string {
	var parts []string
	for _, f := range r.FTEIDs {
		a := ""
		if f.IPv4 != nil {
			a = *f.IPv4
		} else if f.IPv6 != nil {
			a = *f.IPv6
		}
		mark := ""
		if f.Source == SourceOHC {
			mark = "->"
		}
		parts = append(parts, fmt.Sprintf("%s0x%x@%s", mark, f.TEID, a))
	}
	return strings.Join(parts, ";")
}

func latencyText(l *Latency) string {
	if l == nil {
		return "-"
	}
	return fmt.Sprintf("%.3f/%.3f/%.3f", l.Min/1e3, l.Median/1e3, l.Max/1e3)
}

// start writes the sessions' title, once.
func (x *textSessions) start() {
	if x.tw == nil {
		x.tw = tabwriter.NewWriter(x.w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(x.tw, "SESSION\tSTATE\tCP F-SEID\tUP F-SEID\tCP NODE\tUP NODE\tESTABLISHED\tLAST\tDELETED\tMSGS\tBY TYPE\tUE IPS\tF-TEIDS\tLATENCY ms (min/med/max)\tRETRANS\tUNANSWERED\tGTP-U PKTS\tGTP-U BYTES")
	}
}

func (x *textSessions) session(r *SessionRow) error {
	id := "-"
	if r.Session > 0 {
		id = strconv.Itoa(r.Session)
	}
	start := len(x.buf)
	x.buf = fmt.Appendf(x.buf, "%s\t%s\t%s@%s\t%s@%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\n",
		id, r.State, seidText(r.CPSEID), r.CPAddr, seidText(r.UPSEID), r.UPAddr, orDash(r.CPNode), orDash(r.UPNode),
		orDash(r.Estab), orDash(r.Last), orDash(r.Deleted), r.Messages, r.ByType.text(),
		orDash(strings.Join(r.UEIPs, ";")), orDash(r.fteidText()), latencyText(r.Latency), r.Retrans, r.Unanswer, r.GTPUPackets, r.GTPUBytes)
	x.rows = append(x.rows, textRow{id: r.Session, start: start, end: len(x.buf)})
	return nil
}

func (x *textSessions) sessionsDone(pairs bool) error {
	x.start()
	slices.SortStableFunc(x.rows, func(a, b textRow) int {
		ka, kb := a.id, b.id
		if ka <= 0 {
			ka = math.MaxInt
		}
		if kb <= 0 {
			kb = math.MaxInt
		}
		return cmp.Compare(ka, kb)
	})
	for _, r := range x.rows {
		if _, err := x.tw.Write(x.buf[r.start:r.end]); err != nil {
			return err
		}
	}
	x.buf, x.rows = nil, nil
	if err := x.tw.Flush(); err != nil {
		return err
	}
	if !pairs {
		return nil
	}
	if _, err := x.w.WriteString("\n"); err != nil {
		return err
	}
	x.tw = tabwriter.NewWriter(x.w, 0, 0, 2, ' ', 0)
	_, err := fmt.Fprintln(x.tw, "NODE A\tNODE B\tNODE IDS\tMSGS\tASSOCIATION\tHEARTBEAT\tBY TYPE\tREQUESTS\tRETRANS\tUNANSWERED\tLATENCY ms (min/mean/max)")
	return err
}

func (x *textSessions) pair(p *PairRow) error {
	_, err := fmt.Fprintf(x.tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%d\t%d\t%d\t%s\n", p.A, p.B, orDash(strings.Join(p.Nodes, ";")),
		p.Messages, p.AssocMsgs, p.Heartbeat, p.ByType.text(), p.Requests, p.Retrans, p.Unanswer, latencyText(p.Latency))
	return err
}

func (x *textSessions) close() error { return x.tw.Flush() }
