package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // a runtime error, or some input was damaged
	exitUsage   = 2
)

// command is one subcommand, described as data.
type command struct {
	name  string
	args  string // argument synopsis for usage
	short string // one line for the command list
	long  string // paragraphs after the synopsis
	// flags declares the command's flags on fs and returns the function that
	// runs it with the remaining arguments.
	flags func(fs *pflag.FlagSet) func(e *env, args []string) error
	// raw stops flag parsing at the first argument (for commands with
	// subcommands of their own, such as gen).
	raw bool
}

// commands is filled by each command's file in an init function.
var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		e.stderrTTY = true
	}
	if len(args) == 0 {
		topUsage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "--help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				fs := newFlagSet(c)
				c.flags(fs)
				commandUsage(stdout, c, fs)
				return exitOK
			}
			fmt.Fprintf(stderr, "pcapflow: unknown command %q\n", args[1])
			return exitUsage
		}
		topUsage(stdout)
		return exitOK
	case "version", "--version":
		fmt.Fprintln(stdout, "pcapflow", version())
		return exitOK
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "pcapflow: unknown command %q (run 'pcapflow help')\n", name)
		return exitUsage
	}
	return execute(e, c, "pcapflow "+name, args[1:])
}

// execute parses args with c's flags and runs it, mapping errors to exit statuses.
func execute(e *env, c *command, prog string, args []string) int {
	fs := newFlagSet(c)
	runFn := c.flags(fs)
	if c.raw {
		fs.SetInterspersed(false)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			commandUsage(e.stdout, c, fs)
			return exitOK
		}
		fmt.Fprintf(e.stderr, "%s: %v\n", prog, err)
		fmt.Fprintf(e.stderr, "usage: %s %s (see 'pcapflow help %s')\n", prog, c.args, c.name)
		return exitUsage
	}
	err := runFn(e, fs.Args())
	if err == nil {
		return exitOK
	}
	var ce *codeError
	if errors.As(err, &ce) {
		return ce.code
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(e.stderr, "%s: %v\n", prog, err)
		fmt.Fprintf(e.stderr, "usage: %s %s (see 'pcapflow help %s')\n", prog, c.args, c.name)
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "%s: %v\n", prog, err)
	return exitFailure
}

// codeError carries an exit status whose message was already printed.
type codeError struct{ code int }

func (e *codeError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func newFlagSet(c *command) *pflag.FlagSet {
	fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	return fs
}

func topUsage(w io.Writer) {
	fmt.Fprintln(w, "pcapflow: offline packet-capture analytics pipeline")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "usage: pcapflow COMMAND [flags] [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].short)
	}
	fmt.Fprintln(w, "  help       show a command's flags: pcapflow help COMMAND")
	fmt.Fprintln(w, "  version    print the version")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "exit status: 0 success, 1 runtime error or damaged input, 2 usage error")
}

// commandUsage prints c's synopsis and the flags declared on fs.
func commandUsage(w io.Writer, c *command, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "usage: pcapflow %s %s\n\n%s\n", c.name, c.args, c.short)
	if c.long != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.long))
	}
	fmt.Fprintf(w, "\nflags:\n%s", fs.FlagUsages())
}
