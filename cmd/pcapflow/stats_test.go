package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// archive builds a directory of inputs: a plain pcap, a gzip and a zstd
// capture, a pcapng in a subdirectory, a truncated capture and a text file.
func archive(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	plain := genFile(t, dir, "a-syn.pcap", "synflood", "-n", "40")
	mix := genFile(t, t.TempDir(), "mix.pcap", "mix", "-n", "300", "--seed", "7")
	sess := genFile(t, t.TempDir(), "s.pcapng", "tcp-session", "-n", "4")
	write := func(name string, data []byte) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, _ := os.ReadFile(mix)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	write("b-mix.pcap.gz", gz.Bytes())
	enc, _ := zstd.NewWriter(nil)
	ng, _ := os.ReadFile(sess)
	write("sub/c-session.pcapng.zst", enc.EncodeAll(ng, nil))
	full, _ := os.ReadFile(plain)
	write("d-cut.pcap", full[:len(full)-30])
	write("e-notes.txt", []byte("not a capture at all\n"))
	return dir
}

// statsJSON runs stats --json and decodes the summary.
func statsJSON(t *testing.T, args ...string) (int, statsSummary, string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, append([]string{"stats", "--json"}, args...)...)
	var s statsSummary
	if code != exitUsage {
		if err := json.Unmarshal([]byte(stdout), &s); err != nil {
			t.Fatalf("stats %v: exit %d, bad JSON: %v\n%s\n%s", args, code, err, stdout, stderr)
		}
	}
	return code, s, stderr
}

// TestStatsArchive: every input of the archive is reported with its status,
// compression and counts; damage gives exit status 1 unless --fail-on says
// otherwise.
func TestStatsArchive(t *testing.T) {
	dir := archive(t)
	code, s, stderr := statsJSON(t, dir)
	if code != exitFailure {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	type row struct{ name, format, comp, status string }
	var got []row
	for _, in := range s.Inputs {
		got = append(got, row{filepath.Base(in.Name), in.Format, in.Compression, in.Status})
	}
	want := []row{
		{"a-syn.pcap", "pcap", "", "ok"},
		{"b-mix.pcap.gz", "pcap", "gzip", "ok"},
		{"d-cut.pcap", "pcap", "", "damaged"},
		{"e-notes.txt", "", "", "damaged"},
		{"c-session.pcapng.zst", "pcapng", "zstd", "ok"},
	}
	slices.SortFunc(got, func(a, b row) int { return strings.Compare(a.name, b.name) })
	slices.SortFunc(want, func(a, b row) int { return strings.Compare(a.name, b.name) })
	if !slices.Equal(got, want) {
		t.Errorf("inputs\n got %v\nwant %v", got, want)
	}
	for _, msg := range []string{"d-cut.pcap: damaged: frame 40 at byte offset", "e-notes.txt: damaged: frame 1 at byte offset 0: not a pcap", "2 inputs were damaged"} {
		if !strings.Contains(stderr, msg) {
			t.Errorf("stderr does not say %q:\n%s", msg, stderr)
		}
	}
	if len(s.Files) != 5 || s.Total.Status != "damaged" || !slices.Equal(s.Failed, []string{"damaged"}) {
		t.Errorf("files %d, total status %q, failed %v", len(s.Files), s.Total.Status, s.Failed)
	}
	var sum int64
	for i, f := range s.Files {
		if f.Name != s.Inputs[i].Name || f.Status != s.Inputs[i].Status || f.Packets != s.Inputs[i].Packets {
			t.Errorf("file %d: stats %s %s %d, input %+v", i, f.Name, f.Status, f.Packets, s.Inputs[i])
		}
		sum += f.Packets
	}
	if sum != s.Total.Packets || s.Files[0].Packets != 40 || s.Files[1].Packets != 300 || s.Files[2].Packets != 39 {
		t.Errorf("packets per file %d %d %d, total %d (sum %d)", s.Files[0].Packets, s.Files[1].Packets, s.Files[2].Packets, s.Total.Packets, sum)
	}

	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		failed []string
	}{
		{"fail on nothing", []string{"--fail-on", "none", dir}, exitOK, nil},
		{"fail on malformed only", []string{"--fail-on", "malformed", dir}, exitOK, nil},
		{"fail on unknown link", []string{"--fail-on", "unknown-link,truncated", dir}, exitOK, nil},
		{"good inputs only", []string{filepath.Join(dir, "a-syn.pcap"), filepath.Join(dir, "*.gz"), filepath.Join(dir, "sub")}, exitOK, nil},
		{"damaged by glob", []string{"--fail-on", "damaged,malformed", filepath.Join(dir, "d-*")}, exitFailure, []string{"damaged"}},
		{"bad condition", []string{"--fail-on", "sadness", dir}, exitUsage, nil},
		{"jobs with merge", []string{"--jobs", "2", "--merge", dir}, exitUsage, nil},
		{"bad shard", []string{"--shard", "3/2", dir}, exitUsage, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, s, stderr := statsJSON(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, stderr)
			}
			if code != exitUsage && !slices.Equal(s.Failed, append([]string{}, tc.failed...)) {
				t.Errorf("failed %v, want %v", s.Failed, tc.failed)
			}
		})
	}
	// Conditions met by packets: a capture whose headers are cut by the
	// snap length fails with --fail-on truncated.
	cut := cutSnaplen(t, filepath.Join(dir, "a-syn.pcap"), 40)
	if code, s, _ := statsJSON(t, "--fail-on", "truncated", cut); code != exitFailure || !slices.Equal(s.Failed, []string{"truncated"}) {
		t.Errorf("--fail-on truncated: exit %d, failed %v", code, s.Failed)
	}
	if code, _, _ := statsJSON(t, cut); code != exitOK {
		t.Errorf("default --fail-on with cut headers: exit %d, want 0", code)
	}
	// --jobs is refused by commands whose output depends on order.
	if code, _, stderr := runCLI(t, "split", "--jobs", "2", dir, "-o", filepath.Join(t.TempDir(), "x")); code != exitUsage || !strings.Contains(stderr, "--jobs applies only") {
		t.Errorf("split --jobs 2: exit %d\n%s", code, stderr)
	}
}

