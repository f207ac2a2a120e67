package main

import (
	"github.com/pcapflow/pcapflow/generators"
	"github.com/spf13/pflag"
)

func init() {
	for _, name := range []string{"tcp-session", "http"} {
		registerGenerator(&generator{
			name:  name,
			short: "TCP sessions carrying an HTTP GET: handshake, request, segmented response, FIN teardown; loss, reordering and delayed ACKs on request",
			flags: func(fs *pflag.FlagSet) func() (genSource, error) {
				var c generators.TCPSession
				fs.IntVarP(&c.Sessions, "count", "n", 1, "number of sessions (one after another)")
				fs.Var(addrFlag{&c.Client}, "client", "client address (default 192.168.1.180; IPv6 2001:db8:1::180)")
				fs.Var(addrFlag{&c.Server}, "server", "server address (default 203.0.113.80; IPv6 2001:db8:2::80)")
				fs.BoolVar(&c.IPv6, "ipv6", false, "IPv6 instead of IPv4")
				fs.Uint16Var(&c.ClientPort, "sport", 0, "first client port (default: random from --seed)")
				fs.Uint16Var(&c.ServerPort, "dport", 80, "server port")
				fs.StringVar(&c.Host, "host", "example.com", "HTTP Host")
				fs.StringVar(&c.Path, "path", "/index.html", "HTTP request path")
				fs.IntVar(&c.BodySize, "body", 4000, "response body size in bytes")
				fs.IntVar(&c.MSS, "mss", 0, "maximum segment size (default 1460; 1440 with IPv6)")
				fs.DurationVar(&c.RTT, "rtt", 0, "round-trip time (default 20ms)")
				fs.DurationVar(&c.RTO, "rto", 0, "server's first retransmission timeout (default RTT+200ms)")
				fs.IntVar(&c.InitCwnd, "init-cwnd", 0, "server's initial congestion window in segments (default 10)")
				fs.Float64Var(&c.Loss, "loss", 0, "probability a server data segment is lost and retransmitted (0-0.9)")
				fs.Float64Var(&c.Reorder, "reorder", 0, "probability a server data segment arrives behind the next one (0-1)")
				fs.DurationVar(&c.DelayedACK, "delayed-ack", 0, "client ACKs every 2nd segment or after this delay (above RTO the server retransmits)")
				fs.DurationVar(&c.Gap, "gap", 0, "idle time between sessions (default 100ms)")
				fs.Var(startFlag{&c.Start}, "start", "first timestamp (RFC 3339)")
				fs.Uint64Var(&c.Seed, "seed", 0, "random seed (same seed, same bytes)")
				fs.Uint16Var(&c.VLAN, "vlan", 0, "add an 802.1Q tag with this VLAN id")
				fs.Var(macFlag{&c.ClientMAC}, "client-mac", "client MAC (default 00:00:01:00:00:01)")
				fs.Var(macFlag{&c.ServerMAC}, "server-mac", "server MAC (default 00:00:01:00:00:02)")
				return func() (genSource, error) { return gen(c) }
			},
		})
	}
}
