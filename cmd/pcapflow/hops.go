package main

import (
	"encoding/json"
	"fmt"

	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/traceroute"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name:  "hops",
		args:  "CAPTURE... [--json] [--max-ttl N] [flags]",
		short: "reconstruct the traceroutes in a capture (time exceeded matched to probes)",
		long: `Finds the traceroutes in captures: every ICMP time exceeded, destination
unreachable and echo reply is matched to the probe it answers (the probe quoted
in the error, or the echo identifier and sequence), and each traced source →
destination is printed hop by hop like traceroute, with the RTTs measured in
the capture. Probes are echo requests and UDP datagrams whose TTL is at most
--max-ttl; a pair counts as a traceroute when at least one router answered.
A probe captured again further along its path (a lower TTL) is counted once.`,
		flags: func(fs *pflag.FlagSet) func(*env, []string) error {
			var in inputFlags
			in.declare(fs)
			asJSON := fs.Bool("json", false, "print the paths as JSON")
			maxTTL := fs.Uint8("max-ttl", 32, "highest TTL taken for a probe")
			return func(e *env, args []string) error {
				paths, err := in.paths(args)
				if err != nil {
					return err
				}
				return runHops(e, &in, paths, *maxTTL, *asJSON)
			}
		},
	})
}

func runHops(e *env, in *inputFlags, paths []string, maxTTL uint8, asJSON bool) error {
	if maxTTL == 0 {
		return usagef("--max-ttl must be at least 1")
	}
	inputs := &pipeline.Inputs{}
	g, err := in.graph(e, paths, inputs)
	if err != nil {
		return err
	}
	h := traceroute.NewHops(traceroute.HopsOptions{MaxTTL: maxTTL})
	g.Sinks = []pipeline.Sink{h}
	if _, err := g.Run(e.ctx); err != nil {
		return err
	}
	found := h.Paths()
	if asJSON {
		if found == nil {
			found = []traceroute.Path{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(found); err != nil {
			return err
		}
	} else {
		for i, p := range found {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			if err := traceroute.WriteText(e.stdout, p); err != nil {
				return err
			}
		}
		fmt.Fprintf(e.stderr, "%s found\n", plural(int64(len(found)), "traceroute", "traceroutes"))
	}
	return in.finish(e.stderr, inputs)
}
