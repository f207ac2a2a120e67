package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/decoders/filter"
	"github.com/pcapflow/pcapflow/decoders/flowkey"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/live"
	"github.com/pcapflow/pcapflow/sinks/pcapout"
	"github.com/pcapflow/pcapflow/sinks/split"
	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name:  "capture",
		args:  "-i IFACE [-f FILTER] [--count N] [--duration D] [-w FILE [--rotate D|SIZE]] [--split DIR --by KEY] [--parquet DIR]",
		short: "capture live from interfaces (Linux AF_PACKET) into the same sinks as offline runs",
		long: `Reads frames from one or more interfaces (AF_PACKET, pure Go, Linux only) through
the decode stage and the -f filter (pcap-filter syntax, evaluated in user space)
into any of: a capture file (-w, rotated by --rotate 1m or --rotate 100MB into
NAME-000001.pcap, NAME-000002.pcap, ...), per-flow captures (--split DIR --by KEY)
and Parquet tables (--parquet DIR).

The capture ends after --count packets, after --duration, or on Ctrl-C/SIGTERM;
every output is then flushed, finished and renamed into place. The kernel's
receive and drop counts (PACKET_STATISTICS) are reported per interface.`,
		flags: func(fs *pflag.FlagSet) func(*env, []string) error {
			var o captureOptions
			fs.StringArrayVarP(&o.ifaces, "interface", "i", nil, "capture on `IFACE` (repeatable)")
			fs.StringVarP(&o.filter, "filter", "f", "", "keep only packets matching this pcap-filter `EXPR`")
			fs.Int64VarP(&o.count, "count", "c", 0, "stop after `N` packets")
			fs.DurationVar(&o.duration, "duration", 0, "stop after this long (e.g. 30s, 5m)")
			fs.StringVarP(&o.write, "write", "w", "", "write the packets to `FILE` (.pcapng for pcapng)")
			fs.StringVar(&o.format, "format", "", "format of -w and --split files: pcap or pcapng (default: from -w's extension, else pcap)")
			fs.StringVar(&o.rotate, "rotate", "", "start a new -w file every `D` (1m, 1h) or SIZE (100MB, 1GB)")
			fs.StringVar(&o.splitDir, "split", "", "also write one capture per flow into `DIR`")
			fs.StringVar(&o.by, "by", "ip-pair", "grouping `KEY` of --split ("+strings.Join(flowkey.Names(), ", ")+")")
			fs.IntVarP(&o.snaplen, "snaplen", "s", live.DefaultSnaplen, "keep at most `N` bytes of each frame")
			fs.BoolVar(&o.noPromisc, "no-promisc", false, "do not put the interfaces in promiscuous mode")
			fs.BoolVar(&o.noOutgoing, "in-only", false, "capture only received frames, not the ones the host sends")
			fs.IntVarP(&o.bufferSize, "buffer-size", "B", live.DefaultCaptureBuffer, "socket receive buffer in `BYTES` (bursts beyond it are dropped by the kernel and reported)")
			fs.IntVarP(&o.workers, "workers", "j", 0, "decode workers (default: number of CPUs)")
			fs.BoolVar(&o.decap, "decap", false, "strip VXLAN, Geneve, GRE/ERSPAN and IP-in-IP tunnels (a mirroring session's) for --split and --parquet: analyse the frames they carry as the packets")
			o.parquet = declareParquet(fs)
			return func(e *env, args []string) error {
				if len(args) > 0 {
					return usagef("unexpected arguments %q (interfaces are given with -i)", args)
				}
				return runCapture(e, &o)
			}
		},
	})
}

type captureOptions struct {
	ifaces     []string
	filter     string
	count      int64
	duration   time.Duration
	write      string
	format     string
	rotate     string
	splitDir   string
	by         string
	snaplen    int
	noPromisc  bool
	noOutgoing bool
	decap      bool
	workers    int
	bufferSize int
	parquet    *parquetFlag
}

// compileFilter compiles a pcap-filter expression given to flag, as a usage
// error with a caret under the mistake.
func compileFilter(flag, expr string) (*filter.Filter, error) {
	f, err := filter.Compile(expr)
	if err != nil {
		var fe *filter.Error
		if errors.As(err, &fe) {
			return nil, usagef("%s: %v\n  %s", flag, err, strings.ReplaceAll(fe.Caret(), "\n", "\n  "))
		}
		return nil, usagef("%s: %v", flag, err)
	}
	return f, nil
}

// parseRotate reads --rotate: a duration (1m) or a size (100MB, 1GiB, 5000000).
func parseRotate(s string) (live.Rotation, error) {
	if s == "" {
		return live.Rotation{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return live.Rotation{}, usagef("--rotate: interval must be positive, not %s", s)
		}
		return live.Rotation{Every: int64(d)}, nil
	}
	u := strings.ToUpper(s)
	mult := int64(1)
	for _, m := range []struct {
		suffix string
		n      int64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"G", 1e9}, {"M", 1e6}, {"K", 1e3}, {"B", 1}} {
		if strings.HasSuffix(u, m.suffix) {
			u, mult = strings.TrimSuffix(u, m.suffix), m.n
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(u), 10, 64)
	if err != nil || n <= 0 {
		return live.Rotation{}, usagef("--rotate: want an interval (1m, 1h) or a size (100MB), not %q", s)
	}
	return live.Rotation{Bytes: n * mult}, nil
}

