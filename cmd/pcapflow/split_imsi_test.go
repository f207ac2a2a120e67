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

	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/internal/testcap"
)

// TestSplitByIMSIGenerated generates GTPv2-C S11 scenarios (and Gn/Gp
// GTPv1-C ones) with `pcapflow gen gtpc --expect`, splits them with `split --by imsi` and checks, from
// the expectation alone, that each subscriber's file holds exactly its
// frames (control messages, rejected Create Sessions, retransmissions and
// the G-PDUs of its bearers, also when a later subscriber reuses its TEIDs),
// in capture order and byte for byte; that other.pcap holds only what no
// subscriber owns (Echo); that the manifest agrees; and that -j 1 and -j 2
// write identical files.
func TestSplitByIMSIGenerated(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"reuse-reject-retransmit-echo", []string{"-n", "14", "--reject", "4", "--retransmit", "0.2", "--echo", "3",
			"--reuse-teids", "--hold", "30ms", "--user-packets", "6", "--ue-ipv6", "--seed", "5"}},
		{"ipv6-transport", []string{"-n", "4", "--ipv6", "--user-packets", "4", "--plmn", "310260", "--seed", "6"}},
		{"no-echo-no-deletion", []string{"-n", "3", "--no-deletion", "--user-packets", "2"}},
		// The same over Gn/Gp: GTPv1-C PDP contexts.
		{"gn-reuse-reject-retransmit-echo", []string{"--gn", "-n", "14", "--reject", "4", "--retransmit", "0.2", "--echo", "3",
			"--reuse-teids", "--hold", "30ms", "--user-packets", "6", "--ue-ipv6", "--seed", "5"}},
		{"gn-ipv6-transport", []string{"--gn", "-n", "4", "--ipv6", "--user-packets", "4", "--seed", "6"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			capture, expect := filepath.Join(dir, "gtpc.pcap"), filepath.Join(dir, "expect.json")
			code, _, stderr := runCLI(t, append(append([]string{"gen", "gtpc"}, tc.args...), "-o", capture, "--expect", expect)...)
			if code != 0 {
				t.Fatalf("gen gtpc: exit %d: %s", code, stderr)
			}
			raw, err := os.ReadFile(expect)
			if err != nil {
				t.Fatal(err)
			}
			var e generators.GTPCExpectation
			if err := json.Unmarshal(raw, &e); err != nil {
				t.Fatal(err)
			}
			frames := testcap.Read(t, capture)
			if int64(len(frames)) != e.Packets {
				t.Fatalf("capture has %d frames, expectation %d", len(frames), e.Packets)
			}
			// Identify every frame by its timestamp and bytes (IP ids differ per frame).
			frameOf := map[string]int64{}
			for k, f := range frames {
				frameOf[frameID(f)] = int64(k + 1)
			}
			if len(frameOf) != len(frames) {
				t.Fatal("two generated frames are identical: frames cannot be told apart")
			}
			var outs [2]string
			for w, jobs := range []string{"1", "2"} {
				out := filepath.Join(dir, "split-j"+jobs)
				outs[w] = out
				code, stdout, stderr := runCLI(t, "split", capture, "--by", "imsi", "-o", out, "-j", jobs, "--json")
				if code != 0 {
					t.Fatalf("split -j %s: exit %d: %s", jobs, code, stderr)
				}
				var summary map[string]any
				if err := json.Unmarshal([]byte(stdout), &summary); err != nil {
					t.Fatalf("summary: %v\n%s", err, stdout)
				}
				m, okM := summary["malformed_packets"].(float64)
				o, okO := summary["other_packets"].(float64)
				if !okM || m != 0 || !okO || int(o) != len(e.OtherFrames) {
					t.Errorf("split -j %s: malformed %v, other %v (want 0 and %d)", jobs, summary["malformed_packets"],
						summary["other_packets"], len(e.OtherFrames))
				}
			}
			b, err := os.ReadFile(filepath.Join(outs[0], "manifest.json"))
			if err != nil {
				t.Fatal(err)
			}
			var manifest []manifestEntry
			if err := json.Unmarshal(b, &manifest); err != nil {
				t.Fatal(err)
			}
			want := map[string][]int64{}
			for _, s := range e.PerSubscriber {
				want["imsi_"+s.IMSI+".pcap"] = s.Frames
			}
			if len(e.OtherFrames) > 0 {
				want["other.pcap"] = e.OtherFrames
			}
			got := map[string][]int64{}
			for _, m := range manifest {
				fs := testcap.Read(t, filepath.Join(outs[0], m.File))
				var nums []int64
				for _, f := range fs {
					n, ok := frameOf[frameID(f)]
					if !ok {
						t.Fatalf("%s holds a frame that is not in the input", m.File)
					}
					nums = append(nums, n)
				}
				got[m.File] = nums
				if int64(len(fs)) != m.Packets {
					t.Errorf("%s: %d frames, manifest says %d", m.File, len(fs), m.Packets)
				}
				if imsi, ok := strings.CutPrefix(m.Key, "imsi "); ok && (m.Kind != "imsi" || m.File != "imsi_"+imsi+".pcap") {
					t.Errorf("manifest entry %+v: key, kind and file disagree", m)
				}
			}
			for file, w := range want {
				if !slices.Equal(got[file], w) {
					t.Errorf("%s holds frames %v, want %v", file, got[file], w)
				}
			}
			for file := range got {
				if _, ok := want[file]; !ok {
					t.Errorf("unexpected output file %s with frames %v", file, got[file])
				}
			}
			// Byte-identical output whatever the worker count.
			for file := range got {
				a, errA := os.ReadFile(filepath.Join(outs[0], file))
				c, errC := os.ReadFile(filepath.Join(outs[1], file))
				if errA != nil || errC != nil || !bytes.Equal(a, c) {
					t.Errorf("%s differs between -j 1 and -j 2 (%v, %v)", file, errA, errC)
				}
			}
			for _, name := range []string{"manifest.json", "manifest.csv"} {
				a, _ := os.ReadFile(filepath.Join(outs[0], name))
				c, _ := os.ReadFile(filepath.Join(outs[1], name))
				if !bytes.Equal(a, c) {
					t.Errorf("%s differs between -j 1 and -j 2", name)
				}
			}
		})
	}
}

// frameID names a frame by its timestamp and bytes.
func frameID(f testcap.Frame) string { return fmt.Sprintf("%d/%x", f.Timestamp, f.Data) }
