package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/decoders/filter"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/forward"
	"github.com/pcapflow/pcapflow/pipeline/live"
	"github.com/pcapflow/pcapflow/sinks/pcapout"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name:  "bridge",
		args:  "IF1 IF2 [-w TAP] [--tap-filter EXPR] [--tap-payload] [--drop EXPR] [--drop-fwd EXPR] [--drop-rev EXPR]",
		short: "bridge two interfaces at layer 2, with per-direction drop filters and a tap (Linux)",
		long: `Forwards every frame received on IF1 out of IF2 and back, like a two-port switch
without learning, until Ctrl-C/SIGTERM or --duration. Frames the host (or
pcapflow) sends are never read back, so nothing loops.

Per direction ("fwd" is IF1→IF2, "rev" IF2→IF1), --drop-fwd and --drop-rev drop
the frames a pcap-filter expression matches (--drop: both ways). The tap (-w)
records the forwarded frames that --tap-filter matches, only those with a
transport payload with --tap-payload, in one direction with --tap-dir.
Counters per direction are printed at the end.`,
		flags: func(fs *pflag.FlagSet) func(*env, []string) error {
			var o forwardFlags
			o.declare(fs)
			return func(e *env, args []string) error {
				if len(args) != 2 {
					return usagef("want two interfaces, got %d arguments", len(args))
				}
				return runBridge(e, &o, [2]string{args[0], args[1]})
			}
		},
	})
}

// forwardFlags are the flags bridge and route share.
type forwardFlags struct {
	tapFile, tapFormat, tapFilter, tapDir string
	tapPayload                            bool
	drop, dropFwd, dropRev                string
	duration                              time.Duration
}

func (o *forwardFlags) declare(fs *pflag.FlagSet) {
	fs.StringVarP(&o.tapFile, "write", "w", "", "tap: write the forwarded frames to `FILE` (.pcapng for pcapng)")
	fs.StringVar(&o.tapFormat, "format", "", "tap format pcap or pcapng (default: from -w's extension)")
	fs.StringVar(&o.tapFilter, "tap-filter", "", "tap only frames matching this pcap-filter `EXPR`")
	fs.BoolVar(&o.tapPayload, "tap-payload", false, "tap only frames that carry a TCP, UDP or ICMP payload")
	fs.StringVar(&o.tapDir, "tap-dir", "both", "tap direction: both, fwd (IF1→IF2) or rev (IF2→IF1)")
	fs.StringVar(&o.drop, "drop", "", "drop frames matching this pcap-filter `EXPR`, both ways")
	fs.StringVar(&o.dropFwd, "drop-fwd", "", "drop frames matching `EXPR` going IF1→IF2")
	fs.StringVar(&o.dropRev, "drop-rev", "", "drop frames matching `EXPR` going IF2→IF1")
	fs.DurationVar(&o.duration, "duration", 0, "stop after this long (default: until Ctrl-C or SIGTERM)")
}

// dropFilters compiles --drop with --drop-fwd and --drop-rev into one
// filter per direction (nil: drop nothing).
func (o *forwardFlags) dropFilters() ([2]*filter.Filter, error) {
	var out [2]*filter.Filter
	for i, one := range []struct{ name, expr string }{{"--drop-fwd", o.dropFwd}, {"--drop-rev", o.dropRev}} {
		exprs := []string{}
		if o.drop != "" {
			if _, err := compileFilter("--drop", o.drop); err != nil {
				return out, err
			}
			exprs = append(exprs, "("+o.drop+")")
		}
		if one.expr != "" {
			if _, err := compileFilter(one.name, one.expr); err != nil {
				return out, err
			}
			exprs = append(exprs, "("+one.expr+")")
		}
		if len(exprs) == 0 {
			continue
		}
		f, err := compileFilter(one.name, strings.Join(exprs, " or "))
		if err != nil {
			return out, err
		}
		out[i] = f
	}
	return out, nil
}

