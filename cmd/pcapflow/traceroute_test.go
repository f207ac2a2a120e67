package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/internal/netns"
)

func TestTracerouteUsage(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		inStderr string
	}{
		{"no host", []string{"traceroute"}, "want one HOST"},
		{"bad proto", []string{"traceroute", "10.0.0.1", "--proto", "tcp"}, "--proto"},
		{"max hops", []string{"traceroute", "10.0.0.1", "--max-hops", "0"}, "--max-hops"},
		{"first ttl", []string{"traceroute", "10.0.0.1", "--first-ttl", "9", "--max-hops", "3"}, "--first-ttl"},
		{"probes", []string{"traceroute", "10.0.0.1", "--probes", "11"}, "--probes"},
		{"ipv6", []string{"traceroute", "2001:db8::1"}, "only IPv4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.inStderr) {
				t.Fatalf("exit %d, want %d with %q:\n%s", code, exitUsage, tc.inStderr, stderr)
			}
		})
	}
}

// TestTracerouteNetns traces A → C across two kernel routers R1 and R2,
// with ICMP and UDP probes, keeps the probes with -w and reconstructs the
// same path from that capture with pcapflow hops.
func TestTracerouteNetns(t *testing.T) {
	netns.Require(t)
	a, r1, r2, c := netns.New(t, "tr-a"), netns.New(t, "tr-r1"), netns.New(t, "tr-r2"), netns.New(t, "tr-c")
	netns.Veth(t, a, "a0", r1, "r1a")
	netns.Veth(t, r1, "r1b", r2, "r2a")
	netns.Veth(t, r2, "r2b", c, "c0")
	a.Addr("a0", "10.94.1.2/24")
	r1.Addr("r1a", "10.94.1.1/24")
	r1.Addr("r1b", "10.94.2.1/24")
	r2.Addr("r2a", "10.94.2.2/24")
	r2.Addr("r2b", "10.94.3.1/24")
	c.Addr("c0", "10.94.3.2/24")
	a.MustIP("route", "add", "default", "via", "10.94.1.1")
	r1.MustIP("route", "add", "10.94.3.0/24", "via", "10.94.2.2")
	r2.MustIP("route", "add", "default", "via", "10.94.2.1")
	c.MustIP("route", "add", "default", "via", "10.94.3.1")
	for _, r := range []*netns.NS{r1, r2, c} {
		r.Sysctl("net.ipv4.ip_forward", "1")
		r.Sysctl("net.ipv4.icmp_ratelimit", "0")
	}
	for _, proto := range []string{"icmp", "udp"} {
		t.Run(proto, func(t *testing.T) {
			capture := filepath.Join(t.TempDir(), "trace.pcap")
			p := startPcapflow(t, a, "traceroute to", "traceroute", "10.94.3.2", "--proto", proto, "--timeout", "1s", "--max-hops", "8", "-w", capture)
			if code := p.wait(t); code != 0 {
				t.Fatalf("traceroute exited %d:\n%s", code, p.stderr.String())
			}
			out := p.stderr.String()
			t.Logf("\n%s", out)
			want := []string{" 1   10.94.1.1  ", " 2   10.94.2.2  ", " 3   10.94.3.2  "}
			last := -1
			for _, w := range want {
				i := strings.Index(out, w)
				if i < 0 || i < last {
					t.Fatalf("output lacks %q in order", w)
				}
				last = i
			}
			if strings.Contains(out, " 4 ") || strings.Contains(out, "*") {
				t.Errorf("trace went on after the target or lost probes")
			}
			code, hops, stderr := runCLI(t, "hops", capture)
			if code != 0 {
				t.Fatalf("hops: exit %d: %s", code, stderr)
			}
			t.Logf("hops on the -w capture:\n%s", hops)
			for _, w := range append(want, "("+proto+"): 3 hops, reached") {
				if !strings.Contains(hops, w) {
					t.Errorf("hops output lacks %q", w)
				}
			}
		})
	}
}
