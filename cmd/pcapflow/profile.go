package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

// init turns the runtime's sampling of heap allocations off unless a heap
// profile is asked for: each sample unwinds the allocating stack and files
// it in the runtime's profile tables, whose first use faults their pages
// in (perf: runtime.stkbucket among the write faults of a Parquet export).
func init() {
	if os.Getenv("PCAPFLOW_MEMPROFILE") == "" {
		runtime.MemProfileRate = 0
	}
}

// startProfiles writes a CPU profile to $PCAPFLOW_CPUPROFILE, an execution
// trace to $PCAPFLOW_TRACE (how busy each core was, and when) and, when the
// returned function runs, a heap profile to $PCAPFLOW_MEMPROFILE (each only
// when set), for measuring pcapflow on real inputs with go tool pprof and
// go tool trace.
func startProfiles(stderr io.Writer) (stop func()) {
	cpu := startFile(stderr, "PCAPFLOW_CPUPROFILE", "cpu profile", pprof.StartCPUProfile)
	tr := startFile(stderr, "PCAPFLOW_TRACE", "trace", trace.Start)
	return func() {
		if tr != nil {
			trace.Stop()
			tr.Close()
		}
		if cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		if p := os.Getenv("PCAPFLOW_MEMPROFILE"); p != "" {
			f, err := os.Create(p)
			if err == nil {
				runtime.GC()
				err = pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
			if err != nil {
				fmt.Fprintf(stderr, "pcapflow: heap profile: %v\n", err)
			}
		}
	}
}

// startFile creates the file named by environment variable env, when set,
// and starts writing what into it with start; it returns the file, or nil
// (the error said on stderr).
func startFile(stderr io.Writer, env, what string, start func(io.Writer) error) *os.File {
	p := os.Getenv(env)
	if p == "" {
		return nil
	}
	f, err := os.Create(p)
	if err == nil {
		if err = start(f); err != nil {
			f.Close()
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "pcapflow: %s: %v\n", what, err)
		return nil
	}
	return f
}
