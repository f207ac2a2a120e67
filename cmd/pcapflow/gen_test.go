package main

import (
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/pipeline"
)

// genExpect runs pcapflow gen with --expect and returns the capture path,
// the parsed expectation and stderr.
func genExpect(t *testing.T, args ...string) (string, generators.Expectation, string) {
	t.Helper()
	dir := t.TempDir()
	capture, expect := filepath.Join(dir, "out.pcap"), filepath.Join(dir, "expect.json")
	code, _, stderr := runCLI(t, append(append([]string{"gen"}, args...), "-o", capture, "--expect", expect)...)
	if code != 0 {
		t.Fatalf("gen %v: exit %d: %s", args, code, stderr)
	}
	raw, err := os.ReadFile(expect)
	if err != nil {
		t.Fatal(err)
	}
	var e generators.Expectation
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatalf("expect JSON: %v\n%s", err, raw)
	}
	return capture, e, stderr
}

// TestGenSynfloodExpect: the --expect summary of a SYN flood says exactly
// what the capture holds (counted here with pcapflow's decoder): N
// packets, all SYNs, no SYN-ACK, and as many flows, all half-open, as
// distinct (source, source port) pairs — also when a small --src range
// wraps.
func TestGenSynfloodExpect(t *testing.T) {
	for _, tc := range []struct {
		name                       string
		args                       []string
		flows, sources             int64
		warning                    string
		ipv6, vlan, bytesPerPacket int64
	}{
		{"seed defaults", []string{"-n", "100"}, 100, 100, "", 0, 0, 60},
		{"ipv6 vlan options", []string{"-n", "100", "--ipv6", "--vlan", "5", "--tcp-options"}, 100, 100, "", 100, 100, 98},
		{"wrapping /30", []string{"-n", "100", "--src", "10.0.0.0/30"}, 2, 2, "only 2 usable source addresses", 0, 0, 60},
		{"wrapping /30 random ports", []string{"-n", "100", "--src", "10.0.0.0/30", "--random-sport", "--seed", "3"}, 100, 2, "wrap", 0, 0, 60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			capture, e, stderr := genExpect(t, append([]string{"synflood"}, tc.args...)...)
			b, ds := decodeCapture(t, capture)
			tuples := map[pipeline.Flow]bool{}
			sources := map[netip.Addr]bool{}
			var syn, other int64
			for i := range ds {
				d := &ds[i]
				if d.TCPFlags == pipeline.TCPSyn {
					syn++
				} else {
					other++
				}
				tuples[d.IP] = true
				sources[d.IP.Src] = true
			}
			want := generators.Expectation{
				Generator: "synflood", Packets: 100, Bytes: 100 * tc.bytesPerPacket,
				FirstNs: 1704067200000000000, LastNs: 1704067200099000000,
				IPv4: 100 - tc.ipv6, IPv6: tc.ipv6, VLAN: tc.vlan, TCP: 100, SYN: 100,
				Flows: tc.flows, Connections: tc.flows, IPPairs: tc.sources,
				DistinctSources: tc.sources, HalfOpen: tc.flows,
			}
			if tc.warning != "" {
				if len(e.Warnings) != 1 || !strings.Contains(e.Warnings[0], tc.warning) || !strings.Contains(stderr, "warning: "+e.Warnings[0]) {
					t.Errorf("warnings %q (stderr %q), want one about %q", e.Warnings, stderr, tc.warning)
				}
				want.Warnings = e.Warnings
			}
			if got, w := toJSON(t, e), toJSON(t, want); got != w {
				t.Errorf("expect summary\n got %s\nwant %s", got, w)
			}
			// The summary agrees with the capture itself.
			if int64(b.Len()) != e.Packets || syn != e.SYN || other != 0 || e.SYNACK != 0 ||
				int64(len(tuples)) != e.Flows || int64(len(sources)) != e.DistinctSources {
				t.Errorf("capture: %d packets, %d SYNs, %d others, %d 5-tuples, %d sources; summary %+v",
					b.Len(), syn, other, len(tuples), len(sources), e)
			}
		})
	}
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestGenMixShares: --ipv6-share and --vlan-share set the share of
// address pairs (0 means none), out-of-range shares are usage errors, and
// warnings reach stderr and the summary.
func TestGenMixShares(t *testing.T) {
	base := []string{"mix", "-n", "3000", "--pairs", "200", "--flows", "400", "--seed", "2"}
	for _, tc := range []struct {
		name               string
		args               []string
		minV6, maxV6       int64
		minVLAN, maxVLAN   int64
		warning, noWarning string
	}{
		{"defaults", nil, 100, 600, 30, 350, "", "none of"},
		{"none", []string{"--ipv6-share", "0", "--vlan-share", "0"}, 0, 0, 0, 0, "", "none of"},
		{"all", []string{"--ipv6-share", "1", "--vlan-share", "1"}, 3000, 3000, 3000, 3000, "", "none of"},
		{"half", []string{"--ipv6-share", "0.5", "--vlan-share", "0.5"}, 1000, 2000, 1000, 2000, "", "none of"},
		{"too few pairs", []string{"--pairs", "2", "--flows", "4", "--ipv6-share", "0.001"}, 0, 0, 0, 3000, "drew IPv6", ""},
		{"concurrent above flows", []string{"--concurrent", "1000"}, 100, 600, 30, 350, "using 400 concurrent", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			capture, e, stderr := genExpect(t, append(append([]string{}, base...), tc.args...)...)
			_, ds := decodeCapture(t, capture)
			var v6, vlan int64
			for i := range ds {
				if ds[i].Layers.Has(pipeline.LayerIPv6) {
					v6++
				}
				if ds[i].NumVLAN > 0 {
					vlan++
				}
			}
			if v6 != e.IPv6 || vlan != e.VLAN {
				t.Errorf("capture has %d IPv6 and %d tagged frames, summary %d and %d", v6, vlan, e.IPv6, e.VLAN)
			}
			if v6 < tc.minV6 || v6 > tc.maxV6 || vlan < tc.minVLAN || vlan > tc.maxVLAN {
				t.Errorf("%d IPv6 frames (want %d..%d), %d tagged (want %d..%d)", v6, tc.minV6, tc.maxV6, vlan, tc.minVLAN, tc.maxVLAN)
			}
			joined := strings.Join(e.Warnings, "\n")
			if tc.warning != "" && (!strings.Contains(joined, tc.warning) || !strings.Contains(stderr, tc.warning)) {
				t.Errorf("warnings %q, stderr %q: want %q", e.Warnings, stderr, tc.warning)
			}
			if tc.noWarning != "" && strings.Contains(joined, tc.noWarning) {
				t.Errorf("unexpected warning %q", e.Warnings)
			}
		})
	}
	for _, bad := range [][]string{{"--ipv6-share", "1.5"}, {"--vlan-share", "-0.5"}} {
		code, _, stderr := runCLI(t, append(append([]string{"gen"}, base...), append(bad, "-o", filepath.Join(t.TempDir(), "x.pcap"))...)...)
		if code != exitUsage || !strings.Contains(stderr, "share") {
			t.Errorf("gen mix %v: exit %d (want %d), stderr %q", bad, code, exitUsage, stderr)
		}
	}
}
