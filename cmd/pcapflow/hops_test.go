package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestHopsCommand reconstructs generated traceroutes (known routers) from
// captures written by pcapflow gen, as text and as JSON.
func TestHopsCommand(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		gen   []string
		lines []string
	}{
		{"icmp", []string{"traceroute"}, []string{
			"traceroute from 192.168.1.10 to 198.51.100.7 (icmp): 5 hops, reached",
			" 1   192.168.1.1  ", " 2   10.0.0.1  ", " 3   10.0.1.1  ", " 4   203.0.113.1  ", " 5   198.51.100.7  "}},
		{"udp silent", []string{"traceroute", "--udp", "--silent", "3"}, []string{
			"(udp): 5 hops, reached", " 2   10.0.0.1  ", " 3  * * *", " 5   198.51.100.7  "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			capture := genFile(t, dir, tc.name+".pcap", tc.gen...)
			code, stdout, stderr := runCLI(t, "hops", capture)
			if code != 0 {
				t.Fatalf("exit %d:\n%s", code, stderr)
			}
			for _, l := range tc.lines {
				if !strings.Contains(stdout, l) {
					t.Errorf("output lacks %q:\n%s", l, stdout)
				}
			}
			if !strings.Contains(stderr, "1 traceroute found") {
				t.Errorf("stderr: %s", stderr)
			}
			code, stdout, stderr = runCLI(t, "hops", "--json", capture)
			var paths []struct {
				Dst     string `json:"dst"`
				Reached bool   `json:"reached"`
				Hops    []struct {
					TTL    int `json:"ttl"`
					Probes []struct {
						Answer string `json:"answer"`
						From   string `json:"from"`
						RTT    int64  `json:"rtt_ns"`
					} `json:"probes"`
				} `json:"hops"`
			}
			if code != 0 || json.Unmarshal([]byte(stdout), &paths) != nil {
				t.Fatalf("--json: exit %d, output:\n%s%s", code, stdout, stderr)
			}
			if len(paths) != 1 || paths[0].Dst != "198.51.100.7" || !paths[0].Reached || len(paths[0].Hops) != 5 {
				t.Fatalf("JSON paths: %s", stdout)
			}
			last := paths[0].Hops[4].Probes[0]
			if last.Answer != "reached" || last.From != "198.51.100.7" || last.RTT <= 0 {
				t.Errorf("last hop: %+v", last)
			}
		})
	}
}

func TestHopsNone(t *testing.T) {
	capture := genFile(t, t.TempDir(), "syn.pcap", "synflood", "-n", "20")
	code, stdout, stderr := runCLI(t, "hops", capture)
	if code != 0 || stdout != "" || !strings.Contains(stderr, "0 traceroutes found") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "hops", "--json", capture)
	if code != 0 || strings.TrimSpace(stdout) != "[]" {
		t.Errorf("--json with no traceroute: %q", stdout)
	}
	if code, _, _ := runCLI(t, "hops", "--max-ttl", "0", filepath.Join(t.TempDir(), "x.pcap")); code != exitUsage {
		t.Errorf("--max-ttl 0: exit %d", code)
	}
}
