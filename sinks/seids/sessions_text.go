package seids

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// sessionsTitle is the text table's first line.
const sessionsTitle = "SESSION\tSTATE\tCP F-SEID\tUP F-SEID\tCP NODE\tUP NODE\tESTABLISHED\tLAST\tDELETED\tMSGS\tBY TYPE\tUE IPS\tF-TEIDS\tLATENCY ms (min/med/max)\tRETRANS\tUNANSWERED\tGTP-U PKTS\tGTP-U BYTES\n"

// textCols is the number of columns of the text table; textGap is the
// number of spaces after a column's widest cell.
const (
	textCols = 18
	textGap  = 2
)

// textSpillLimit is how many bytes of rows the text table holds in
// memory; textFanIn is how many sorted runs it merges at once.
var (
	textSpillLimit = 16 << 20
	textFanIn      = 64
)

// textRowSize is what a textRow takes, counted with the rows' text.
const textRowSize = 24

// The rows' text is kept in chunks, the first minChunk bytes long, each
// next one twice as long up to maxChunk (or as long as its row), which
// are filled and reused after a spill: growing one buffer would copy it
// and leave the old one as garbage.
const (
	minChunk = 64 << 10
	maxChunk = 1 << 20
)

// textSessions writes aligned columns: the sessions, an empty line and
// the node pairs. The rows come in the order sessions end and are listed
// by session id, the incomplete ones last, and each column is as wide as
// its widest cell (in runes) plus textGap, as text/tabwriter aligns them:
// so the rows' text is kept until sessionsDone, while the widest cell of
// each column is noted. Rows beyond limit bytes are written, sorted, to
// a temporary file as a run, and sessionsDone merges the runs with the
// rows still in memory.
type textSessions struct {
	w *output
	// widths holds the widest cell of each column but the last (which is
	// not padded), title included.
	widths [textCols - 1]int
	// line is the row being written; chunks[:used] hold the rows' text,
	// held counts their bytes.
	line   []byte
	chunks [][]byte
	used   int
	held   int
	rows   []textRow
	sp     *spill
	err    error
	// limit and fanIn are textSpillLimit and textFanIn; create makes a
	// spill file (createTemp when nil).
	limit, fanIn int
	create       func() (*os.File, error)
	// tw writes the node pair table.
	tw *tabwriter.Writer
}

// newTextSessions returns a text table writer to w.
func newTextSessions(w *output) *textSessions {
	x := &textSessions{w: w, limit: textSpillLimit, fanIn: max(2, textFanIn)}
	x.measure([]byte(sessionsTitle))
	return x
}

// textRow is a session row's text, chunks[chunk][start:end], and its
// place in the table: its session id, or math.MaxUint64 for an
// incomplete row.
type textRow struct {
	key               uint64
	chunk, start, end int32
}

// keep copies line into the chunks and returns its row.
func (x *textSessions) keep(key uint64, line []byte) textRow {
	if x.used == 0 || cap(x.chunks[x.used-1])-len(x.chunks[x.used-1]) < len(line) {
		if x.used < len(x.chunks) && cap(x.chunks[x.used]) >= len(line) {
			x.chunks[x.used] = x.chunks[x.used][:0]
		} else {
			size := minChunk
			if x.used > 0 {
				size = min(maxChunk, 2*cap(x.chunks[x.used-1]))
			}
			c := make([]byte, 0, max(size, len(line)))
			if x.used < len(x.chunks) {
				x.chunks[x.used] = c
			} else {
				x.chunks = append(x.chunks, c)
			}
		}
		x.used++
		x.held += cap(x.chunks[x.used-1])
	}
	c := &x.chunks[x.used-1]
	start := len(*c)
	*c = append(*c, line...)
	return textRow{key: key, chunk: int32(x.used - 1), start: int32(start), end: int32(len(*c))}
}

// text returns r's text.
func (x *textSessions) text(r textRow) []byte { return x.chunks[r.chunk][r.start:r.end] }

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

// cellEscaper writes the bytes text/tabwriter takes for the end of a cell
// or line or an escape (\t \v \n \f and 0xff; a node name may hold any
// byte) as Go escapes, so that a row stays one line of textCols cells.
var cellEscaper = strings.NewReplacer("\t", `\t`, "\v", `\v`, "\n", `\n`, "\f", `\f`, "\xff", `\xff`)

// cellText returns s escaped by cellEscaper.
func cellText(s string) string { return cellEscaper.Replace(s) }

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

