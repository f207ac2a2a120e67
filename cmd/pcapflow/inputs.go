package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/spf13/pflag"
)

// inputFlags are the flags every command that reads captures shares.
type inputFlags struct {
	read    []string
	merge   bool
	strict  bool
	workers int
	noProg  bool
}

func (f *inputFlags) declare(fs *pflag.FlagSet) {
	fs.StringArrayVarP(&f.read, "read", "r", nil, "read capture `FILE` (repeatable; also positional; - is stdin; directories are read recursively)")
	fs.BoolVar(&f.merge, "merge", false, "merge all inputs by timestamp (like mergecap) instead of reading them one after another")
	fs.BoolVar(&f.strict, "strict", false, "stop at the first damaged input instead of reporting it and going on")
	fs.IntVarP(&f.workers, "workers", "j", 0, "decode workers (default: number of CPUs)")
	fs.BoolVar(&f.noProg, "no-progress", false, "never draw a progress bar (it is drawn only when stderr is a terminal)")
}

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

func joinNames(ss []string) string { return strings.Join(ss, ", ") }
