package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pcapflow/pcapflow/decoders/tcpreasm"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/sinks/follow"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name:  "follow",
		args:  "IN... [--flow KEY | -f FILTER] [--format raw|hex|ascii|json] [-o DIR] [--timeline]",
		short: "reassemble TCP connections and write each direction's bytes (like tshark follow tcp)",
		long: `Reassembles every TCP connection of the inputs (both directions, out-of-order and
overlapping segments, retransmissions — the first copy wins and differing copies are
counted as conflicts) and writes the byte stream each side sent. Bytes the capture does
not hold (lost segments the peer acknowledged, snaplen cuts, holes still open at the
end) are never invented: they are marked as gaps in the hex, ascii and json formats and
left out of raw, except that a hole the peer acknowledged is written in raw as tshark
writes it, "[N bytes missing in capture file]" and a NUL byte (--raw-gaps skip leaves
it out). Connections are numbered from 0 like tshark's tcp.stream.

With -o DIR, each non-empty direction goes to its own file,
  NNNNNN-c2s-CLIENT.PORT-SERVER.PORT.raw  (s2c for the server's bytes; .hex .txt .jsonl)
written under a temporary name and moved into DIR when the run succeeds. Without -o
the streams go to stdout in the order they were reassembled.

--flow selects connections (repeatable): a stream number N, ADDR:PORT-ADDR:PORT
(either order; IPv6 in brackets) or a Community ID. -f applies a pcap filter first.
--timeline prints, as each selected connection ends, its handshake RTT, bytes,
gaps, retransmission episodes, stalls (who waited for whom), zero windows and peak
bytes in flight; with --timeline and no -o, the streams themselves are not printed.`,
		flags: func(fs *pflag.FlagSet) func(*env, []string) error {
			var in inputFlags
			in.declare(fs)
			var sel []string
			fs.StringArrayVar(&sel, "flow", nil, "follow only this connection: stream `N`, ADDR:PORT-ADDR:PORT or Community ID (repeatable)")
			format := fs.String("format", "raw", "output `FORMAT`: "+strings.Join(follow.Formats, ", "))
			out := fs.StringP("out", "o", "", "write one file per direction into `DIR` instead of stdout")
			timeline := fs.Bool("timeline", false, "print each connection's timeline (handshake, retransmissions, stalls, zero windows)")
			rawGaps := fs.String("raw-gaps", follow.GapsMarker, "in raw output, a hole the peer acknowledged is written as tshark's `MODE` \"[N bytes missing in capture file]\" text (marker) or left out (skip)")
			asJSON := fs.Bool("json", false, "print the run summary as JSON on stderr")
			var ro reasmFlags
			ro.declare(fs)
			return func(e *env, args []string) error {
				paths, err := in.paths(args)
				if err != nil {
					return err
				}
				opts := follow.Options{Format: *format, Dir: *out, Reassembly: ro.options(), RawGaps: *rawGaps}
				for _, s := range sel {
					x, err := follow.ParseSelector(s)
					if err != nil {
						return usagef("--flow: %v", err)
					}
					opts.Select = append(opts.Select, x)
				}
				if !validFormat(*format) {
					return usagef("--format must be one of %s, not %q", strings.Join(follow.Formats, ", "), *format)
				}
				if *timeline {
					opts.Timeline = e.stdout
				}
				if *out == "" && !*timeline {
					opts.Out = e.stdout
				}
				return runFollow(e, &in, paths, opts, *asJSON)
			}
		},
	})
}

func validFormat(f string) bool {
	for _, x := range follow.Formats {
		if f == x {
			return true
		}
	}
	return false
}

// reasmFlags are the reassembler's bounds, shared by follow and http.
type reasmFlags struct {
	maxConns    int
	maxBuffered int
	maxMemory   int64
}

func (r *reasmFlags) declare(fs *pflag.FlagSet) {
	fs.IntVar(&r.maxConns, "max-conns", 0, fmt.Sprintf("track at most `N` connections at once (default %d; the least recently active ends first)", tcpreasm.DefaultMaxConns))
	fs.IntVar(&r.maxBuffered, "max-buffered", 0, fmt.Sprintf("out-of-order `BYTES` one direction may hold (default %d)", tcpreasm.DefaultMaxBuffered))
	fs.Int64Var(&r.maxMemory, "max-memory", 0, fmt.Sprintf("reassembly memory bound in `BYTES` (default %d)", tcpreasm.DefaultMaxTotal))
}

func (r *reasmFlags) options() tcpreasm.Options {
	return tcpreasm.Options{MaxConns: r.maxConns, MaxBuffered: r.maxBuffered, MaxTotal: r.maxMemory}
}

// followSummary is the end-of-run report.
type followSummary struct {
	Packets int64 `json:"packets"`
	follow.Summary
	Seconds float64 `json:"seconds"`
	MaxRSS  int64   `json:"max_rss_bytes"`
}

func runFollow(e *env, in *inputFlags, paths []string, opts follow.Options, asJSON bool) error {
	inputs := &pipeline.Inputs{}
	g, err := in.graph(e, paths, inputs)
	if err != nil {
		return err
	}
	sink, err := follow.New(opts)
	if err != nil {
		return err
	}
	g.Sinks = []pipeline.Sink{sink}
	st, runErr := g.Run(e.ctx)
	if runErr != nil {
		return runErr
	}
	in.warnFilter(e.stderr, inputs)
	sum := followSummary{Packets: st.Packets, Summary: sink.Summary(), Seconds: st.Elapsed.Seconds(), MaxRSS: maxRSS()}
	if asJSON {
		enc := json.NewEncoder(e.stderr)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		s := &sum.Summary
		fmt.Fprintf(e.stderr, "follow: %s, %d of %d connections selected: %d bytes client to server, %d server to client",
			plural(sum.Packets, "packet", "packets"), s.Selected, s.Connections, s.BytesC2S, s.BytesS2C)
		if opts.Dir != "" {
			fmt.Fprintf(e.stderr, ", %d files in %s", s.Files, opts.Dir)
		}
		fmt.Fprintln(e.stderr)
		if s.Gaps > 0 || s.Retransmitted > 0 || s.Conflicts > 0 {
			fmt.Fprintf(e.stderr, "  %d gaps (%d bytes missing, %d cut by snaplen), %d bytes resent, %d conflicting copies\n",
				s.Gaps, s.GapBytes, s.TruncatedBytes, s.Retransmitted, s.Conflicts)
		}
		if s.Evicted > 0 {
			fmt.Fprintf(e.stderr, "  %d connections ended early: the table was full (--max-conns)\n", s.Evicted)
		}
	}
	return in.finish(e.stderr, inputs)
}