// appendSessionText appends r's row: its cells, tab-separated, and a
// newline.
func appendSessionText(dst []byte, r *SessionRow) []byte {
	id := "-"
	if r.Session > 0 {
		id = strconv.Itoa(r.Session)
	}
	return fmt.Appendf(dst, "%s\t%s\t%s@%s\t%s@%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\n",
		id, r.State, seidText(r.CPSEID), r.CPAddr, seidText(r.UPSEID), r.UPAddr, orDash(cellText(r.CPNode)), orDash(cellText(r.UPNode)),
		orDash(r.Estab), orDash(r.Last), orDash(r.Deleted), r.Messages, r.ByType.text(),
		orDash(strings.Join(r.UEIPs, ";")), orDash(r.fteidText()), latencyText(r.Latency), r.Retrans, r.Unanswer, r.GTPUPackets, r.GTPUBytes)
}

// measure notes the widths of a row's cells.
func (x *textSessions) measure(line []byte) {
	for j := range x.widths {
		i := bytes.IndexByte(line, '\t')
		if i < 0 {
			return
		}
		x.widths[j] = max(x.widths[j], utf8.RuneCount(line[:i]))
		line = line[i+1:]
	}
}

func (x *textSessions) session(r *SessionRow) error {
	if x.err != nil {
		return x.err
	}
	x.line = appendSessionText(x.line[:0], r)
	x.measure(x.line)
	key := uint64(math.MaxUint64)
	if r.Session > 0 {
		key = uint64(r.Session)
	}
	x.rows = append(x.rows, x.keep(key, x.line))
	if x.held+textRowSize*len(x.rows) < x.limit {
		return nil
	}
	if err := x.spillRows(); err != nil {
		return x.fail(err)
	}
	return nil
}

// sortRows sorts the rows in memory by key, ties in the order they came.
func (x *textSessions) sortRows() {
	slices.SortFunc(x.rows, func(a, b textRow) int {
		return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.chunk, b.chunk), cmp.Compare(a.start, b.start))
	})
}

// spillRows writes the rows in memory, sorted, to the spill file as a
// run, and forgets them.
func (x *textSessions) spillRows() error {
	if x.sp == nil {
		sp, err := newSpill(x.create)
		if err != nil {
			return err
		}
		x.sp = sp
	}
	x.sortRows()
	for _, r := range x.rows {
		if err := x.sp.add(r.key, x.text(r)); err != nil {
			return err
		}
	}
	x.rows, x.used, x.held = x.rows[:0], 0, 0
	return x.sp.endRun()
}

// fail makes err the writer's error and lets go of the rows.
func (x *textSessions) fail(err error) error {
	x.err = err
	x.drop()
	return err
}

// drop lets go of the rows and the spill file.
func (x *textSessions) drop() {
	x.sp.release()
	x.sp, x.line, x.chunks, x.rows = nil, nil, nil, nil
	x.used, x.held = 0, 0
}

// writeRow writes a row's cells padded to their columns' widths.
func (x *textSessions) writeRow(_ uint64, line []byte) error {
	o := x.w
	if o.err != nil {
		return o.err
	}
	b := o.buf
	for _, w := range x.widths {
		i := bytes.IndexByte(line, '\t')
		if i < 0 {
			break
		}
		b = append(b, line[:i]...)
		b = pad(b, len(b), w+textGap-utf8.RuneCount(line[:i]))
		line = line[i+1:]
	}
	o.buf = append(b, line...)
	return o.filled()
}

// writeRows writes the title and the rows, in order. When there are
// more runs than it merges at once, it first merges them into fewer.
func (x *textSessions) writeRows() error {
	if x.sp != nil && len(x.sp.runs)+1 > x.fanIn {
		if err := x.spillRows(); err != nil {
			return err
		}
		sp, err := compact(x.sp, x.fanIn, x.create)
		x.sp = sp
		if err != nil {
			return err
		}
	}
	if err := x.writeRow(0, []byte(sessionsTitle)); err != nil {
		return err
	}
	var cs []*cursor
	if x.sp != nil {
		for i := range x.sp.runs {
			cs = append(cs, x.sp.cursor(i))
		}
	}
	x.sortRows()
	return merge(append(cs, &cursor{x: x, rows: x.rows}), x.writeRow)
}

func (x *textSessions) sessionsDone(pairs bool) error {
	if x.err != nil {
		return x.err
	}
	if err := x.writeRows(); err != nil {
		return x.fail(err)
	}
	x.drop()
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
	nodes := make([]string, len(p.Nodes))
	for i, n := range p.Nodes {
		nodes[i] = cellText(n)
	}
	_, err := fmt.Fprintf(x.tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%d\t%d\t%d\t%s\n", p.A, p.B, orDash(strings.Join(nodes, ";")),
		p.Messages, p.AssocMsgs, p.Heartbeat, p.ByType.text(), p.Requests, p.Retrans, p.Unanswer, latencyText(p.Latency))
	return err
}

func (x *textSessions) close() error {
	x.drop()
	if x.tw == nil {
		return nil
	}
	return x.tw.Flush()
}
