// Command pcapflow is an offline pcap analytics pipeline: it reads captures
// (pcap, pcapng, gzip, zstd), decodes them and fans packets out to sinks such
// as a per-flow splitter. Run "pcapflow help" for the commands.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfiles := startProfiles(os.Stderr)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stopProfiles()
	stop()
	os.Exit(code)
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
