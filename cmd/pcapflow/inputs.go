package main

import (
	"errors"
	"fmt"
	"io"
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
	gtpcPorts []uint16
	pfcpPorts []uint16

	// Set by graph.
	decode *decoders.Stage
	filt   *filter.Filter
	fstage *filter.Stage
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
}

// graph returns a graph reading paths through the decode stage (and the
// filter, when -f was given), ready for sinks. inputs is the run's table.
func (f *inputFlags) graph(e *env, paths []string, inputs *pipeline.Inputs) (*pipeline.Graph, error) {
	expanded, err := input.Expand(paths)
	if err != nil {
		return nil, err
	}
	src, err := input.NewSource(expanded, input.Options{Merge: f.merge, Strict: f.strict, Stdin: e.stdin})
	if err != nil {
		return nil, err
	}
	f.decode = decoders.NewStage(decoders.Options{GTPUPorts: f.gtpuPorts, GTPCPorts: f.gtpcPorts, PFCPPorts: f.pfcpPorts})
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

func (f portsFlag) String() string { return fmt.Sprint(*f.p) }
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

// reportDamage prints one line per damaged input to w and returns an error
// when there was any.
func reportDamage(w io.Writer, inputs *pipeline.Inputs) error {
	d := inputs.Damaged()
	for _, in := range d {
		fmt.Fprintf(w, "pcapflow: %s: damaged: %v (packets before it were kept)\n", in.Name, in.Damage)
	}
	if len(d) > 0 {
		return &damagedError{len(d)}
	}
	return nil
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
