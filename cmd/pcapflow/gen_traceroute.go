package main

import (
	"net/netip"

	"github.com/pcapflow/pcapflow/generators"
	"github.com/spf13/pflag"
)

func init() {
	registerGenerator(&generator{
		name:  "traceroute",
		short: "a traceroute: probes with TTL 1..N, time-exceeded from each router, the target's answer",
		flags: func(fs *pflag.FlagSet) func() (genSource, error) {
			var c generators.Traceroute
			var hops []string
			fs.Var(addrFlag{&c.Src}, "src", "probing host (default 192.168.1.10; IPv6 2001:db8:1::10)")
			fs.Var(addrFlag{&c.Target}, "target", "traced destination (default 198.51.100.7; IPv6 2001:db8:2::7)")
			fs.StringSliceVar(&hops, "hops", nil, "router addresses, nearest first (comma-separated; default four routers)")
			fs.BoolVar(&c.IPv6, "ipv6", false, "IPv6 instead of IPv4")
			fs.IntVar(&c.Probes, "probes", 3, "probes per hop")
			fs.BoolVar(&c.UDP, "udp", false, "UDP probes to port 33434+ instead of ICMP echo")
			fs.IntSliceVar(&c.Silent, "silent", nil, "hop numbers that never answer (comma-separated)")
			fs.DurationVar(&c.RTT, "rtt", 0, "round-trip time to the first router (default 1ms)")
			fs.DurationVar(&c.HopRTT, "hop-rtt", 0, "added round-trip time per further hop (default 5ms)")
			fs.DurationVar(&c.Timeout, "timeout", 0, "wait for an answer that never comes (default 3s)")
			fs.Uint16Var(&c.ID, "id", 0, "ICMP identifier or UDP source port (default from --seed)")
			fs.IntVar(&c.PayloadLen, "payload", 32, "probe payload bytes")
			fs.Var(startFlag{&c.Start}, "start", "first timestamp (RFC 3339)")
			fs.Uint64Var(&c.Seed, "seed", 0, "random seed (same seed, same bytes)")
			fs.Uint16Var(&c.VLAN, "vlan", 0, "add an 802.1Q tag with this VLAN id")
			fs.Var(macFlag{&c.SrcMAC}, "src-mac", "prober's MAC (default 00:00:01:00:00:01)")
			fs.Var(macFlag{&c.GatewayMAC}, "gateway-mac", "first router's MAC (default 00:00:01:00:00:02)")
			return func() (genSource, error) {
				for _, h := range hops {
					a, err := netip.ParseAddr(h)
					if err != nil {
						return genSource{}, err
					}
					c.Hops = append(c.Hops, a)
				}
				return gen(c)
			}
		},
	})
}
