package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/sinks/parquet"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name:  "parquet",
		args:  "IN... -o DIR [--tables packets,flows,...] [--partition date|hour|none] [flags]",
		short: "write analysis tables (packets, flows, PFCP, GTP, HTTP) as Parquet for DuckDB, Spark, pandas",
		long: `Reads every input once and writes one directory per table under DIR:
DIR/packets (one row per frame), DIR/flows (one row per bidirectional flow,
after Zeek's conn.log, with a per-connection TCP timeline; the traffic inside
GTP-U, VXLAN, Geneve, GRE and IP-in-IP tunnels has flows of its own, each
naming its tunnel's flow in tunnel_parent), DIR/pfcp_messages,
DIR/pfcp_sessions, DIR/gtp and DIR/http (one row per HTTP/1.x exchange over
reassembled TCP streams; reassembly runs only when this table is chosen).
With --partition date or hour the files go into Hive-style directories
(DIR/packets/date=2026-11-21/hour=13/part-000000.parquet) by packet time in
UTC, so one run over a whole archive gives a dataset DuckDB or Spark read
with partition pruning. Timestamps are nanoseconds (Parquet format 2.6).

Files are written under hidden temporary names and renamed when the run
completes; an interrupted run removes them. A table directory that already
holds Parquet files is refused unless --overwrite (earlier files are removed
once this run's files are in place) or --append (this run's files are added
under a run-unique name prefix).

Flows end after --tcp-idle, --udp-idle, --icmp-idle or --other-idle of packet
time without a packet (Zeek's defaults), or after --active-timeout.

Tables: ` + strings.Join(parquet.TableNames(), ", ") + ` (default packets,flows; "all" for every table).`,
		flags: func(fs *pflag.FlagSet) func(*env, []string) error {
			var in inputFlags
			in.declare(fs)
			var po parquetOptions
			fs.StringVarP(&po.dir, "out", "o", "", "output `DIR` (required)")
			po.declareSettings(fs, "")
			asJSON := fs.Bool("json", false, "print the run summary as JSON on stdout")
			return func(e *env, args []string) error {
				paths, err := in.paths(args)
				if err != nil {
					return err
				}
				if po.dir == "" {
					return usagef("-o DIR is required")
				}
				return runParquet(e, &in, &po, paths, *asJSON)
			}
		},
	})
}

// parquetSummary is the end-of-run report (--json prints it as is).
type parquetSummary struct {
	Inputs      []inputSummary   `json:"inputs"`
	Dir         string           `json:"dir"`
	Partition   string           `json:"partition"`
	Tables      []string         `json:"tables"`
	Rows        map[string]int64 `json:"rows"`
	Packets     int64            `json:"packets"`
	Bytes       int64            `json:"bytes"`
	Damaged     int              `json:"damaged_inputs"`
	Malformed   int64            `json:"malformed_packets"`
	Truncated   int64            `json:"truncated_packets"`
	UnknownLink int64            `json:"unknown_link_packets"`
	FilteredOut int64            `json:"filtered_out"`
	Seconds     float64          `json:"seconds"`
	MBPerSecond float64          `json:"mb_per_second"`
	MaxRSS      int64            `json:"max_rss_bytes"`
}

func runParquet(e *env, in *inputFlags, po *parquetOptions, paths []string, asJSON bool) error {
	inputs := &pipeline.Inputs{}
	opts, err := po.options("", inputs)
	if err != nil {
		return err
	}
	g, err := in.graph(e, paths, inputs)
	if err != nil {
		return err
	}
	sink, err := newParquetSink(opts, "")
	if err != nil {
		return err
	}
	g.Sinks = []pipeline.Sink{sink}
	st, runErr := g.Run(e.ctx)
	if runErr != nil {
		return runErr
	}
	sum := parquetSummary{
		Dir: po.dir, Partition: opts.Partition, Tables: sink.Tables(), Rows: sink.Rows(),
		Packets: st.Packets, Bytes: st.Bytes, Seconds: st.Elapsed.Seconds(), MaxRSS: maxRSS(),
	}
	c := in.decode.Counts()
	sum.Malformed, sum.Truncated, sum.UnknownLink = int64(c.Malformed), int64(c.Truncated), int64(c.UnknownLink)
	if in.fstage != nil {
		_, dropped := in.fstage.Counts()
		sum.FilteredOut = int64(dropped)
	}
	if s := st.Elapsed.Seconds(); s > 0 {
		sum.MBPerSecond = float64(inputs.ReadBytes.Load()) / 1e6 / s
	}
	for _, i := range inputs.All() {
		sum.Inputs = append(sum.Inputs, summarizeInput(i))
		if i.Damage != nil {
			sum.Damaged++
		}
	}
	in.warnFilter(e.stderr, inputs)
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		printParquetSummary(e, &sum)
	}
	return in.finish(e.stderr, inputs)
}

func printParquetSummary(e *env, s *parquetSummary) {
	w := e.stderr
	fmt.Fprintf(w, "parquet into %s (partition %s): %s, %d bytes from %s\n", s.Dir, s.Partition,
		plural(s.Packets, "packet", "packets"), s.Bytes, plural(int64(len(s.Inputs)), "input", "inputs"))
	fmt.Fprintf(w, "  %s\n", formatRows(s.Rows, s.Tables))
	if s.FilteredOut > 0 {
		fmt.Fprintf(w, "  -f filter dropped %s\n", plural(s.FilteredOut, "packet", "packets"))
	}
	if s.Malformed+s.Truncated+s.UnknownLink > 0 {
		fmt.Fprintf(w, "  decode: %d malformed, %d truncated by snaplen, %d of unknown link type (all kept)\n",
			s.Malformed, s.Truncated, s.UnknownLink)
	}
	fmt.Fprintf(w, "  %.2fs, %.0f MB/s, %.0f packets/s, peak RSS %d MiB\n", s.Seconds, s.MBPerSecond,
		float64(s.Packets)/max(s.Seconds, 1e-9), s.MaxRSS>>20)
}
