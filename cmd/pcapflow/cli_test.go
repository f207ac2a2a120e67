package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// genFile writes a generated capture into dir and returns its path.
func genFile(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	code, _, stderr := runCLI(t, append(append([]string{"gen"}, args...), "-o", p)...)
	if code != 0 {
		t.Fatalf("gen %v: exit %d: %s", args, code, stderr)
	}
	return p
}

func TestExitStatuses(t *testing.T) {
	dir := t.TempDir()
	good := genFile(t, dir, "syn.pcap", "synflood", "-n", "50")
	full, _ := os.ReadFile(good)
	cut := filepath.Join(dir, "cut.pcap")
	if err := os.WriteFile(cut, full[:len(full)-30], 0o644); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(junk, []byte("not a capture at all\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"no command", nil, exitUsage, "usage"},
		{"unknown command", []string{"frobnicate"}, exitUsage, "unknown command"},
		{"unknown flag", []string{"split", "--nope", good}, exitUsage, "unknown flag"},
		{"bad key", []string{"split", "--by", "7-tuple", good}, exitUsage, "7-tuple"},
		{"no input", []string{"split"}, exitUsage, "no input"},
		{"bad filter", []string{"split", "-f", "tcp port", good, "-o", filepath.Join(dir, "x")}, exitUsage, "column"},
		{"missing file", []string{"split", filepath.Join(dir, "nope.pcap")}, exitFailure, "nope.pcap"},
		{"good", []string{"split", good, "-o", filepath.Join(dir, "a")}, exitOK, "50 packets"},
		{"truncated input", []string{"split", good, cut, "-o", filepath.Join(dir, "b")}, exitFailure, "cut.pcap: damaged: frame 50 at byte offset 3748: truncated packet data"},
		{"not a capture", []string{"split", junk, good, "-o", filepath.Join(dir, "c")}, exitFailure, "notes.txt: damaged"},
		{"strict", []string{"split", "--strict", cut, "-o", filepath.Join(dir, "d")}, exitFailure, "frame 50 at byte offset 3748"},
		{"unknown generator", []string{"gen", "smurf"}, exitUsage, "unknown generator"},
		{"help", []string{"help", "split"}, exitOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.inStderr) {
				t.Fatalf("stderr does not mention %q:\n%s", tc.inStderr, stderr)
			}
		})
	}
}

// TestDamagedInputKeepsPackets: the packets before the damage are split, the
// next input is read, and the summary says which input was damaged. The
// 50-SYN capture has 76-byte records after a 24-byte header; cutting 30 bytes
// cuts frame 50, whose record starts at 24+49*76 = 3748.
func TestDamagedInputKeepsPackets(t *testing.T) {
	dir := t.TempDir()
	good := genFile(t, dir, "syn.pcap", "synflood", "-n", "50")
	full, _ := os.ReadFile(good)
	cut := filepath.Join(dir, "cut.pcap")
	os.WriteFile(cut, full[:len(full)-30], 0o644)
	code, stdout, _ := runCLI(t, "split", cut, good, "--json", "-o", filepath.Join(dir, "out"))
	if code != exitFailure {
		t.Fatalf("exit %d, want 1", code)
	}
	var sum struct {
		Packets int64 `json:"packets"`
		Damaged int   `json:"damaged_inputs"`
		Inputs  []struct {
			Name, Status, Damage string
			Packets              int64
		} `json:"inputs"`
	}
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Packets != 99 || sum.Damaged != 1 || sum.Inputs[0].Status != "damaged" || sum.Inputs[0].Packets != 49 || sum.Inputs[1].Status != "ok" {
		t.Fatalf("summary %+v", sum)
	}
	if !strings.Contains(sum.Inputs[0].Damage, "frame 50 at byte offset 3748") {
		t.Fatalf("damage %q does not say frame and offset", sum.Inputs[0].Damage)
	}
}

