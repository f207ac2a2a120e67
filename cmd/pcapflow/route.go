package main

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"

	"github.com/pcapflow/pcapflow/decoders/filter"
	"github.com/pcapflow/pcapflow/pipeline/forward"
	"github.com/pcapflow/pcapflow/pipeline/live"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name:  "route",
		args:  "IF1 IF2 [--route PREFIX=GATEWAY]... [-w TAP] [--drop EXPR] [flags]",
		short: "route IPv4 between two interfaces in user space (Linux; kernel forwarding off)",
		long: `Forwards IPv4 between the subnets of IF1 and IF2 (their addresses and prefix
lengths) and the static routes given with --route, as a router does: the TTL is
decremented and the header checksum updated, a packet whose TTL runs out is
answered with ICMP time exceeded (and one without a route with ICMP network
unreachable) from the router's address on the ingress side, and frames leave
with the next hop's MAC address, taken from ARP seen on the wire, from the
kernel's neighbour table, or from an ARP request pcapflow sends (holding a few
packets meanwhile).

Packets addressed to the host itself, broadcasts and ARP are left to the kernel.
The kernel's own IPv4 forwarding must be off (net.ipv4.ip_forward=0), or every
packet would be forwarded twice. The tap and drop flags work as for bridge.`,
		flags: func(fs *pflag.FlagSet) func(*env, []string) error {
			var o forwardFlags
			o.declare(fs)
			routes := fs.StringArray("route", nil, "static route `PREFIX=GATEWAY` (repeatable), e.g. 0.0.0.0/0=10.0.2.254")
			noKernel := fs.Bool("no-kernel-neighbours", false, "never read the kernel's neighbour table: resolve next hops by ARP only")
			return func(e *env, args []string) error {
				if len(args) != 2 {
					return usagef("want two interfaces, got %d arguments", len(args))
				}
				rs, err := parseRoutes(*routes)
				if err != nil {
					return err
				}
				return runRoute(e, &o, [2]string{args[0], args[1]}, rs, !*noKernel)
			}
		},
	})
}

// parseRoutes reads --route PREFIX=GATEWAY values.
func parseRoutes(vals []string) ([]forward.Route, error) {
	var out []forward.Route
	for _, v := range vals {
		pfx, gw, ok := strings.Cut(v, "=")
		if !ok {
			return nil, usagef("--route %q: want PREFIX=GATEWAY", v)
		}
		p, err := netip.ParsePrefix(strings.TrimSpace(pfx))
		if err != nil || !p.Addr().Is4() {
			return nil, usagef("--route %q: bad IPv4 prefix %q", v, pfx)
		}
		g, err := netip.ParseAddr(strings.TrimSpace(gw))
		if err != nil || !g.Is4() {
			return nil, usagef("--route %q: bad IPv4 gateway %q", v, gw)
		}
		out = append(out, forward.Route{Dst: p.Masked(), Gateway: g})
	}
	return out, nil
}

// routerPort describes interface name for the router: MAC and IPv4 prefixes.
func routerPort(name string) (forward.Port, error) {
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return forward.Port{}, err
	}
	p := forward.Port{Name: name}
	if len(ifi.HardwareAddr) != 6 {
		return p, fmt.Errorf("%s is not an Ethernet interface", name)
	}
	p.MAC = [6]byte(ifi.HardwareAddr)
	addrs, err := ifi.Addrs()
	if err != nil {
		return p, fmt.Errorf("%s: %w", name, err)
	}
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.To4() == nil {
			continue
		}
		ones, _ := ipn.Mask.Size()
		addr, _ := netip.AddrFromSlice(ipn.IP.To4())
		p.Prefixes = append(p.Prefixes, netip.PrefixFrom(addr, ones))
	}
	return p, nil
}

// kernelForwarding reports whether the kernel forwards IPv4 itself.
func kernelForwarding() bool {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	return err == nil && strings.TrimSpace(string(b)) == "1"
}

func runRoute(e *env, o *forwardFlags, ifs [2]string, routes []forward.Route, kernelNeigh bool) error {
	if ifs[0] == ifs[1] {
		return usagef("the two interfaces must differ")
	}
	drop, err := o.dropFilters()
	if err != nil {
		return err
	}
	if _, _, err := o.tapOptions(); err != nil {
		return err
	}
	ro := forward.RouterOptions{Routes: routes, Drop: []*filter.Filter{drop[0], drop[1]}}
	for _, name := range ifs {
		p, err := routerPort(name)
		if err != nil {
			return err
		}
		ro.Ports = append(ro.Ports, p)
	}
	if kernelNeigh {
		ro.Kernel = forward.KernelNeighbours
	}
	r, err := forward.NewRouter(ro)
	if err != nil {
		return err
	}
	if kernelForwarding() {
		return fmt.Errorf("the kernel forwards IPv4 itself (net.ipv4.ip_forward=1): turn it off (sysctl -w net.ipv4.ip_forward=0) or every packet is forwarded twice")
	}
	hs, err := openHandles(ifs[:], live.Options{IgnoreOutgoing: true, ReceiveBuffer: live.DefaultCaptureBuffer})
	if err != nil {
		return err
	}
	defer closeHandles(hs)
	var ready []string
	for _, p := range ro.Ports {
		ready = append(ready, fmt.Sprintf("%s %v", p.Name, p.Prefixes))
	}
	st, tx, tap, err := runForwarding(e, o, hs, r, "routing between "+strings.Join(ready, " and "))
	if tx == nil {
		return err
	}
	fmt.Fprintln(e.stderr, "router stopped")
	for d := 0; d < 2; d++ {
		c := r.Counters(d)
		fmt.Fprintf(e.stderr, "  %s: received %d, forwarded %d, dropped %d\n", forward.DirectionName(d, ifs),
			c.Received.Load(), c.Forwarded.Load(), c.Dropped.Load())
	}
	rs := r.Stats()
	fmt.Fprintf(e.stderr, "  ICMP time exceeded %d, unreachable %d; ARP requests %d; held %d (%d lost); left to the kernel %d\n",
		rs.TimeExceeded.Load(), rs.Unreachable.Load(), rs.ARPRequests.Load(), rs.Held.Load(), rs.HeldDropped.Load(), rs.Local.Load())
	reportForwarding(e, st, tx, tap, hs, o)
	return err
}
