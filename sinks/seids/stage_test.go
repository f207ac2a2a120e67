package seids

import (
	"bytes"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/internal/corpus"
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

// TestQueueCompaction: lines waiting behind an undecided one keep their
// text while the buffer is compacted.
func TestQueueCompaction(t *testing.T) {
	var q queue
	line := func(i int) ([]byte, []byte) {
		return bytes.Repeat([]byte{byte('a' + i%26)}, 100+i%7), []byte{'\n', byte('0' + i%10)}
	}
	next := 0
	for i := range 5000 {
		p, s := line(i)
		r := q.push(p, s)
		r.ref = uint64(i)
		// Keep about 300 lines queued, pop the rest in order.
		for q.len() > 300 {
			f := q.front()
			wp, ws := line(next)
			if f.ref != uint64(next) || !bytes.Equal(q.text[f.start:f.mid], wp) || !bytes.Equal(q.text[f.mid:f.end], ws) {
				t.Fatalf("line %d: got ref %d %q", next, f.ref, q.text[f.start:f.end])
			}
			q.pop()
			next++
		}
	}
	if cap(q.text) > 1<<20 {
		t.Errorf("text buffer grew to %d bytes for 300 lines of 100 bytes", cap(q.text))
	}
}

// TestWriteLineLong: lines are written whole, in order, whether they fit
// the writer's free space, need a flush first, or exceed its whole buffer.
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

// TestAddrCache: cached endpoint text equals netip's, through collisions
// and replacements.
func TestAddrCache(t *testing.T) {
	var c addrCache
	var eps []netip.AddrPort
	for i := range 40 {
		eps = append(eps, netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, byte(i / 7), byte(i)}), uint16(8805+i%3)),
			netip.AddrPortFrom(netip.MustParseAddr("2001:db8::1"), uint16(i)), netip.AddrPort{})
	}
	for round := range 3 {
		for i, ap := range eps {
			if got, want := string(c.append([]byte("x"), ap)), string(ap.AppendTo([]byte("x"))); got != want {
				t.Fatalf("round %d endpoint %d: %q, want %q", round, i, got, want)
			}
		}
	}
}