// cutSnaplen rewrites a pcap with every frame cut to snap bytes.
func cutSnaplen(t *testing.T, path string, snap int) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := append([]byte(nil), raw[:24]...)
	out[16], out[17], out[18], out[19] = byte(snap), 0, 0, 0
	for off := 24; off+16 <= len(raw); {
		n := int(raw[off+8]) | int(raw[off+9])<<8
		hdr := append([]byte(nil), raw[off:off+16]...)
		k := min(n, snap)
		hdr[8], hdr[9], hdr[10], hdr[11] = byte(k), byte(k>>8), 0, 0
		out = append(append(out, hdr...), raw[off+16:off+16+k]...)
		off += 16 + n
	}
	p := filepath.Join(t.TempDir(), "cut.pcap")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestStatsDeterministic: the text and JSON reports are byte-identical
// whatever --jobs and the worker count, from run to run.
func TestStatsDeterministic(t *testing.T) {
	dir := archive(t)
	for _, format := range []string{"text", "json"} {
		var first string
		for i, args := range [][]string{{"-j", "1"}, {"--jobs", "4"}, {"--jobs", "3", "-j", "2"}, {"--jobs", "4"}} {
			if format == "json" {
				args = append(args, "--json")
			}
			code, stdout, stderr := runCLI(t, append(append([]string{"stats"}, args...), dir)...)
			if code != exitFailure {
				t.Fatalf("%v: exit %d\n%s", args, code, stderr)
			}
			if i == 0 {
				first = stdout
				continue
			}
			if stdout != first {
				t.Fatalf("%s report with %v differs from the first run:\n%s\n---\n%s", format, args, stdout, first)
			}
		}
		if format == "text" && (!strings.Contains(first, "top conversations") || !strings.Contains(first, "gzip")) {
			t.Errorf("text report lacks sections:\n%s", first)
		}
	}
}

// TestStatsShards: the shards K/N of an archive are disjoint, cover it, and
// their totals add up to the unsharded run's.
func TestStatsShards(t *testing.T) {
	dir := archive(t)
	_, all, _ := statsJSON(t, "--fail-on", "none", dir)
	for _, n := range []int{1, 2, 3, 8} {
		seen := map[string]string{}
		var packets int64
		for k := 1; k <= n; k++ {
			shard := fmt.Sprintf("%d/%d", k, n)
			code, s, stderr := statsJSON(t, "--fail-on", "none", "--shard", shard, dir)
			if code != exitOK {
				t.Fatalf("--shard %s: exit %d\n%s", shard, code, stderr)
			}
			for _, in := range s.Inputs {
				if prev, dup := seen[in.Name]; dup {
					t.Errorf("%s in shards %s and %s", in.Name, prev, shard)
				}
				seen[in.Name] = shard
			}
			packets += s.Total.Packets
		}
		if len(seen) != len(all.Inputs) || packets != all.Total.Packets {
			t.Errorf("N=%d: shards hold %d inputs and %d packets, the archive %d and %d", n, len(seen), packets, len(all.Inputs), all.Total.Packets)
		}
	}
	// @list files name inputs relative to the list.
	list := filepath.Join(dir, "inputs.txt")
	os.WriteFile(list, []byte("# good ones\na-syn.pcap\nsub\n"), 0o644)
	if code, s, stderr := statsJSON(t, "@"+list); code != exitOK || len(s.Inputs) != 2 {
		t.Errorf("@list: exit %d, %d inputs\n%s", code, len(s.Inputs), stderr)
	}
}
