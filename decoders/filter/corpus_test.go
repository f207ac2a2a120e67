package filter

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
)

// verdict is tcpdump's answer for one expression on one capture.
type verdict struct {
	expr   string
	frames []uint64
	err    string // tcpdump's error, "" when it ran
}

// readVerdicts parses testdata/verdicts/<capture>.txt (written by
// scripts/filter-verdicts.sh). capErr is set when tcpdump could not read
// the capture at all.
func readVerdicts(t *testing.T, capture string) (vs []verdict, capErr string) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "verdicts", filepath.Base(capture)+".txt"))
	if err != nil {
		t.Fatalf("no verdicts for %s (run scripts/filter-verdicts.sh): %v", capture, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		expr, rest, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("bad verdict line %q", line)
		}
		if expr == "!capture-error" {
			return nil, rest
		}
		v := verdict{expr: expr}
		switch {
		case strings.HasPrefix(rest, "!error "):
			v.err = strings.TrimPrefix(rest, "!error ")
		case rest != "":
			for _, s := range strings.Split(rest, ",") {
				n, err := strconv.ParseUint(s, 10, 64)
				if err != nil {
					t.Fatalf("bad frame number in %q", line)
				}
				v.frames = append(v.frames, n)
			}
		}
		vs = append(vs, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return vs, ""
}

// loaded is a capture read and decoded with pcapflow's own reader and
// decoder, one batch per frame run.
type loaded struct {
	batches []*pipeline.Batch
	links   map[uint16]bool
}

func loadCapture(t *testing.T, path string) loaded {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := input.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	dec := decoders.NewDecoder(decoders.Options{})
	out := loaded{links: map[uint16]bool{}}
	b := pipeline.NewBatch(1024, 1<<20)
	done := func() {
		for i := range b.Packets {
			p := &b.Packets[i]
			dec.Decode(b.Bytes(p), p.LinkType, p.OrigLen, &p.Decoded)
			out.links[p.LinkType] = true
		}
		out.batches = append(out.batches, b)
		b = pipeline.NewBatch(1024, 1<<20)
	}
	for {
		err := rd.ReadPacket(b, 0)
		switch {
		case err == nil:
		case errors.Is(err, input.ErrBatchFull):
			done()
		case err == io.EOF:
			done()
			return out
		default:
			t.Fatalf("%s: %v", path, err)
		}
	}
}

// knownDifferences lists verdicts pcapflow is known not to reproduce, keyed
// by capture base name and expression, with the reason. Empty: every
// verdict of the corpus matches.
var knownDifferences = map[[2]string]string{}

// TestVerdicts checks that every expression of testdata/expressions.txt
// matches exactly the frames tcpdump matched on every corpus capture, and
// that the expressions tcpdump refuses for a link type are refused by
// Check with the same message.
func TestVerdicts(t *testing.T) {
	caps := corpus.Captures(t)
	total, mismatches := 0, 0
	for _, path := range caps {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			vs, capErr := readVerdicts(t, path)
			if capErr != "" {
				t.Skipf("tcpdump cannot read this capture: %s", capErr)
			}
			c := loadCapture(t, path)
			for _, v := range vs {
				total++
				f, err := Compile(v.expr)
				if err != nil {
					t.Errorf("Compile(%q): %v", v.expr, err)
					mismatches++
					continue
				}
				got := c.match(f)
				why, known := knownDifferences[[2]string{name, v.expr}]
				if msg := compareVerdict(f, c, v, got); msg != "" {
					if known {
						t.Logf("known difference %q: %s (%s)", v.expr, msg, why)
						continue
					}
					mismatches++
					t.Errorf("%q: %s", v.expr, msg)
				} else if known {
					t.Errorf("%q is listed as a known difference but matches now", v.expr)
				}
			}
		})
	}
	t.Logf("%d verdicts checked, %d mismatches", total, mismatches)
}

func (c loaded) match(f *Filter) []uint64 {
	var got []uint64
	for _, b := range c.batches {
		for i := range b.Packets {
			p := &b.Packets[i]
			if f.MatchPacket(b, p) {
				got = append(got, p.Frame)
			}
		}
	}
	return got
}

// compareVerdict returns "" when got agrees with tcpdump's verdict v, else
// a description of the difference.
func compareVerdict(f *Filter, c loaded, v verdict, got []uint64) string {
	switch {
	case v.err == "expression rejects all packets":
		if len(got) != 0 {
			return fmt.Sprintf("tcpdump: rejects all packets; pcapflow matched %s", short(got))
		}
		return ""
	case v.err != "":
		for lt := range c.links {
			cerr := f.Check(lt)
			if cerr == nil {
				return fmt.Sprintf("tcpdump refused it (%s); Check(%d) accepted it", v.err, lt)
			}
			if cerr.Error() != v.err {
				return fmt.Sprintf("error differs:\n  tcpdump:  %s\n  pcapflow: %s", v.err, cerr)
			}
		}
		return ""
	}
	for lt := range c.links {
		if err := f.Check(lt); err != nil {
			return fmt.Sprintf("tcpdump accepted it; Check(%d): %v", lt, err)
		}
	}
	want := map[uint64]bool{}
	for _, n := range v.frames {
		want[n] = true
	}
	var missing, extra []uint64
	have := map[uint64]bool{}
	for _, n := range got {
		have[n] = true
		if !want[n] {
			extra = append(extra, n)
		}
	}
	for _, n := range v.frames {
		if !have[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return ""
	}
	return fmt.Sprintf("tcpdump matched %d frames, pcapflow %d; missing %s; extra %s",
		len(v.frames), len(got), short(missing), short(extra))
}

func short(ns []uint64) string {
	if len(ns) == 0 {
		return "none"
	}
	var s []string
	for i, n := range ns {
		if i == 10 {
			s = append(s, fmt.Sprintf("… (%d more)", len(ns)-10))
			break
		}
		s = append(s, strconv.FormatUint(n, 10))
	}
	return "[" + strings.Join(s, " ") + "]"
}
