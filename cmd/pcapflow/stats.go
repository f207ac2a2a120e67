package main

import (
	"encoding/json"
	"fmt"

	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/sinks/stats"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name:  "stats",
		args:  "IN... [--json] [--top N] [--jobs N] [--shard K/N] [--fail-on LIST] [flags]",
		short: "capinfos-like summary per input and in total: sizes, times, rates, protocols, talkers, TCP analysis",
		long: `Reads every input once and reports, per input and in total: format, link types,
packets, captured and wire bytes, first and last packet time, duration, average
rates, snaplen and packets cut short, decode problems, the protocol hierarchy
(eth:vlan:ipv4:udp:gtp-u:ipv4:tcp, pfcp, gtp-c, dns, ... from decoded layers and
well-known ports), conversations and TCP analysis counts (retransmissions,
out-of-order, duplicate ACKs, zero windows, keep-alives, connection states);
then the top talkers and conversations over all inputs.

The text (stdout) is stable and diffable: it depends only on the packets, never
on the wall clock (unless --timing) or on --jobs. --json prints the same as one
JSON object, with "inputs" listing every input and its status as every
command's --json summary does. Damaged inputs are reported on stderr.

Exit status: 0, or 1 when a --fail-on condition is met (default: an input was
damaged), 2 for a usage error. Inputs may be files, directories (recursive),
globs, @LIST files (one path per line, # comments) or - (stdin).`,
		flags: func(fs *pflag.FlagSet) func(*env, []string) error {
			in := inputFlags{orderFree: true}
			in.declare(fs)
			asJSON := fs.Bool("json", false, "print the report as one JSON object")
			top := fs.Int("top", stats.DefaultTop, "list the top `N` talkers and conversations (0: none)")
			timing := fs.Bool("timing", false, "add the run time and throughput (wall clock: breaks byte-identical reruns)")
			return func(e *env, args []string) error {
				paths, err := in.paths(args)
				if err != nil {
					return err
				}
				if *top < 0 {
					return usagef("--top must not be negative")
				}
				return runStats(e, &in, paths, statsOptions{json: *asJSON, top: *top, timing: *timing})
			}
		},
	})
}

type statsOptions struct {
	json, timing bool
	top          int
}

// statsSummary is the --json output: the run summary every reading command
// prints (inputs and their status, decode counts, --fail-on verdict) and
// the statistics report.
type statsSummary struct {
	Inputs []inputSummary `json:"inputs"`
	*stats.Report
	FailOn      []string `json:"fail_on"`
	Failed      []string `json:"failed"`
	FilteredOut int64    `json:"filtered_out"`
	Timing      *timing  `json:"timing,omitempty"`
}

// timing is the wall-clock part of a report, printed only on request.
type timing struct {
	Seconds     float64 `json:"seconds"`
	MBPerSecond float64 `json:"mb_per_second"`
}

func runStats(e *env, in *inputFlags, paths []string, o statsOptions) error {
	inputs := &pipeline.Inputs{}
	g, err := in.graph(e, paths, inputs)
	if err != nil {
		return err
	}
	top := o.top
	if top == 0 {
		top = -1
	}
	sink, err := stats.New(stats.Options{Inputs: inputs, Snaplen: in.src.Snaplen, Top: top})
	if err != nil {
		return err
	}
	g.Sinks = []pipeline.Sink{sink}
	st, err := g.Run(e.ctx)
	if err != nil {
		return err
	}
	in.warnFilter(e.stderr, inputs)
	rep := sink.Report()
	var tm *timing
	if o.timing {
		tm = &timing{Seconds: st.Elapsed.Seconds()}
		if s := st.Elapsed.Seconds(); s > 0 {
			tm.MBPerSecond = float64(inputs.ReadBytes.Load()) / 1e6 / s
		}
	}
	if o.json {
		sum := statsSummary{Report: rep, FailOn: in.failOn, Failed: in.failed(inputs), Timing: tm}
		if sum.Failed == nil {
			sum.Failed = []string{}
		}
		for _, i := range inputs.All() {
			sum.Inputs = append(sum.Inputs, summarizeInput(i))
		}
		if sum.Inputs == nil {
			sum.Inputs = []inputSummary{}
		}
		if in.fstage != nil {
			_, dropped := in.fstage.Counts()
			sum.FilteredOut = int64(dropped)
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		if err := rep.WriteText(e.stdout); err != nil {
			return err
		}
		if in.fstage != nil {
			_, dropped := in.fstage.Counts()
			fmt.Fprintf(e.stdout, "  -f dropped:         %d packets\n", dropped)
		}
		if tm != nil {
			fmt.Fprintf(e.stdout, "timing: %.3f s, %.1f MB/s\n", tm.Seconds, tm.MBPerSecond)
		}
	}
	return in.finish(e.stderr, inputs)
}
