package seids

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/pipeline"
)

// TestStageSameOutput: the report is byte-identical with and without the
// Stage and the Correlate stage, in every format, on the scenario capture
// and the PFCP corpus.
func TestStageSameOutput(t *testing.T) {
	paths := []string{scenarioPath}
	for _, p := range corpus.Captures(t) {
		if _, ok := corpus.Truth(t, filepath.Base(p), "pfcp.csv"); ok {
			paths = append(paths, p)
		}
	}
	for _, path := range paths {
		for _, opts := range []Options{{}, {Format: FormatJSON}, {Format: FormatCSV}, {Format: FormatJSON, Sessions: true}} {
			t.Run(filepath.Base(path)+"/"+opts.Format, func(t *testing.T) {
				var without bytes.Buffer
				reportGraph(t, []string{path}, opts, &without, false, false)
				for _, c := range []struct {
					name               string
					stage, correlation bool
				}{{"Stage", true, false}, {"Correlate stage", false, true}, {"Stage and Correlate stage", true, true}} {
					var with bytes.Buffer
					reportGraph(t, []string{path}, opts, &with, c.stage, c.correlation)
					if !bytes.Equal(with.Bytes(), without.Bytes()) {
						t.Errorf("output differs with the %s:\nwith:\n%s\nwithout:\n%s", c.name, with.Bytes(), without.Bytes())
					}
				}
			})
		}
	}
}

// TestTimeCache compares the cached formatting with time.Time.AppendFormat.
func TestTimeCache(t *testing.T) {
	var c timeCache
	for _, ts := range []int64{0, 1, 999_999_999, 1_000_000_000, 1_704_067_200_010_528_000, 1_704_067_200_010_528_123,
		1_704_067_201_000_000_000, 1_704_067_200_999_999_999, -1, -1_000_000_000, -1_500_000_000, 253_402_300_799_999_999} {
		for _, digits := range []uint8{0, 6, 9} {
			layout := "2006-01-02T15:04:05.000000000Z"
			if digits == 6 {
				layout = "2006-01-02T15:04:05.000000Z"
			}
			want := time.Unix(0, ts).UTC().Format(layout)
			if got := string(c.append(nil, ts, digits)); got != want {
				t.Errorf("ts %d digits %d: %q, want %q", ts, digits, got, want)
			}
		}
	}
}

// TestQueueHoldsTables feeds the sink prepared and correlated tables in
// which one establishment request waits (decided many lines later, or
// never) while the lines behind it queue: dense batches (every packet
// PFCP) and sparse ones (one PFCP packet in a batch, so that the queue
// spans more batches than the sink keeps tables for and the lines are
// copied to spill tables). The output must be every line in order with
// its session, and every table must be recycled by the end.
func TestQueueHoldsTables(t *testing.T) {
	for _, c := range []struct {
		name            string
		perBatch, every int // packets a batch, one PFCP row every
		decideAt        int // ref of the row that decides ref 1 (0: none)
		maxPending      int
		lines           int
	}{
		{"dense", 64, 1, 1001, 0, 3000},
		{"sparse", 64, 64, 2002, 0, 3000},
		{"sparse-long-lines", 4, 4, 5003, 0, 6000},
		{"given-up", 64, 8, 0, 700, 3000},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			s, err := New(Options{Out: &out, Format: FormatJSON, Timeout: time.Hour, MaxPending: c.maxPending})
			if err != nil {
				t.Fatal(err)
			}
			var want []byte
			// The response's session decides the request's.
			session := func(ref int) int {
				if ref == 1 {
					ref = c.decideAt
				}
				return ref % 5
			}
			created := map[*lineTable]bool{}
			maxHeldSeen, spilled := 0, false
			ref := 0
			for ref < c.lines {
				b := &pipeline.Batch{Packets: make([]pipeline.Packet, c.perBatch)}
				tab := s.tables.get()
				created[tab] = true
				tab.rows, tab.lines, tab.decided, tab.correlated = tab.rows[:0], tab.lines[:0], tab.decided[:0], true
				for i := range c.perBatch {
					row := prepared{}
					if i%c.every == 0 && ref < c.lines {
						ref++
						row.pfcp, row.ref, row.pending = true, uint64(ref), ref == 1
						if ref != 1 {
							row.session = int32(session(ref))
						}
						row.start = int32(len(tab.lines))
						tab.lines = fmt.Appendf(tab.lines, "line %d %s session=", ref, strings.Repeat("x", ref%300))
						row.mid = int32(len(tab.lines))
						tab.lines = append(tab.lines, "\n"...)
						row.end = int32(len(tab.lines))
						row.dec0 = int32(len(tab.decided))
						if ref == c.decideAt {
							tab.decided = append(tab.decided, 1)
						}
						row.dec1 = int32(len(tab.decided))
						want = appendSession(fmt.Appendf(want, "line %d %s session=", ref, strings.Repeat("x", ref%300)),
							fmtJSON, session(ref))
						want = append(want, '\n')
					}
					tab.rows = append(tab.rows, row)
				}
				s.tables.attach(b, tab)
				if err := s.Consume(context.Background(), b); err != nil {
					t.Fatal(err)
				}
				maxHeldSeen = max(maxHeldSeen, s.held)
				if s.spill != nil {
					created[s.spill], spilled = true, true
				}
			}
			if err := s.Close(false); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Fatalf("got %d bytes, want %d (first difference at %d)", out.Len(), len(want), firstDiff(out.Bytes(), want))
			}
			if s.queue.len() != 0 || s.held != 0 {
				t.Errorf("after Close: %d queued lines, %d tables held", s.queue.len(), s.held)
			}
			// Every table is spare again but the open spill table.
			recycled := len(s.tables.spare)
			if s.spill != nil {
				recycled++
			}
			if recycled != len(created) {
				t.Errorf("%d tables recycled of %d", recycled, len(created))
			}
			t.Logf("%d tables, at most %d held", len(created), maxHeldSeen)
			if !spilled {
				t.Errorf("the queue spanned more than %d batches, but no line was spilled", maxHeld)
			}
			if maxHeldSeen > maxHeld+c.lines*300/spillChunk+1 {
				t.Errorf("%d tables held", maxHeldSeen)
			}
		})
	}
}

// TestWriteLineLong: lines are written whole, in order, whether they fit
// the output's chunk, fill it, or exceed it alone.
func TestWriteLineLong(t *testing.T) {
	var out bytes.Buffer
	s, err := New(Options{Out: &out, Format: FormatJSON})
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	for i, n := range []int{10, 60 << 10, 10, 100 << 10, 3, 70 << 10} {
		prefix := bytes.Repeat([]byte{byte('a' + i)}, n)
		suffix := []byte("}\n")
		if err := s.writeLine(0, prefix, i+1, suffix); err != nil {
			t.Fatal(err)
		}
		want = append(append(append(want, prefix...), byte('0'+i+1)), suffix...)
	}
	if err := s.Close(false); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("got %d bytes, want %d (first difference at %d)", out.Len(), len(want), firstDiff(out.Bytes(), want))
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
