package seids

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

// limitedWriter accepts n bytes, then fails (or writes short).
type limitedWriter struct {
	n     int
	short bool
	got   bytes.Buffer
}

var errFull = errors.New("disk full")

func (w *limitedWriter) Write(p []byte) (int, error) {
	if len(p) <= w.n {
		w.n -= len(p)
		return w.got.Write(p)
	}
	if w.short {
		k := w.n
		w.n = 0
		w.got.Write(p[:k])
		return k, nil
	}
	return 0, errFull
}

// TestOutputErrors: the first failed or short write is reported by the
// line that reaches it, by every later write and by the final flush; what
// was written before it is whole chunks of lines.
func TestOutputErrors(t *testing.T) {
	for _, short := range []bool{false, true} {
		w := &limitedWriter{n: 3 * outChunk, short: short}
		s, err := New(Options{Out: w, Format: FormatCSV})
		if err != nil {
			t.Fatal(err)
		}
		want := errFull
		if short {
			want = io.ErrShortWrite
		}
		line := bytes.Repeat([]byte("x"), 1000)
		var first error
		lines := 0
		for first == nil && lines < 10*outChunk/1000 {
			first = s.writeLine(0, line, 1, []byte("\n"))
			lines++
		}
		if !errors.Is(first, want) {
			t.Fatalf("short=%v: after %d lines: error %v, want %v", short, lines, first, want)
		}
		if err := s.writeLine(0, line, 1, []byte("\n")); !errors.Is(err, want) {
			t.Errorf("short=%v: next line: error %v", short, err)
		}
		if _, err := s.w.Write([]byte("more")); !errors.Is(err, want) {
			t.Errorf("short=%v: Write: error %v", short, err)
		}
		if err := s.Close(false); !errors.Is(err, want) {
			t.Errorf("short=%v: Close: error %v", short, err)
		}
		if !short && w.got.Len()%1002 != len(csvColumns) {
			t.Errorf("%d bytes written: not whole lines after the header", w.got.Len())
		}
	}
}

// TestFileNameQuoting runs the scenario capture under a name that CSV
// must quote and JSON escape, and reads the file column back.
func TestFileNameQuoting(t *testing.T) {
	data, err := os.ReadFile(scenarioPath)
	if err != nil {
		t.Fatal(err)
	}
	path := writeTemp(t, "a,b \"x\"\n.pcap", data)
	rows, err := csv.NewReader(strings.NewReader(report(t, []string{path}, Options{Format: FormatCSV}))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 || rows[0][1] != "file" {
		t.Fatalf("CSV: %d rows, header %v", len(rows), rows[0])
	}
	for _, r := range rows[1:] {
		if r[1] != path {
			t.Fatalf("CSV file column %q, want %q", r[1], path)
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(report(t, []string{path}, Options{Format: FormatJSON})), "\n") {
		var m struct{ File string }
		if err := json.Unmarshal([]byte(l), &m); err != nil || m.File != path {
			t.Fatalf("JSON line %q: file %q, error %v", l, m.File, err)
		}
	}
}
