package main

import (
	"github.com/pcapflow/pcapflow/generators"
	"github.com/spf13/pflag"
)

func init() {
	// gtpu is the same scenario seen from the user plane: it defaults to
	// G-PDUs for every session, whose TEIDs and addresses are the F-TEIDs the
	// PFCP sessions set up (so session-aware tools can attribute them).
	for _, g := range []struct {
		name, short string
		userPlane   int
	}{
		{"pfcp", "PFCP sessions (association, establishment, modification, deletion, heartbeats) with their GTP-U user plane", 0},
		{"gtpu", "GTP-U user-plane traffic (G-PDUs, optional QFI) of PFCP sessions, with the PFCP that sets the tunnels up", 10},
	} {
		registerPFCPGenerator(g.name, g.short, g.userPlane)
	}
}

func registerPFCPGenerator(name, short string, userPlane int) {
	registerGenerator(&generator{
		name:  name,
		short: short,
		flags: func(fs *pflag.FlagSet) func() (genSource, error) {
			var c generators.PFCPScenario
			fs.IntVarP(&c.Sessions, "count", "n", 10, "number of sessions")
			fs.Var(addrFlag{&c.CP}, "cp", "control-plane node address (default 10.0.0.1; IPv6 2001:db8:4::1)")
			fs.Var(addrFlag{&c.UP}, "up", "user-plane node address, also its GTP-U address (default 10.0.0.2; IPv6 2001:db8:4::2)")
			fs.Var(addrFlag{&c.GNB}, "gnb", "access node GTP-U address (default 10.0.1.1; IPv6 2001:db8:5::1)")
			fs.BoolVar(&c.IPv6, "ipv6", false, "IPv6 node addresses")
			fs.Uint16Var(&c.CPPort, "cp-port", 8805, "CP source port")
			fs.Float64Var(&c.Rate, "rate", 100, "sessions established per second")
			fs.DurationVar(&c.Hold, "hold", 0, "session lifetime before deletion (default 2s)")
			fs.Float64Var(&c.Retransmit, "retransmit", 0, "probability a request is sent twice (0-1)")
			fs.DurationVar(&c.T1, "t1", 0, "retransmission timer (default 500ms)")
			fs.IntVar(&c.RejectEvery, "reject-every", 0, "reject every k-th establishment (0: none)")
			fs.BoolVar(&c.VendorIE, "vendor-ie", false, "add a vendor-specific IE (enterprise 18681) to establishment requests")
			fs.IntVar(&c.Heartbeats, "heartbeats", 0, "heartbeat exchanges")
			fs.BoolVar(&c.NoAssociation, "no-association", false, "leave out the Association Setup at the start")
			fs.IntVar(&c.Modifications, "modifications", 1, "modification exchanges per session (-1: none)")
			fs.BoolVar(&c.NoDeletion, "no-deletion", false, "leave the sessions established")
			fs.IntVar(&c.UserPlane, "user-plane", userPlane, "G-PDUs per established session")
			fs.Uint8Var(&c.QFI, "qfi", 0, "add a PDU Session Container with this QFI to every G-PDU (1-63)")
			fs.IntVar(&c.MTU, "mtu", 0, "send G-PDUs whose outer IP packet exceeds MTU bytes (576-9000) in IP fragments")
			fs.Var(addrFlag{&c.Server}, "server", "data-network host the UEs talk to (default 198.51.100.10)")
			fs.Var(startFlag{&c.Start}, "start", "first timestamp (RFC 3339)")
			fs.Uint64Var(&c.Seed, "seed", 0, "random seed (same seed, same bytes)")
			fs.Var(macFlag{&c.CPMAC}, "cp-mac", "CP side MAC (default 00:00:01:00:00:01)")
			fs.Var(macFlag{&c.UPMAC}, "up-mac", "UP side MAC (default 00:00:01:00:00:02)")
			return func() (genSource, error) { return gen(c) }
		},
	})
}
