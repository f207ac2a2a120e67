package main

import (
	"github.com/pcapflow/pcapflow/generators"
	"github.com/spf13/pflag"
)

func init() {
	registerGenerator(&generator{
		name:  "gtpc",
		short: "GTPv2-C S11 sessions of subscribers (create, modify bearer, delete, echo) with their S1-U GTP-U user plane",
		flags: func(fs *pflag.FlagSet) func() (genSource, error) {
			var c generators.GTPCScenario
			fs.IntVarP(&c.Subscribers, "count", "n", 10, "number of subscribers")
			fs.Var(addrFlag{&c.MME}, "mme", "MME S11 address (default 10.0.2.1; IPv6 2001:db8:6::1)")
			fs.Var(addrFlag{&c.SGW}, "sgw", "SGW S11 address (default 10.0.2.2; IPv6 2001:db8:6::2)")
			fs.Var(addrFlag{&c.SGWU}, "sgw-u", "SGW S1-U GTP-U address (default 10.0.3.2; IPv6 2001:db8:7::2)")
			fs.Var(addrFlag{&c.ENB}, "enb", "eNodeB S1-U GTP-U address (default 10.0.3.1; IPv6 2001:db8:7::1)")
			fs.Var(addrFlag{&c.PGW}, "pgw", "PGW S5/S8 address named in F-TEIDs (default 10.0.4.2; IPv6 2001:db8:8::2)")
			fs.BoolVar(&c.IPv6, "ipv6", false, "IPv6 node addresses (transport)")
			fs.BoolVar(&c.UEIPv6, "ue-ipv6", false, "PDN type IPv4v6: the PAA also carries an IPv6 prefix, half the user plane is IPv6")
			fs.Float64Var(&c.Rate, "rate", 100, "subscribers attaching per second")
			fs.DurationVar(&c.Hold, "hold", 0, "session lifetime from Create Session Response to Delete Session Request (default 1s)")
			fs.Float64Var(&c.Retransmit, "retransmit", 0, "probability a request is sent twice (0-1)")
			fs.DurationVar(&c.T3, "t3", 0, "retransmission timer (default 500ms)")
			fs.IntVar(&c.RejectEvery, "reject", 0, "reject every k-th Create Session Request with cause 73 (0: none)")
			fs.IntVar(&c.Echo, "echo", 0, "Echo Request/Response exchanges")
			fs.BoolVar(&c.NoDeletion, "no-deletion", false, "leave the sessions up (no Delete Session)")
			fs.IntVar(&c.UserPackets, "user-packets", 4, "G-PDUs per accepted subscriber (uplink and downlink in turn)")
			fs.BoolVar(&c.ReuseTEIDs, "reuse-teids", false, "give the TEIDs of deleted subscribers to later ones")
			fs.BoolVar(&c.Gn, "gn", false, "Gn/Gp instead of S11: GTPv1-C PDP contexts between an SGSN (--mme, --enb) and a GGSN (--sgw, --sgwu)")
			fs.StringVar(&c.PLMN, "plmn", "00101", "MCC and MNC the 15-digit IMSIs start with (5 or 6 digits)")
			fs.StringVar(&c.APN, "apn", "internet", "access point name")
			fs.Uint8Var(&c.RAT, "rat", 6, "RAT Type value (6 EUTRAN, 10 NR, 1 UTRAN…)")
			fs.Var(addrFlag{&c.Server}, "server", "data-network IPv4 host the UEs talk to (default 198.51.100.20)")
			fs.Var(startFlag{&c.Start}, "start", "first timestamp (RFC 3339)")
			fs.Uint64Var(&c.Seed, "seed", 0, "random seed (same seed, same bytes)")
			fs.Var(macFlag{&c.MMEMAC}, "mme-mac", "MME/eNodeB side MAC (default 00:00:01:00:00:01)")
			fs.Var(macFlag{&c.SGWMAC}, "sgw-mac", "SGW side MAC (default 00:00:01:00:00:02)")
			return func() (genSource, error) { return gen(c) }
		},
	})
}