// TestDamagedInputReadsOn: in a pcap file a corrupt record header is
// skipped to the next record, and captures joined with cat are read whole;
// the input is still reported damaged (exit 1), and --strict stops at the
// damage instead. The 50-SYN capture's frame 20 starts at 24+19*76 = 1468.
func TestDamagedInputReadsOn(t *testing.T) {
	dir := t.TempDir()
	a, _ := os.ReadFile(genFile(t, dir, "a.pcap", "synflood", "-n", "50"))
	b, _ := os.ReadFile(genFile(t, dir, "b.pcap", "synflood", "-n", "30", "--seed", "2"))
	corrupt := bytes.Clone(a)
	copy(corrupt[1468+8:], []byte{0xff, 0xff, 0xff, 0x7f})
	joined := append(bytes.Clone(a), b...)
	for _, tc := range []struct {
		name    string
		data    []byte
		strict  bool
		packets int64
		places  int
		skipped int64
		damage  string
		kept    string
	}{
		{"corrupt record header", corrupt, false, 49, 1, 76, "frame 20 at byte offset 1468: captured length 2147483647 is over the 262144-byte limit; skipped 76 bytes to the next readable record, at byte offset 1544", "(every record that reads as one was kept)"},
		{"corrupt record header, strict", corrupt, true, 19, 1, 0, "frame 20 at byte offset 1468", ""},
		{"corrupt record header, cut end", corrupt[:len(corrupt)-10], false, 48, 2, 76, "2 damaged places in all, 76 bytes skipped; reading stopped at the last, frame 49 at byte offset 3748: truncated packet data", "(every record that reads as one before the last was kept)"},
		{"joined with cat", joined, false, 80, 1, 24, "frame 51 at byte offset 3824: a pcap file header inside the capture (files joined with cat?); skipped 24 bytes", "(every record that reads as one was kept)"},
		{"joined with cat, strict", joined, true, 50, 1, 0, "frame 51 at byte offset 3824", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := filepath.Join(t.TempDir(), "in.pcap")
			if err := os.WriteFile(in, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			args := []string{"stats", in, "--json"}
			if tc.strict {
				args = append(args, "--strict")
			}
			code, stdout, stderr := runCLI(t, args...)
			if code != exitFailure || !strings.Contains(stderr, tc.damage) {
				t.Fatalf("exit %d, stderr:\n%s\nwant exit 1 and %q", code, stderr, tc.damage)
			}
			if tc.strict {
				return
			}
			if !strings.Contains(stderr, tc.kept) {
				t.Errorf("stderr does not say %s:\n%s", tc.kept, stderr)
			}
			var rep struct {
				Files []struct {
					Status, Damage string
					Packets        int64
					Places         int   `json:"damaged_places"`
					Skipped        int64 `json:"skipped_bytes"`
				} `json:"files"`
			}
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatal(err)
			}
			if f := rep.Files[0]; f.Packets != tc.packets || f.Status != "damaged" || !strings.Contains(f.Damage, tc.damage) || f.Places != tc.places || f.Skipped != tc.skipped {
				t.Errorf("report %+v, want %d packets, damage %q, %d places, %d bytes skipped", f, tc.packets, tc.damage, tc.places, tc.skipped)
			}
		})
	}
}

// TestGenSplitIsDeterministic: generating twice gives identical bytes, and the
// split output does not depend on the number of workers.
func TestGenSplitIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	a := genFile(t, dir, "a.pcap", "mix", "-n", "5000", "--pairs", "200", "--flows", "800", "--seed", "3")
	b := genFile(t, dir, "b.pcap", "mix", "-n", "5000", "--pairs", "200", "--flows", "800", "--seed", "3")
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ab, bb) {
		t.Fatal("same seed, different bytes")
	}
	var trees []map[string][]byte
	for _, workers := range []string{"1", "2", "5"} {
		out := filepath.Join(dir, "split-"+workers)
		if code, _, stderr := runCLI(t, "split", a, "--by", "5-tuple", "-j", workers, "-o", out); code != 0 {
			t.Fatalf("split: %s", stderr)
		}
		tree := map[string][]byte{}
		ents, _ := os.ReadDir(out)
		for _, e := range ents {
			tree[e.Name()], _ = os.ReadFile(filepath.Join(out, e.Name()))
		}
		trees = append(trees, tree)
	}
	if len(trees[0]) < 800 {
		t.Fatalf("only %d files", len(trees[0]))
	}
	for i := 1; i < len(trees); i++ {
		if len(trees[i]) != len(trees[0]) {
			t.Fatalf("worker count changed the number of files: %d vs %d", len(trees[i]), len(trees[0]))
		}
		for name, data := range trees[0] {
			if !bytes.Equal(trees[i][name], data) {
				t.Fatalf("%s differs between worker counts", name)
			}
		}
	}
}

// TestFilterFlag: -f keeps only matching packets, and the summary counts the rest.
func TestFilterFlag(t *testing.T) {
	dir := t.TempDir()
	a := genFile(t, dir, "a.pcap", "mix", "-n", "3000", "--seed", "1")
	code, stdout, stderr := runCLI(t, "split", a, "-f", "udp port 53", "--json", "-o", filepath.Join(dir, "dns"))
	if code != 0 {
		t.Fatal(stderr)
	}
	var sum struct {
		Packets     int64 `json:"packets"`
		FilteredOut int64 `json:"filtered_out"`
	}
	json.Unmarshal([]byte(stdout), &sum)
	if sum.Packets == 0 || sum.FilteredOut == 0 || sum.Packets+sum.FilteredOut != 3000 {
		t.Fatalf("kept %d, filtered %d of 3000", sum.Packets, sum.FilteredOut)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "dns", "manifest.json"))
	var m []manifestEntry
	json.Unmarshal(b, &m)
	for _, e := range m {
		if e.Kind != "ip-pair" {
			t.Fatalf("non-IP file %s after 'udp port 53'", e.File)
		}
	}
}

// TestGenStdoutPipesIntoSplit: gen -o - writes a capture that split - reads.
func TestGenStdoutPipesIntoSplit(t *testing.T) {
	var capture bytes.Buffer
	if code := run(t.Context(), []string{"gen", "synflood", "-n", "300", "-o", "-"}, strings.NewReader(""), &capture, &bytes.Buffer{}); code != 0 {
		t.Fatal("gen to stdout failed")
	}
	dir := t.TempDir()
	var out, errb bytes.Buffer
	code := run(t.Context(), []string{"split", "-", "--by", "src-ip", "--json", "-o", dir}, &capture, &out, &errb)
	if code != 0 {
		t.Fatalf("split -: %s", errb.String())
	}
	var sum struct {
		Flows int64 `json:"flows"`
	}
	json.Unmarshal(out.Bytes(), &sum)
	if sum.Flows != 300 {
		t.Fatalf("%d source flows from 300 SYNs with distinct sources", sum.Flows)
	}
}
