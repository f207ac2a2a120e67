package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

// startProfiles writes a CPU profile to $PCAPFLOW_CPUPROFILE, an execution
// trace to $PCAPFLOW_TRACE (how busy each core was, and when) and, when the
// returned function runs, a heap profile to $PCAPFLOW_MEMPROFILE (each only
// when set), for measuring pcapflow on real inputs with go tool pprof and
// go tool trace.
func startProfiles(stderr io.Writer) (stop func()) {
	var cpu *os.File
	if p := os.Getenv("PCAPFLOW_CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "pcapflow: cpu profile: %v\n", err)
		} else {
			cpu = f
		}
	}
	var tr *os.File
	if p := os.Getenv("PCAPFLOW_TRACE"); p != "" {
		f, err := os.Create(p)
		if err == nil {
			err = trace.Start(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "pcapflow: trace: %v\n", err)
		} else {
			tr = f
		}
	}
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
