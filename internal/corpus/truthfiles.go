package corpus

import (
	"bufio"
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ReadCSV returns the rows of a truth CSV file (header line first) as maps
// from column name to value, failing the test when the file cannot be read
// or parsed.
func ReadCSV(tb testing.TB, path string) []map[string]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	if len(recs) == 0 {
		tb.Fatalf("%s: no header line", path)
	}
	rows := make([]map[string]string, 0, len(recs)-1)
	for _, r := range recs[1:] {
		m := make(map[string]string, len(r))
		for i, col := range recs[0] {
			m[col] = r[i]
		}
		rows = append(rows, m)
	}
	return rows
}

// ByFrame indexes truth rows by their "frame" column (tshark's 1-based
// frame number), failing the test on a row without a valid one.
func ByFrame(tb testing.TB, rows []map[string]string) map[int]map[string]string {
	tb.Helper()
	out := make(map[int]map[string]string, len(rows))
	for _, r := range rows {
		n, err := strconv.Atoi(r["frame"])
		if err != nil {
			tb.Fatalf("truth row with frame %q: %v", r["frame"], err)
		}
		out[n] = r
	}
	return out
}

// CapinfosSummary is what capinfos says about a capture.
type CapinfosSummary struct {
	// Packets is the number of packets.
	Packets int64
	// First is the time of the first packet in nanoseconds since the epoch,
	// or -1 when capinfos printed none.
	First int64
}

// Capinfos reads truth/NAME.capinfos.txt for capture (a path or base name).
// It reports false when there is no such file or it gives no packet count,
// and fails the test when the count is unreadable or rounded ("12 k").
func Capinfos(tb testing.TB, capture string) (CapinfosSummary, bool) {
	tb.Helper()
	p, ok := Truth(tb, capture, "capinfos.txt")
	if !ok {
		return CapinfosSummary{}, false
	}
	f, err := os.Open(p)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	s := CapinfosSummary{Packets: -1, First: -1}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "Number of packets":
			fields := strings.Fields(v)
			if len(fields) == 0 {
				tb.Fatalf("%s: empty packet count", p)
			}
			if len(fields) > 1 && fields[1] == "k" {
				tb.Fatalf("%s: capinfos count is rounded: %q", p, v)
			}
			n, err := strconv.ParseInt(fields[0], 10, 64)
			if err != nil {
				tb.Fatalf("%s: packet count: %v", p, err)
			}
			s.Packets = n
		case "First packet time":
			if tm, err := time.Parse("2006-01-02 15:04:05.999999999", v); err == nil {
				s.First = tm.UnixNano()
			}
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("%s: %v", p, err)
	}
	return s, s.Packets >= 0
}
