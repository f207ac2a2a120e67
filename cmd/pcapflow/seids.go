package main

import (
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/sinks/seids"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name:  "seids",
		args:  "IN... [--json|--csv] [--sessions] [flags]",
		short: "list PFCP messages with their SEIDs and correlated sessions",
		long: `One line per PFCP message (UDP 8805 and any --pfcp-port), in capture order:
frame, time, src -> dst, message type, header SEID ("-" when S=0), sequence
number, the F-SEIDs carried in IEs, cause, and the session the message belongs
to. Sessions are correlated across both directions: an establishment request
(header SEID 0, CP F-SEID IE) and its response (header SEID = CP SEID, UP
F-SEID IE) open a session; later messages carry the peer's SEID.

--sessions prints one row per session instead: CP and UP F-SEIDs, node ids,
times, state, message counts, UE addresses, F-TEIDs, request/response latency,
retransmitted and unanswered requests; then association and heartbeat counts
per node pair. With --json or --csv a session's row is written when the
session ends (10 s after its deletion response), so rows come in the order
sessions end and memory follows the sessions alive at a time; sessions still
alive at the end follow by id. The text table lists them by id.

--json writes one object per line with the keys frame, file, ts, src, dst,
type, type_name, seid (null when S=0), seq, fseids [{seid, ipv4, ipv6}],
cause, session; --csv the same columns.`,
		flags: func(fs *pflag.FlagSet) func(*env, []string) error {
			var in inputFlags
			in.declare(fs)
			asJSON := fs.Bool("json", false, "one JSON object per line")
			asCSV := fs.Bool("csv", false, "CSV with a header row")
			sessions := fs.Bool("sessions", false, "one row per PFCP session instead of one per message")
			return func(e *env, args []string) error {
				if *asJSON && *asCSV {
					return usagef("--json and --csv exclude each other")
				}
				paths, err := in.paths(args)
				if err != nil {
					return err
				}
				format := seids.FormatText
				if *asJSON {
					format = seids.FormatJSON
				} else if *asCSV {
					format = seids.FormatCSV
				}
				inputs := &pipeline.Inputs{}
				g, err := in.graph(e, paths, inputs)
				if err != nil {
					return err
				}
				sink, err := seids.New(seids.Options{Format: format, Sessions: *sessions, Inputs: inputs, Out: e.stdout})
				if err != nil {
					return err
				}
				// Summarizing and formatting run on the decode workers,
				// correlating sessions on the ordering goroutine; the sink
				// only writes, in capture order.
				g.Stages = append(g.Stages, sink.Stage())
				g.Ordered = append(g.Ordered, sink.Correlate())
				g.Sinks = []pipeline.Sink{sink}
				if _, err := g.Run(e.ctx); err != nil {
					return err
				}
				in.warnFilter(e.stderr, inputs)
				return in.finish(e.stderr, inputs)
			}
		},
	})
}
