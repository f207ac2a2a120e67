package main

import (
	"github.com/pcapflow/pcapflow/generators"
	"github.com/spf13/pflag"
)

func init() {
	registerGenerator(&generator{
		name:  "synflood",
		short: "TCP SYNs from many sources to one server port, never answered",
		flags: func(fs *pflag.FlagSet) func() (genSource, error) {
			var c generators.SynFlood
			fs.IntVarP(&c.Count, "count", "n", 100, "number of SYNs")
			fs.Var(prefixFlag{&c.Src}, "src", "source address range, walked without overflow (default 192.168.0.1/16; IPv6 2001:db8:1::1/64)")
			fs.BoolVar(&c.RandomSrc, "random-src", false, "visit the source range in a random order (no repeats until exhausted)")
			fs.Uint16Var(&c.SPort, "sport", 60001, "source port")
			fs.BoolVar(&c.RandomSPort, "random-sport", false, "random source port per SYN (1024-65535)")
			fs.Var(addrFlag{&c.Dst}, "dst", "target address (default 172.16.0.1; IPv6 2001:db8:2::1)")
			fs.Uint16Var(&c.DPort, "dport", 80, "target port")
			fs.BoolVar(&c.IPv6, "ipv6", false, "IPv6 instead of IPv4")
			fs.Float64Var(&c.Rate, "rate", 1000, "SYNs per second of capture time")
			fs.Var(startFlag{&c.Start}, "start", "first timestamp (RFC 3339)")
			fs.Uint64Var(&c.Seed, "seed", 0, "random seed (same seed, same bytes)")
			fs.Uint16Var(&c.VLAN, "vlan", 0, "add an 802.1Q tag with this VLAN id")
			fs.Var(macFlag{&c.SrcMAC}, "src-mac", "source MAC (default 00:00:01:00:00:01)")
			fs.Var(macFlag{&c.DstMAC}, "dst-mac", "destination MAC (default 00:00:01:00:00:02)")
			fs.BoolVar(&c.TCPOptions, "tcp-options", false, "add a Linux SYN's options: MSS, SACK-permitted, timestamps, window scale")
			fs.Uint8Var(&c.TTL, "ttl", 64, "IPv4 TTL or IPv6 hop limit")
			fs.Uint16Var(&c.Window, "window", 64240, "TCP window")
			return func() (genSource, error) { return gen(c) }
		},
	})
}
