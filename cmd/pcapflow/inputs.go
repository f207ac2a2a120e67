package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/decoders/filter"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
	"github.com/spf13/pflag"
)

// inputFlags are the flags every command that reads captures shares: what
// to read, how to decode it, and which packets to keep.
type inputFlags struct {
	read      []string
	merge     bool
	strict    bool
	workers   int
	noProg    bool
	filter    string
	gtpuPorts []uint16
	decap     bool
	gtpcPorts []uint16
	pfcpPorts []uint16
	jobs      int
	shard     string
	failOn    []string

	// orderFree is set by commands whose output does not depend on the
	// order of packets across inputs (stats); only they accept --jobs.
	orderFree bool

	// Set by graph.
	decode *decoders.Stage
	filt   *filter.Filter
	fstage *filter.Stage
	src    *input.Source
}

func (f *inputFlags) declare(fs *pflag.FlagSet) {
	fs.StringArrayVarP(&f.read, "read", "r", nil, "read capture `FILE` (repeatable; also positional; - is stdin; directories are read recursively)")
	fs.BoolVar(&f.merge, "merge", false, "merge all inputs by timestamp (like mergecap) instead of reading them one after another")
	fs.BoolVar(&f.strict, "strict", false, "stop at the first damaged input instead of reporting it and going on")
	fs.IntVarP(&f.workers, "workers", "j", 0, "decode workers (default: number of CPUs)")
	fs.BoolVar(&f.noProg, "no-progress", false, "never draw a progress bar (it is drawn only when stderr is a terminal)")
	fs.StringVarP(&f.filter, "filter", "f", "", "keep only packets matching this pcap-filter `EXPR` (tcpdump syntax, evaluated in pure Go)")
	fs.Var(portsFlag{&f.gtpuPorts}, "gtpu-port", "also decode GTP-U on this UDP `PORT` (repeatable; 2152 always)")
	fs.Var(portsFlag{&f.gtpcPorts}, "gtpc-port", "also decode GTP-C on this UDP `PORT` (repeatable; 2123 always)")
	fs.Var(portsFlag{&f.pfcpPorts}, "pfcp-port", "also decode PFCP on this UDP `PORT` (repeatable; 8805 always)")
	fs.BoolVar(&f.decap, "decap", false, "strip VXLAN, Geneve, GRE/ERSPAN and IP-in-IP tunnels (a mirroring session's): analyse the frames they carry as the packets")
	fs.IntVar(&f.jobs, "jobs", 1, "read `N` inputs at once (only for commands whose output does not depend on the order across files, such as stats)")
	fs.StringVar(&f.shard, "shard", "", "read only shard `K/N` of the inputs: a file belongs to shard hash(key) mod N + 1, key = its path below the directory argument (see docs/archive.md)")
	fs.StringSliceVar(&f.failOn, "fail-on", []string{"damaged"}, "conditions that make the exit status 1: any of damaged, malformed, truncated, unknown-link, or none (`LIST`)")
}

// failConditions are the values --fail-on accepts.
var failConditions = []string{"damaged", "malformed", "truncated", "unknown-link", "none"}

// checkFlags validates the archive flags.
func (f *inputFlags) checkFlags() error {
	for _, c := range f.failOn {
		if !slices.Contains(failConditions, c) {
			return usagef("--fail-on: unknown condition %q (want %s)", c, strings.Join(failConditions, ", "))
		}
	}
	if f.jobs < 1 {
		return usagef("--jobs must be at least 1")
	}
	if f.jobs > 1 && f.merge {
		return usagef("--jobs and --merge exclude each other: merging reads every input at once in time order")
	}
	if f.jobs > 1 && !f.orderFree {
		return usagef("--jobs applies only to commands whose output does not depend on the order of packets across inputs (stats)")
	}
	return nil
}

// graph returns a graph reading paths through the decode stage (and the
// filter, when -f was given), ready for sinks. inputs is the run's table.
func (f *inputFlags) graph(e *env, paths []string, inputs *pipeline.Inputs) (*pipeline.Graph, error) {
	if err := f.checkFlags(); err != nil {
		return nil, err
	}
	entries, err := input.ExpandEntries(paths)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, errors.New("no capture files in the given paths")
	}
	if f.shard != "" {
		spec, err := input.ParseShard(f.shard)
		if err != nil {
			return nil, usagef("--shard: %v", err)
		}
		// An empty shard is not an error: N may exceed the number of files.
		if entries, err = input.Shard(entries, spec); err != nil {
			return nil, usagef("%v", err)
		}
	}
	files := make([]string, len(entries))
	for i, en := range entries {
		files[i] = en.Path
	}
	src := input.NewSourceFiles(files, input.Options{Merge: f.merge, Strict: f.strict, Stdin: e.stdin, Jobs: f.jobs})
	f.src = src
	f.decode = decoders.NewStage(decoders.Options{GTPUPorts: f.gtpuPorts, GTPCPorts: f.gtpcPorts, PFCPPorts: f.pfcpPorts, Decap: f.decap})
	stages := []pipeline.Stage{f.decode}
	if f.filter != "" {
		flt, err := filter.Compile(f.filter)
		if err != nil {
			var fe *filter.Error
			if errors.As(err, &fe) {
				return nil, usagef("-f: %v\n  %s", err, strings.ReplaceAll(fe.Caret(), "\n", "\n  "))
			}
			return nil, usagef("-f: %v", err)
		}
		f.filt = flt
		f.fstage = filter.NewStage(flt)
		stages = append(stages, f.fstage)
	}
	return &pipeline.Graph{
		Source:   src,
		Stages:   stages,
		Inputs:   inputs,
		Workers:  f.workers,
		Progress: f.progress(e),
	}, nil
}