// tapOptions validates the tap flags and returns the tap's options and format.
func (o *forwardFlags) tapOptions() (forward.TapOptions, string, error) {
	to := forward.TapOptions{Egress: -1, PayloadOnly: o.tapPayload}
	if o.tapFile == "" {
		if o.tapFilter != "" || o.tapPayload {
			return to, "", usagef("--tap-filter and --tap-payload need -w FILE")
		}
		return to, "", nil
	}
	format := o.tapFormat
	if format == "" {
		format = "pcap"
		if strings.EqualFold(filepath.Ext(o.tapFile), ".pcapng") {
			format = "pcapng"
		}
	}
	if format != "pcap" && format != "pcapng" {
		return to, "", usagef("--format must be pcap or pcapng, not %q", format)
	}
	switch o.tapDir {
	case "both":
	case "fwd":
		to.Egress = 1
	case "rev":
		to.Egress = 0
	default:
		return to, "", usagef("--tap-dir must be both, fwd or rev, not %q", o.tapDir)
	}
	if o.tapFilter != "" {
		f, err := compileFilter("--tap-filter", o.tapFilter)
		if err != nil {
			return to, "", err
		}
		to.Filter = f
	}
	return to, format, nil
}

// tap returns the tap sink for -w (nil without -w).
func (o *forwardFlags) tap(inputs *pipeline.Inputs) (*forward.Tap, error) {
	to, format, err := o.tapOptions()
	if err != nil || o.tapFile == "" {
		return nil, err
	}
	w, err := pcapout.NewWriterSink(o.tapFile, format, pcapout.Options{Inputs: inputs})
	if err != nil {
		return nil, err
	}
	return forward.NewTap(w, to), nil
}

// runForwarding runs a live graph through stage between the handles until
// Ctrl-C/SIGTERM or --duration, then prints the transmit and kernel counters.
func runForwarding(e *env, o *forwardFlags, hs []*live.Handle, stage pipeline.Stage, ready string) (pipeline.Stats, *live.Transmit, *forward.Tap, error) {
	inputs := &pipeline.Inputs{}
	tap, err := o.tap(inputs)
	if err != nil {
		return pipeline.Stats{}, nil, nil, err
	}
	tx := live.NewTransmit(hs)
	src := live.NewSource(hs, live.SourceOptions{Stop: e.ctx, Duration: o.duration})
	g := &pipeline.Graph{
		Source:  src,
		Stages:  []pipeline.Stage{decoders.NewStage(decoders.Options{})},
		Ordered: []pipeline.Stage{stage},
		Sinks:   []pipeline.Sink{tx},
		Inputs:  inputs,
		// One decode worker and small batches: latency matters more than
		// throughput for a frame waiting to be forwarded.
		Workers:      1,
		Batches:      16,
		BatchPackets: 128,
	}
	if tap != nil {
		g.Sinks = append(g.Sinks, tap)
	}
	ctx, cancel := detached(e.ctx)
	defer cancel()
	fmt.Fprintln(e.stderr, ready)
	st, err := g.Run(ctx)
	return st, tx, tap, err
}

// reportForwarding prints the counters common to bridge and route.
func reportForwarding(e *env, st pipeline.Stats, tx *live.Transmit, tap *forward.Tap, hs []*live.Handle, o *forwardFlags) {
	ts := tx.Stats()
	fmt.Fprintf(e.stderr, "  transmit: %s\n", ts)
	if ts.LastError != nil {
		fmt.Fprintf(e.stderr, "  last transmit error: %v\n", ts.LastError)
	}
	if tap != nil {
		fmt.Fprintf(e.stderr, "  tap %s: %s\n", o.tapFile, plural(tap.Tapped(), "frame", "frames"))
	}
	reportKernelStats(e, hs)
	fmt.Fprintf(e.stderr, "  %.1fs\n", st.Elapsed.Seconds())
}

func runBridge(e *env, o *forwardFlags, ifs [2]string) error {
	if ifs[0] == ifs[1] {
		return usagef("the two interfaces must differ")
	}
	drop, err := o.dropFilters()
	if err != nil {
		return err
	}
	if _, _, err := o.tapOptions(); err != nil { // before opening sockets
		return err
	}
	hs, err := openHandles(ifs[:], live.Options{Promisc: true, IgnoreOutgoing: true, ReceiveBuffer: live.DefaultCaptureBuffer})
	if err != nil {
		return err
	}
	defer closeHandles(hs)
	br := forward.NewBridge(drop)
	st, tx, tap, err := runForwarding(e, o, hs, br, fmt.Sprintf("bridging %s and %s", ifs[0], ifs[1]))
	if tx == nil {
		return err
	}
	fmt.Fprintln(e.stderr, "bridge stopped")
	for d := 0; d < 2; d++ {
		c := br.Counters(d)
		fmt.Fprintf(e.stderr, "  %s: received %d, forwarded %d, dropped %d\n", forward.DirectionName(d, ifs),
			c.Received.Load(), c.Forwarded.Load(), c.Dropped.Load())
	}
	reportForwarding(e, st, tx, tap, hs, o)
	return err
}
