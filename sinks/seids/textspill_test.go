package seids

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
)

// tabwriterTable is how the text table was written before it spilled:
// every row kept, sorted stably by id (ids <= 0 last) and aligned by
// text/tabwriter, then the node pairs.
func tabwriterTable(rows []SessionRow, pairs []PairRow) string {
	type kept struct {
		id   int
		text []byte
	}
	var ks []kept
	for i := range rows {
		ks = append(ks, kept{rows[i].Session, appendSessionText(nil, &rows[i])})
	}
	slices.SortStableFunc(ks, func(a, b kept) int {
		ka, kb := a.id, b.id
		if ka <= 0 {
			ka = int(^uint(0) >> 1)
		}
		if kb <= 0 {
			kb = int(^uint(0) >> 1)
		}
		return cmp.Compare(ka, kb)
	})
	var out bytes.Buffer
	tw := tabwriter.NewWriter(&out, 0, 0, 2, ' ', 0)
	tw.Write([]byte(sessionsTitle))
	for _, k := range ks {
		tw.Write(k.text)
	}
	tw.Flush()
	if len(pairs) == 0 {
		return out.String()
	}
	out.WriteString("\n")
	tw = tabwriter.NewWriter(&out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE A\tNODE B\tNODE IDS\tMSGS\tASSOCIATION\tHEARTBEAT\tBY TYPE\tREQUESTS\tRETRANS\tUNANSWERED\tLATENCY ms (min/mean/max)")
	for _, p := range pairs {
		var nodes []string
		for _, n := range p.Nodes {
			nodes = append(nodes, cellText(n))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%d\t%d\t%d\t%s\n", p.A, p.B, orDash(strings.Join(nodes, ";")),
			p.Messages, p.AssocMsgs, p.Heartbeat, p.ByType.text(), p.Requests, p.Retrans, p.Unanswer, latencyText(p.Latency))
	}
	tw.Flush()
	return out.String()
}

// cellPieces are what random cells are made of: ASCII, multi-byte runes,
// an invalid byte, a carriage return, and the bytes text/tabwriter acts
// on (which node names may hold).
var cellPieces = []string{"a", "Z9", ".", ":", "-", "é", "日本", "🙂", "ß", "\xc3", "\r", " ", "0x1f"}
var nodePieces = append([]string{"\t", "\n", "\v", "\f", "\xff", "\\"}, cellPieces...)

// randCell returns a cell of up to max pieces.
func randCell(r *rand.Rand, pieces []string, max int) string {
	var b strings.Builder
	for range r.IntN(max + 1) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// randRows returns n session rows in random order, with unique positive
// ids and some incomplete (id <= 0) ones.
func randRows(r *rand.Rand, n int) []SessionRow {
	ids := r.Perm(n)
	rows := make([]SessionRow, n)
	for i := range rows {
		row := &rows[i]
		row.Session = ids[i] + 1
		if r.IntN(5) == 0 {
			row.Session = -r.IntN(2)
		}
		row.State = randCell(r, cellPieces, 6)
		row.CPAddr, row.UPAddr = randCell(r, cellPieces, 20), randCell(r, cellPieces, 3)
		if r.IntN(2) == 0 {
			v := r.Uint64()
			row.CPSEID = &v
		}
		if r.IntN(3) == 0 {
			v := r.Uint64N(1000)
			row.UPSEID = &v
		}
		row.CPNode, row.UPNode = randCell(r, nodePieces, 8), randCell(r, nodePieces, 30)
		row.Estab, row.Last, row.Deleted = randCell(r, cellPieces, 4), randCell(r, cellPieces, 12), randCell(r, cellPieces, 1)
		row.Messages = r.IntN(1 << r.IntN(30))
		for t := range r.IntN(4) {
			row.ByType = append(row.ByType, typeCount{typ: pfcp.MessageType(50 + t), n: r.IntN(100)})
		}
		for range r.IntN(3) {
			row.UEIPs = append(row.UEIPs, randCell(r, cellPieces, 10))
		}
		for range r.IntN(3) {
			a := randCell(r, cellPieces, 10)
			f := FTEID{TEID: r.Uint32(), IPv4: &a, Source: SourceFTEID}
			if r.IntN(2) == 0 {
				f.IPv4, f.IPv6, f.Source = nil, &a, SourceOHC
			}
			row.FTEIDs = append(row.FTEIDs, f)
		}
		if r.IntN(2) == 0 {
			row.Latency = &Latency{Min: r.Float64() * 1e3, Median: r.Float64() * 1e5, Max: r.Float64() * 1e7}
		}
		row.Retrans, row.Unanswer = r.IntN(10), r.IntN(1000)
		row.GTPUPackets, row.GTPUBytes = r.Int64N(1<<40), r.Int64N(10)
	}
	return rows
}

// randPairs returns n node pair rows.
func randPairs(r *rand.Rand, n int) []PairRow {
	ps := make([]PairRow, n)
	for i := range ps {
		p := &ps[i]
		p.A, p.B = randCell(r, cellPieces, 10), randCell(r, cellPieces, 10)
		for range r.IntN(3) {
			p.Nodes = append(p.Nodes, randCell(r, nodePieces, 6))
		}
		p.Messages, p.Requests = r.IntN(1000), r.IntN(10)
	}
	return ps
}

// spilledTable writes rows and pairs through a textSessions that holds
// limit bytes and merges fanIn runs at once, in TMPDIR, and returns the
// output and how many runs it spilled.
func spilledTable(t *testing.T, rows []SessionRow, pairs []PairRow, limit, fanIn int) (string, int) {
	t.Helper()
	var out bytes.Buffer
	o := newOutput(&out)
	x := newTextSessions(o)
	x.limit, x.fanIn = limit, fanIn
	for i := range rows {
		if err := x.session(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	runs := 0
	if x.sp != nil {
		runs = len(x.sp.runs)
		// The spill file is unlinked as soon as it is made.
		if left, _ := os.ReadDir(os.TempDir()); len(left) != 0 && runtime.GOOS != "windows" {
			t.Errorf("spill file still in TMPDIR with %d runs: %s", runs, left[0].Name())
		}
	}
	if err := x.sessionsDone(len(pairs) > 0); err != nil {
		t.Fatal(err)
	}
	for i := range pairs {
		if err := x.pair(&pairs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.close(); err != nil {
		t.Fatal(err)
	}
	if err := o.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.String(), runs
}

// TestTextTableMatchesTabwriter: the text table, whether it keeps its
// rows or spills them to runs merged in one or several passes, is
// byte for byte what text/tabwriter wrote from all the rows sorted.
func TestTextTableMatchesTabwriter(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	for _, c := range []struct {
		name         string
		rows, pairs  int
		limit, fanIn int
		minRuns      int // runs the rows must have been spilled to
	}{
		{"empty", 0, 0, 1 << 20, 64, 0},
		{"pairs only", 0, 3, 1, 2, 0},
		{"one row", 1, 0, 1 << 20, 64, 0},
		{"kept", 300, 2, 1 << 30, 64, 0},
		{"one row per run", 200, 1, 1, 64, 100},
		{"few runs", 400, 0, 16 << 10, 64, 3},
		{"passes", 500, 4, 1, 3, 200},
		{"passes, bigger runs", 600, 0, 4 << 10, 4, 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			for seed := range uint64(8) {
				r := rand.New(rand.NewPCG(seed, uint64(c.rows)))
				rows, pairs := randRows(r, c.rows), randPairs(r, c.pairs)
				want := tabwriterTable(rows, pairs)
				got, runs := spilledTable(t, rows, pairs, c.limit, c.fanIn)
				if runs < c.minRuns {
					t.Errorf("seed %d: %d runs, want at least %d", seed, runs, c.minRuns)
				}
				if got != want {
					t.Fatalf("seed %d: output differs from tabwriter's at byte %d\ngot:\n%s\nwant:\n%s", seed,
						firstDiff([]byte(got), []byte(want)), got, want)
				}
			}
		})
	}
	if left, _ := os.ReadDir(os.Getenv("TMPDIR")); len(left) != 0 {
		t.Errorf("%d files left in TMPDIR", len(left))
	}
}

// TestCellText: the bytes text/tabwriter acts on are escaped in a cell,
// other text is kept as it is.
func TestCellText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"upf.example.org", "upf.example.org"},
		{"é\r\\", "é\r\\"},
		{"a\tb\nc\vd\fe\xfff", `a\tb\nc\vd\fe\xfff`},
	} {
		if got := cellText(c.in); got != c.want {
			t.Errorf("cellText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestTextSpillFailure: a temporary file that cannot be made or written
// is an error naming its directory, from the row that needed it on
// (never a panic or a short table), and leaves no file behind.
func TestTextSpillFailure(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing")
	readOnly := func() (*os.File, error) {
		name := filepath.Join(dir, "ro")
		if err := os.WriteFile(name, nil, 0o600); err != nil {
			return nil, err
		}
		return os.Open(name)
	}
	for _, c := range []struct {
		name   string
		tmp    string
		create func() (*os.File, error)
		want   string
	}{
		{"no directory", missing, nil, missing},
		{"write fails", dir, readOnly, dir},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("TMPDIR", c.tmp)
			rows := randRows(rand.New(rand.NewPCG(1, 2)), 20)
			var out bytes.Buffer
			x := newTextSessions(newOutput(&out))
			x.limit, x.create = 1, c.create
			err := x.session(&rows[0])
			if err == nil || !strings.Contains(err.Error(), "temporary file in "+c.want) {
				t.Fatalf("first row: error %v, want one naming %s", err, c.want)
			}
			if err2 := x.session(&rows[1]); err2 != err {
				t.Errorf("next row: error %v, want %v", err2, err)
			}
			if err2 := x.sessionsDone(false); err2 != err {
				t.Errorf("sessionsDone: error %v, want %v", err2, err)
			}
			x.close()
			if out.Len() != 0 {
				t.Errorf("wrote %q after the error", out.String())
			}
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("%d files left in %s", len(left), dir)
			}
		})
	}
}

// TestTextCompactFailure: a file for merging runs that cannot be made
// fails sessionsDone before the table's title is written, and leaves no
// file behind.
func TestTextCompactFailure(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	made := 0
	create := func() (*os.File, error) {
		if made++; made > 1 {
			return nil, errors.New("no more files")
		}
		return createTemp()
	}
	rows := randRows(rand.New(rand.NewPCG(3, 4)), 10)
	var out bytes.Buffer
	o := newOutput(&out)
	x := newTextSessions(o)
	x.limit, x.fanIn, x.create = 1, 2, create
	for i := range rows {
		if err := x.session(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	err := x.sessionsDone(true)
	if err == nil || !strings.Contains(err.Error(), "no more files") {
		t.Fatalf("sessionsDone: error %v, want the second file's", err)
	}
	x.close()
	o.Flush()
	if made != 2 || out.Len() != 0 {
		t.Errorf("%d files made, %q written; want 2 and nothing", made, out.String())
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("%d files left in %s", len(left), dir)
	}
}

// runSessions runs the scenario capture into a text session table and
// returns the output and the run's error.
func runSessions(t *testing.T) (string, error) {
	t.Helper()
	src, err := input.NewSource([]string{scenarioPath}, input.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	inputs := &pipeline.Inputs{}
	s, err := New(Options{Sessions: true, Out: &out, Inputs: inputs})
	if err != nil {
		t.Fatal(err)
	}
	g := &pipeline.Graph{Source: src, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{}), s.Stage()},
		Ordered: []pipeline.Stage{s.Correlate()}, Sinks: []pipeline.Sink{s}, Inputs: inputs, Workers: 2}
	_, err = g.Run(context.Background())
	return out.String(), err
}

// TestSessionsTextSpilled: the golden session table comes out the same
// when every row is spilled, nothing stays in TMPDIR, and a TMPDIR that
// does not exist fails the run.
func TestSessionsTextSpilled(t *testing.T) {
	defer func(l, f int) { textSpillLimit, textFanIn = l, f }(textSpillLimit, textFanIn)
	textSpillLimit, textFanIn = 1, 2
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	want, err := os.ReadFile("testdata/sessions.txt")
	if err != nil {
		t.Fatal(err)
	}
	got, err := runSessions(t)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("spilled table differs from testdata/sessions.txt at byte %d\ngot:\n%s", firstDiff([]byte(got), want), got)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("%d files left in TMPDIR", len(left))
	}
	missing := filepath.Join(dir, "missing")
	t.Setenv("TMPDIR", missing)
	if _, err := runSessions(t); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("TMPDIR %s: error %v, want one naming it", missing, err)
	}
}
