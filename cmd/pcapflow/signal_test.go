package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/sinks/split"
)

// TestInterruptedSplit: SIGINT or SIGTERM during a split whose stdin is
// still open (a read that would wait forever) ends it at once with
// 128+signal, nothing under the final name, and the packets of the batches
// it consumed in DIR.partial with manifest.partial.json. (The batch the
// source was still filling is not written: an interrupted run keeps what
// reached the sinks.)
func TestInterruptedSplit(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	capFile := filepath.Join(t.TempDir(), "syn.pcap")
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"gen", "synflood", "-n", "3000", "-o", capFile}, nil, &bytes.Buffer{}, &stderr); code != 0 {
		t.Fatalf("gen: %d %s", code, stderr.String())
	}
	data, err := os.ReadFile(capFile)
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "flows")
			cmd := exec.Command(exe, "split", "-", "-o", out, "--by", "ip-pair")
			cmd.Env = append(os.Environ(), "PCAPFLOW_TEST_MAIN=1")
			var errb bytes.Buffer
			cmd.Stderr = &errb
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Written from a goroutine (more than a pipe buffer: the write
			// waits for the child to read); stdin stays open after it, so
			// the split then waits for more packets.
			go stdin.Write(data)
			deadline := time.Now().Add(10 * time.Second)
			for {
				if _, err := os.Stat(out + split.PartialSuffix); err == nil || time.Now().After(deadline) {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			time.Sleep(500 * time.Millisecond)
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err = <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("still running 20 s after %v; stderr:\n%s", tc.sig, errb.String())
			}
			stdin.Close()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tc.code {
				t.Fatalf("exit %v, want status %d; stderr:\n%s", err, tc.code, errb.String())
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("interrupted run created the final directory")
			}
			raw, err := os.ReadFile(filepath.Join(out+split.PartialSuffix, split.PartialManifestName))
			if err != nil {
				t.Fatal(err)
			}
			var pm split.PartialManifest
			if err := json.Unmarshal(raw, &pm); err != nil || !pm.Interrupted {
				t.Fatalf("partial manifest: %v %s", err, raw)
			}
			packets := int64(0)
			for _, f := range pm.Files {
				packets += f.Packets
			}
			// Two full batches of 1024 packets were emitted before the stall.
			if packets < 2048 || packets > 3000 || int64(len(pm.Files)) != packets {
				t.Errorf("partial output: %d files, %d packets; want one file per packet, at least the 2048 of the full batches", len(pm.Files), packets)
			}
			for _, f := range pm.Files {
				if _, err := os.Stat(filepath.Join(out+split.PartialSuffix, f.File)); err != nil {
					t.Errorf("listed file missing: %v", err)
					break
				}
			}
		})
	}
}
