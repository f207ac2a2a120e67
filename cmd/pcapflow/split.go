package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pcapflow/pcapflow/decoders/flowkey"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
	"github.com/pcapflow/pcapflow/sinks/split"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name:  "split",
		args:  "IN... [-o DIR] [--by KEY] [flags]",
		short: "write one capture per flow (IP pair, 5-tuple, VLAN, ...) plus a manifest",
		long: `Reads every input once and writes one capture per key into DIR, named after the
flow, with manifest.json and manifest.csv mapping each file to its key, first and
last timestamp, packets and bytes. Packets without the key (ARP for IP keys, ...)
go to other.pcap unless --drop-other. Frames keep their bytes, original length,
link type and timestamp resolution.

Keys: ` + strings.Join(flowkey.Names(), ", ") + `.`,
		flags: func(fs *pflag.FlagSet) func(*env, []string) error {
			var in inputFlags
			in.declare(fs)
			out := fs.StringP("out", "o", "", "output `DIR` (default: NAME.split beside the first input, or ./split for stdin)")
			by := fs.String("by", "ip-pair", "grouping `KEY` (see above)")
			format := fs.String("format", "", "output format `pcap` or pcapng (default: pcapng when any input is pcapng, else pcap)")
			maxOpen := fs.Int("max-open", 0, "open output files at most `N` (default: a safe share of ulimit -n)")
			minPackets := fs.Int("min-packets", 0, "flows with fewer than `N` packets go to other (or are dropped with --drop-other)")
			dropOther := fs.Bool("drop-other", false, "drop packets that have no key instead of writing other.pcap")
			var buffer int64
			fs.Var(sizeFlag{&buffer}, "buffer", "memory for per-flow write buffers in total (default 128MiB); more means fewer, larger writes")
			asJSON := fs.Bool("json", false, "print the run summary as JSON on stdout")
			pq := declareParquet(fs)
			return func(e *env, args []string) error {
				spec, err := flowkey.ParseSpec(*by)
				if err != nil {
					return usagef("%v", err)
				}
				paths, err := in.paths(args)
				if err != nil {
					return err
				}
				return runSplit(e, &in, paths, splitOptions{
					dir: *out, spec: spec, format: *format, maxOpen: *maxOpen,
					minPackets: *minPackets, dropOther: *dropOther, json: *asJSON, parquet: pq, buffer: buffer,
				})
			}
		},
	})
}

type splitOptions struct {
	dir        string
	spec       flowkey.Spec
	format     string
	maxOpen    int
	minPackets int
	dropOther  bool
	json       bool
	parquet    *parquetFlag
	buffer     int64
}

// splitSummary is the end-of-run report (--json prints it as is).
type splitSummary struct {
	Inputs  []inputSummary `json:"inputs"`
	Key     string         `json:"key"`
	Dir     string         `json:"dir"`
	Packets int64          `json:"packets"`
	Bytes   int64          `json:"bytes"`
	split.Summary
	Damaged     int     `json:"damaged_inputs"`
	Malformed   int64   `json:"malformed_packets"`
	Truncated   int64   `json:"truncated_packets"`
	UnknownLink int64   `json:"unknown_link_packets"`
	FilteredOut int64   `json:"filtered_out"`
	Seconds     float64 `json:"seconds"`
	MBPerSecond float64 `json:"mb_per_second"`
	MaxRSS      int64   `json:"max_rss_bytes"`
	// Stages are the graph's per-stage counters (packets seen, time busy summed over workers).
	Stages []stageSummary `json:"stages"`
}

func runSplit(e *env, in *inputFlags, paths []string, o splitOptions) error {
	expanded, err := input.Expand(paths)
	if err != nil {
		return err
	}
	if o.dir == "" {
		o.dir = defaultSplitDir(expanded[0])
	}
	if o.format == "" {
		o.format = "pcap"
		if anyPcapng(expanded) {
			o.format = "pcapng"
		}
	}
	if o.format != "pcap" && o.format != "pcapng" {
		return usagef("--format must be pcap or pcapng, not %q", o.format)
	}
	inputs := &pipeline.Inputs{}
	g, err := in.graph(e, paths, inputs)
	if err != nil {
		return err
	}
	sink, err := split.New(split.Options{
		Dir: o.dir, Spec: o.spec, Format: o.format, MaxOpen: o.maxOpen,
		MinPackets: o.minPackets, DropOther: o.dropOther, Inputs: inputs, BufferBytes: o.buffer,
	})
	if err != nil {
		return err
	}
	g.Sinks = []pipeline.Sink{sink}
	if err := o.parquet.attach(g, inputs); err != nil {
		_ = sink.Close(true) // nothing read: removes what it made
		return err
	}
	dec := in.decode
	st, runErr := g.Run(e.ctx)
	sum := splitSummary{
		Key: o.spec.String(), Dir: o.dir, Packets: st.Packets, Bytes: st.Bytes,
		Summary: sink.Summary(), Seconds: st.Elapsed.Seconds(), MaxRSS: maxRSS(),
	}
	sum.Stages = summarizeStages(st.Stages)
	c := dec.Counts()
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
	if runErr != nil {
		return runErr
	}
	in.warnFilter(e.stderr, inputs)
	if o.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		printSplitSummary(e, &sum, st.Elapsed)
		o.parquet.report(e.stderr)
	}
	return in.finish(e.stderr, inputs)
}

func printSplitSummary(e *env, s *splitSummary, elapsed time.Duration) {
	w := e.stderr
	fmt.Fprintf(w, "split by %s into %s: %s, %d bytes from %s\n", s.Key, s.Dir,
		plural(s.Packets, "packet", "packets"), s.Bytes, plural(int64(len(s.Inputs)), "input", "inputs"))
	fmt.Fprintf(w, "  %s, %s; other: %s", plural(s.Flows, "flow", "flows"), plural(s.Files, "file", "files"),
		plural(s.OtherPackets, "packet", "packets"))
	if s.Dropped > 0 {
		fmt.Fprintf(w, " (%d dropped)", s.Dropped)
	}
	fmt.Fprintln(w)
	if s.FilteredOut > 0 {
		fmt.Fprintf(w, "  -f filter dropped %s\n", plural(s.FilteredOut, "packet", "packets"))
	}
	if s.Malformed+s.Truncated+s.UnknownLink > 0 {
		fmt.Fprintf(w, "  decode: %d malformed, %d truncated by snaplen, %d of unknown link type (all kept)\n",
			s.Malformed, s.Truncated, s.UnknownLink)
	}
	fmt.Fprintf(w, "  %.2fs, %.0f MB/s, %.0f packets/s\n", elapsed.Seconds(), s.MBPerSecond,
		float64(s.Packets)/max(elapsed.Seconds(), 1e-9))
}

// defaultSplitDir is NAME.split beside the input (without compression and
// capture extensions), or ./split for stdin.
func defaultSplitDir(first string) string {
	if first == "-" {
		return "split"
	}
	base := filepath.Base(first)
	for _, ext := range []string{".gz", ".zst", ".zstd", ".pcapng", ".pcap", ".cap"} {
		base = strings.TrimSuffix(base, ext)
	}
	return filepath.Join(filepath.Dir(first), base+".split")
}

// anyPcapng reports whether any input file is pcapng (compressed or not).
func anyPcapng(paths []string) bool {
	for _, p := range paths {
		if p == "-" {
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		format, _, _ := input.Sniff(f)
		f.Close()
		if format == "pcapng" {
			return true
		}
	}
	return false
}
