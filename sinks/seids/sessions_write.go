package seids

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
)

// writeSessions writes both tables in the sink's format, a row at a time.
func (s *Sink) writeSessions() error {
	t := s.sess
	t.finish()
	b := &rowBuilder{s: s, t: t}
	var w sessionWriter
	switch s.format {
	case fmtJSON:
		w = &jsonSessions{w: s.w}
	case fmtCSV:
		w = &csvSessions{w: s.w}
	default:
		w = &textSessions{w: s.w}
	}
	if err := s.corr.EachSession(func(ss *pfcp.Session) error { return w.session(b.session(ss)) }); err != nil {
		return err
	}
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
// the node pairs.
type textSessions struct {
	w  *output
	tw *tabwriter.Writer
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
	x.start()
	id := "-"
	if r.Session > 0 {
		id = strconv.Itoa(r.Session)
	}
	_, err := fmt.Fprintf(x.tw, "%s\t%s\t%s@%s\t%s@%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\n",
		id, r.State, seidText(r.CPSEID), r.CPAddr, seidText(r.UPSEID), r.UPAddr, orDash(r.CPNode), orDash(r.UPNode),
		orDash(r.Estab), orDash(r.Last), orDash(r.Deleted), r.Messages, r.ByType.text(),
		orDash(strings.Join(r.UEIPs, ";")), orDash(r.fteidText()), latencyText(r.Latency), r.Retrans, r.Unanswer, r.GTPUPackets, r.GTPUBytes)
	return err
}

func (x *textSessions) sessionsDone(pairs bool) error {
	x.start()
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