// liveStages returns the decode stage (stripping tunnels with decap) and,
// with expr, a filter stage.
func liveStages(flag, expr string, decap bool) ([]pipeline.Stage, *filter.Stage, error) {
	stages := []pipeline.Stage{decoders.NewStage(decoders.Options{Decap: decap})}
	if expr == "" {
		return stages, nil, nil
	}
	f, err := compileFilter(flag, expr)
	if err != nil {
		return nil, nil, err
	}
	fs := filter.NewStage(f)
	return append(stages, fs), fs, nil
}

// openHandles opens every interface, closing the opened ones on failure.
func openHandles(names []string, o live.Options) ([]*live.Handle, error) {
	var hs []*live.Handle
	for _, n := range names {
		h, err := live.Open(n, o)
		if err != nil {
			closeHandles(hs)
			return nil, err
		}
		hs = append(hs, h)
	}
	return hs, nil
}

func closeHandles(hs []*live.Handle) {
	for _, h := range hs {
		h.Close()
	}
}

// reportKernelStats prints each handle's kernel counters.
func reportKernelStats(e *env, hs []*live.Handle) {
	for _, h := range hs {
		st, err := h.Stats()
		if err != nil {
			fmt.Fprintf(e.stderr, "  %s: kernel counters unavailable: %v\n", h.Name(), err)
			continue
		}
		fmt.Fprintf(e.stderr, "  %s: kernel received %d, dropped %d\n", h.Name(), st.Received, st.Dropped)
	}
}

// detached returns a context for the graph that is not cancelled by the
// command's context (Ctrl-C): the live source stops on it instead, so the
// run completes and every sink finishes its output.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithCancel(context.WithoutCancel(ctx))
}

func runCapture(e *env, o *captureOptions) error {
	if len(o.ifaces) == 0 {
		return usagef("no interface: give -i IFACE")
	}
	if o.write == "" && o.splitDir == "" && (o.parquet == nil || o.parquet.dir == "") {
		return usagef("no output: give -w FILE, --split DIR or --parquet DIR")
	}
	if o.count < 0 || o.duration < 0 || o.snaplen <= 0 {
		return usagef("--count, --duration and --snaplen must be positive")
	}
	rot, err := parseRotate(o.rotate)
	if err != nil {
		return err
	}
	if o.rotate != "" && o.write == "" {
		return usagef("--rotate applies to -w")
	}
	format := o.format
	if format == "" {
		format = "pcap"
		if strings.EqualFold(filepath.Ext(o.write), ".pcapng") {
			format = "pcapng"
		}
	}
	if format != "pcap" && format != "pcapng" {
		return usagef("--format must be pcap or pcapng, not %q", format)
	}
	spec, err := flowkey.ParseSpec(o.by)
	if err != nil {
		return usagef("--by: %v", err)
	}
	stages, fstage, err := liveStages("-f", o.filter, o.decap)
	if err != nil {
		return err
	}
	inputs := &pipeline.Inputs{}
	g := &pipeline.Graph{Stages: stages, Inputs: inputs, Workers: o.workers, BatchPackets: 256}
	if err := o.parquet.attach(g, inputs); err != nil {
		return err
	}
	var writer *live.RotatingWriter
	if o.write != "" {
		if writer, err = live.NewRotatingWriter(o.write, format, rot, pcapout.Options{Inputs: inputs}); err != nil {
			closeSinks(g.Sinks)
			return err
		}
		g.Sinks = append(g.Sinks, writer)
	}
	var splitter *split.Sink
	if o.splitDir != "" {
		if splitter, err = split.New(split.Options{Dir: o.splitDir, Spec: spec, Format: format, Inputs: inputs}); err != nil {
			closeSinks(g.Sinks)
			return err
		}
		g.Sinks = append(g.Sinks, splitter)
	}
	hs, err := openHandles(o.ifaces, live.Options{Snaplen: o.snaplen, Promisc: !o.noPromisc, IgnoreOutgoing: o.noOutgoing, ReceiveBuffer: o.bufferSize})
	if err != nil {
		closeSinks(g.Sinks)
		return err
	}
	defer closeHandles(hs)
	src := live.NewSource(hs, live.SourceOptions{Stop: e.ctx, Duration: o.duration})
	g.Source = src
	if o.count > 0 {
		g.Ordered = append(g.Ordered, live.NewLimit(o.count, src.Stop))
	}
	ctx, cancel := detached(e.ctx)
	defer cancel()
	fmt.Fprintf(e.stderr, "capturing on %s\n", strings.Join(o.ifaces, ", "))
	st, runErr := g.Run(ctx)
	fmt.Fprintf(e.stderr, "captured %s, %d bytes in %.1fs\n", plural(st.Packets, "packet", "packets"), st.Bytes, st.Elapsed.Seconds())
	if fstage != nil {
		_, dropped := fstage.Counts()
		fmt.Fprintf(e.stderr, "  -f filter dropped %s\n", plural(int64(dropped), "packet", "packets"))
	}
	reportKernelStats(e, hs)
	if writer != nil {
		fmt.Fprintf(e.stderr, "  wrote %s\n", strings.Join(writer.Files(), ", "))
	}
	if splitter != nil {
		sum := splitter.Summary()
		fmt.Fprintf(e.stderr, "  split by %s into %s: %s, %s\n", spec, o.splitDir, plural(sum.Flows, "flow", "flows"), plural(sum.Files, "file", "files"))
	}
	o.parquet.report(e.stderr)
	return runErr
}

// closeSinks closes sinks built for a run that never started.
func closeSinks(sinks []pipeline.Sink) {
	for _, s := range sinks {
		s.Close(true)
	}
}
