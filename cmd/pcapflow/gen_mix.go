package main

import (
	"fmt"

	"github.com/pcapflow/pcapflow/generators"
	"github.com/spf13/pflag"
)

func init() {
	registerGenerator(&generator{
		name:  "mix",
		short: "realistic mixed traffic (TCP, UDP/DNS, ICMP, IPv6, VLAN) for benchmarks and tests",
		flags: func(fs *pflag.FlagSet) func() (genSource, error) {
			var c generators.Mix
			fs.Var(sizeFlag{&c.Bytes}, "bytes", "stop after this many bytes (e.g. 1GiB)")
			fs.Int64VarP(&c.Packets, "count", "n", 0, "stop after this many packets (default 100000 when --bytes is not given)")
			fs.IntVar(&c.Pairs, "pairs", 20000, "distinct client/server address pairs")
			fs.IntVar(&c.Flows, "flows", 100000, "distinct 5-tuples")
			fs.IntVar(&c.Concurrent, "concurrent", 0, "connections open at once (default min(flows, 2000))")
			fs.Float64Var(&c.IPv6Share, "ipv6-share", 0.1, "fraction of address pairs that use IPv6 (0-1)")
			fs.Float64Var(&c.VLANShare, "vlan-share", 0.05, "fraction of address pairs tagged with an 802.1Q VLAN id 100-163 (0-1)")
			fs.Float64Var(&c.Rate, "rate", 100000, "packets per second of capture time")
			fs.Var(startFlag{&c.Start}, "start", "first timestamp (RFC 3339)")
			fs.Uint64Var(&c.Seed, "seed", 0, "random seed (same seed, same bytes)")
			return func() (genSource, error) {
				if c.IPv6Share < 0 || c.VLANShare < 0 {
					return genSource{}, fmt.Errorf("mix: --ipv6-share and --vlan-share must be in 0..1")
				}
				// The struct reads 0 as "default" and a negative share as
				// none; on the command line 0 means none.
				if c.IPv6Share == 0 {
					c.IPv6Share = -1
				}
				if c.VLANShare == 0 {
					c.VLANShare = -1
				}
				return gen(c)
			}
		},
	})
}
