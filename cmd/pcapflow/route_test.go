package main

import (
	"strings"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/internal/netns"
)

func TestRouteUsage(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		inStderr string
	}{
		{"one interface", []string{"route", "eth0"}, "want two interfaces"},
		{"same interface", []string{"route", "eth0", "eth0"}, "must differ"},
		{"route without gateway", []string{"route", "a", "b", "--route", "10.0.0.0/8"}, "PREFIX=GATEWAY"},
		{"bad prefix", []string{"route", "a", "b", "--route", "10.0.0.0/33=10.0.0.1"}, "bad IPv4 prefix"},
		{"ipv6 gateway", []string{"route", "a", "b", "--route", "10.0.0.0/8=2001:db8::1"}, "bad IPv4 gateway"},
		{"bad drop", []string{"route", "a", "b", "--drop", "port"}, "--drop"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.inStderr) {
				t.Fatalf("exit %d, want %d with %q:\n%s", code, exitUsage, tc.inStderr, stderr)
			}
		})
	}
}

// routeTopology builds A —— R —— C: A 10.95.1.2/24 and C 10.95.2.2/24,
// each with a default route via R (r0 10.95.1.1, r1 10.95.2.1).
func routeTopology(t *testing.T) (a, r, c *netns.NS) {
	a, r, c = netns.New(t, "rt-a"), netns.New(t, "rt-r"), netns.New(t, "rt-c")
	netns.Veth(t, a, "a0", r, "r0")
	netns.Veth(t, r, "r1", c, "c0")
	for _, ns := range []*netns.NS{a, r, c} {
		ns.Sysctl("net.ipv6.conf.all.disable_ipv6", "1")
	}
	a.Addr("a0", "10.95.1.2/24")
	r.Addr("r0", "10.95.1.1/24")
	r.Addr("r1", "10.95.2.1/24")
	c.Addr("c0", "10.95.2.2/24")
	a.MustIP("route", "add", "default", "via", "10.95.1.1")
	c.MustIP("route", "add", "default", "via", "10.95.2.1")
	return
}

// TestRouteNetns pings A→C through R with kernel forwarding, then with
// kernel forwarding off through pcapflow route (neighbour table flushed, so
// next hops are resolved by ARP), and checks TTLs and time exceeded.
func TestRouteNetns(t *testing.T) {
	netns.Require(t)
	netns.RequireCommand(t, "ping", "iputils-ping")
	a, r, _ := routeTopology(t)
	const pings = 40

	r.Sysctl("net.ipv4.ip_forward", "1")
	a.Ping("10.95.2.2", 3)
	kernel := a.Ping("10.95.2.2", pings)
	if len(kernel.RTT) != pings || kernel.TTL[0] != 63 {
		t.Fatalf("kernel forwarding: %d of %d replies:\n%s", len(kernel.RTT), pings, kernel.Output)
	}
	r.Sysctl("net.ipv4.ip_forward", "0")
	if off := a.Ping("10.95.2.2", 1); len(off.RTT) != 0 {
		t.Fatalf("kernel forwarding still on:\n%s", off.Output)
	}
	r.MustIP("neigh", "flush", "all")

	p := startPcapflow(t, r, "routing between", "route", "r0", "r1")
	pf := a.Ping("10.95.2.2", pings)
	expired, _ := a.Run(10*time.Second, "ping", "-n", "-c", "1", "-t", "1", "-W", "1", "10.95.2.2")
	if code := p.stop(t); code != 0 {
		t.Fatalf("route exited %d:\n%s", code, p.stderr.String())
	}
	log := p.stderr.String()
	t.Logf("route output:\n%s", log)
	if len(pf.RTT) < pings-1 {
		t.Fatalf("pcapflow route: %d of %d replies:\n%s", len(pf.RTT), pings, pf.Output)
	}
	for i, ttl := range pf.TTL {
		if ttl != 63 {
			t.Errorf("reply %d has TTL %d, want 63 (64 less one hop)", i+1, ttl)
		}
	}
	t.Logf("ping A→C median RTT: kernel forwarding %v, pcapflow route %v (added %v); %d/%d replies through pcapflow",
		kernel.Median(), pf.Median(), pf.Median()-kernel.Median(), len(pf.RTT), pings)
	if !strings.Contains(expired, "From 10.95.1.1") || !strings.Contains(expired, "Time to live exceeded") {
		t.Errorf("ping -t 1 did not get time exceeded from 10.95.1.1:\n%s", expired)
	}
	for _, want := range []string{"ICMP time exceeded 1,", "ARP requests 2"} {
		if !strings.Contains(log, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}