// warnFilter says which inputs' link types the filter cannot apply to (their
// frames were dropped, as tcpdump would refuse the filter on them).
func (f *inputFlags) warnFilter(w io.Writer, inputs *pipeline.Inputs) {
	if f.filt == nil {
		return
	}
	for _, in := range inputs.All() {
		for _, lt := range in.LinkTypes {
			if err := f.filt.Check(lt); err != nil {
				fmt.Fprintf(w, "pcapflow: %s: -f cannot apply to link type %d (%v); its frames were dropped\n", in.Name, lt, err)
			}
		}
	}
}

type portsFlag struct{ p *[]uint16 }

func (f portsFlag) String() string {
	if len(*f.p) == 0 {
		return ""
	}
	return fmt.Sprint(*f.p)
}
func (f portsFlag) Set(s string) error {
	for _, part := range strings.Split(s, ",") {
		n, err := strconv.ParseUint(strings.TrimSpace(part), 10, 16)
		if err != nil || n == 0 {
			return fmt.Errorf("bad UDP port %q", part)
		}
		*f.p = append(*f.p, uint16(n))
	}
	return nil
}
func (f portsFlag) Type() string { return "PORT" }

// paths returns -r files followed by positional arguments.
func (f *inputFlags) paths(args []string) ([]string, error) {
	p := append(append([]string(nil), f.read...), args...)
	if len(p) == 0 {
		return nil, usagef("no input: give capture files, directories or - (stdin)")
	}
	return p, nil
}

// progress returns where to draw progress, or nil.
func (f *inputFlags) progress(e *env) io.Writer {
	if f.noProg || !e.stderrTTY {
		return nil
	}
	return e.stderr
}

// failedError is a run that completed with conditions --fail-on names:
// exit status 1, after all output was written.
type failedError struct{ reasons []string }

func (e *failedError) Error() string {
	return "failing (--fail-on): " + strings.Join(e.reasons, "; ")
}

// conditions returns, for every --fail-on condition, how many inputs or
// packets meet it in the finished run.
func (f *inputFlags) conditions(inputs *pipeline.Inputs) map[string]int64 {
	m := map[string]int64{"damaged": int64(len(inputs.Damaged()))}
	if f.decode != nil {
		c := f.decode.Counts()
		m["malformed"], m["truncated"], m["unknown-link"] = int64(c.Malformed), int64(c.Truncated), int64(c.UnknownLink)
	}
	return m
}

// failed returns the --fail-on conditions met, in the order given.
func (f *inputFlags) failed(inputs *pipeline.Inputs) []string {
	m := f.conditions(inputs)
	var out []string
	for _, c := range f.failOn {
		if m[c] > 0 && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// finish prints one line per damaged input to w and returns a *failedError
// when a --fail-on condition is met (by default: an input was damaged).
func (f *inputFlags) finish(w io.Writer, inputs *pipeline.Inputs) error {
	for _, in := range inputs.Damaged() {
		kept := "packets before it were kept"
		switch {
		case in.ReadOn():
			kept = "every record that reads as one was kept"
		case in.Damages > 1:
			kept = "every record that reads as one before the last was kept"
		}
		fmt.Fprintf(w, "pcapflow: %s: damaged: %s (%s)\n", in.Name, in.DamageText(), kept)
	}
	failed := f.failed(inputs)
	if len(failed) == 0 {
		return nil
	}
	m := f.conditions(inputs)
	var reasons []string
	for _, c := range failed {
		switch c {
		case "damaged":
			reasons = append(reasons, plural(m[c], "input was damaged", "inputs were damaged"))
		case "malformed":
			reasons = append(reasons, plural(m[c], "packet was malformed", "packets were malformed"))
		case "truncated":
			reasons = append(reasons, plural(m[c], "packet had a header cut by the snaplen", "packets had a header cut by the snaplen"))
		case "unknown-link":
			reasons = append(reasons, plural(m[c], "packet had an unknown link type", "packets had an unknown link type"))
		}
	}
	return &failedError{reasons}
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
