package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/internal/netns"
)

func TestBridgeUsage(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name     string
		args     []string
		inStderr string
	}{
		{"one interface", []string{"bridge", "eth0"}, "want two interfaces"},
		{"same interface", []string{"bridge", "eth0", "eth0"}, "must differ"},
		{"bad drop", []string{"bridge", "a", "b", "--drop", "tcp port"}, "--drop"},
		{"bad drop-rev", []string{"bridge", "a", "b", "--drop-rev", "host"}, "--drop-rev"},
		{"tap filter without tap", []string{"bridge", "a", "b", "--tap-filter", "tcp"}, "need -w"},
		{"bad tap dir", []string{"bridge", "a", "b", "-w", filepath.Join(dir, "t.pcap"), "--tap-dir", "up"}, "--tap-dir"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.inStderr) {
				t.Fatalf("exit %d, want %d with %q:\n%s", code, exitUsage, tc.inStderr, stderr)
			}
		})
	}
}

// bridgeTopology builds A —— B —— C on one subnet and returns the
// namespaces; B's interfaces are b0 (to A) and b1 (to C).
func bridgeTopology(t *testing.T) (a, b, c *netns.NS) {
	a, b, c = netns.New(t, "br-a"), netns.New(t, "br-b"), netns.New(t, "br-c")
	netns.Veth(t, a, "a0", b, "b0")
	netns.Veth(t, b, "b1", c, "c0")
	a.Addr("a0", "10.96.0.1/24")
	c.Addr("c0", "10.96.0.2/24")
	// No IPv6 chatter (router solicitations, DAD) in the counts.
	for _, ns := range []*netns.NS{a, b, c} {
		ns.Sysctl("net.ipv6.conf.all.disable_ipv6", "1")
	}
	return
}

// TestBridgeNetns pings A→C through a kernel bridge in B, then through
// pcapflow bridge in B, and compares the RTTs; the tap must hold exactly
// the echo requests and replies (the frames with a payload), and a drop
// filter must stop the pings.
func TestBridgeNetns(t *testing.T) {
	netns.Require(t)
	netns.RequireCommand(t, "ping", "iputils-ping")
	a, b, _ := bridgeTopology(t)
	const pings = 40

	b.MustIP("link", "add", "br0", "type", "bridge")
	b.MustIP("link", "set", "b0", "master", "br0")
	b.MustIP("link", "set", "b1", "master", "br0")
	b.MustIP("link", "set", "br0", "up")
	a.Ping("10.96.0.2", 3) // warm up ARP
	kernel := a.Ping("10.96.0.2", pings)
	if len(kernel.RTT) != pings {
		t.Fatalf("kernel bridge: %d of %d replies:\n%s", len(kernel.RTT), pings, kernel.Output)
	}
	b.MustIP("link", "del", "br0")

	tap := filepath.Join(t.TempDir(), "tap.pcap")
	p := startPcapflow(t, b, "bridging", "bridge", "b0", "b1", "-w", tap, "--tap-payload")
	a.Ping("10.96.0.2", 3)
	pf := a.Ping("10.96.0.2", pings)
	time.Sleep(50 * time.Millisecond)
	if code := p.stop(t); code != 0 {
		t.Fatalf("bridge exited %d:\n%s", code, p.stderr.String())
	}
	log := p.stderr.String()
	if len(pf.RTT) != pings {
		t.Fatalf("pcapflow bridge: %d of %d replies:\n%s\n%s", len(pf.RTT), pings, pf.Output, log)
	}
	added := pf.Median() - kernel.Median()
	t.Logf("ping A→C median RTT: kernel bridge %v, pcapflow bridge %v (added %v; goal < 300µs)", kernel.Median(), pf.Median(), added)
	t.Logf("bridge output:\n%s", log)
	if added > 3*time.Millisecond { // generous: CI runs with -race on 2 shared cores
		t.Errorf("pcapflow bridge adds %v to the RTT", added)
	}
	frames := readCapture(t, tap)
	if want := 2 * (pings + 3); len(frames) != want || icmpFrames(frames) != want {
		t.Errorf("tap holds %d frames (%d ICMP), want the %d echo requests and replies only", len(frames), icmpFrames(frames), want)
	}
	for _, want := range []string{"b0→b1: received", "b1→b0: received", "transmit: ", "b0: kernel received"} {
		if !strings.Contains(log, want) {
			t.Errorf("report lacks %q", want)
		}
	}

	// A drop filter in one direction stops the echo requests.
	p = startPcapflow(t, b, "bridging", "bridge", "b0", "b1", "--drop-fwd", "icmp")
	dropped := a.Ping("10.96.0.2", 3)
	if code := p.stop(t); code != 0 {
		t.Fatalf("bridge exited %d:\n%s", code, p.stderr.String())
	}
	if len(dropped.RTT) != 0 || !strings.Contains(p.stderr.String(), "dropped 3") {
		t.Errorf("--drop-fwd icmp: %d replies; output:\n%s", len(dropped.RTT), p.stderr.String())
	}
}
