package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfiles writes a CPU profile to $PCAPFLOW_CPUPROFILE and, when the
// returned function runs, a heap profile to $PCAPFLOW_MEMPROFILE (both only
// when set), for measuring pcapflow on real inputs with go tool pprof.
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
	return func() {
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
