// Command pcapflow is an offline pcap analytics pipeline: it reads captures
// (pcap, pcapng, gzip, zstd), decodes them and fans packets out to sinks such
// as a per-flow splitter. Run "pcapflow help" for the commands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/pcapflow/pcapflow/internal/gcpace"
)

func main() {
	ctx, received := signalContext()
	gcpace.Start(gcpace.DefaultHeadroom)
	stopProfiles := startProfiles(os.Stderr)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stopProfiles()
	if s, ok := received().(syscall.Signal); ok && code != 0 {
		// The run failed because it was interrupted: the shell convention.
		code = 128 + int(s)
	}
	os.Exit(code)
}

// signalContext returns a context cancelled by the first SIGINT or SIGTERM
// (commands then stop reading, flush and close their outputs; live
// commands treat it as the normal end), and a function returning that
// signal, nil before one came. A second signal takes the default action and
// ends the process at once.
func signalContext() (context.Context, func() os.Signal) {
	ctx, cancel := context.WithCancelCause(context.Background())
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	var got atomic.Value
	go func() {
		s := <-c
		got.Store(s)
		signal.Stop(c)
		cancel(fmt.Errorf("%v signal received", s))
	}()
	return ctx, func() os.Signal {
		s, _ := got.Load().(os.Signal)
		return s
	}
}

// env is what a command may touch: its streams, and whether stderr is a terminal.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// stderrTTY is true when stderr is an interactive terminal (progress bars).
	stderrTTY bool
}
