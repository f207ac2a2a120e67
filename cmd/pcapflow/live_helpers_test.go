package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/internal/netns"
	"github.com/pcapflow/pcapflow/internal/testcap"
)

// The live tests run pcapflow inside network namespaces as a child
// process: the test binary itself, re-executed with PCAPFLOW_TEST_MAIN=1,
// runs main() (signal handling included) instead of the tests.
func init() {
	if os.Getenv("PCAPFLOW_TEST_MAIN") == "1" {
		main()
	}
}

// syncBuffer is a bytes.Buffer safe for a child's output and a poller.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// pcapflowProc is a pcapflow command running inside a namespace.
type pcapflowProc struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan error
}

// startPcapflow starts "pcapflow args..." in ns and waits until its stderr
// contains ready (the command has opened its sockets). The process is
// killed by t.Cleanup if the test did not stop it.
func startPcapflow(t *testing.T, ns *netns.NS, ready string, args ...string) *pcapflowProc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	cmd := ns.Command(ctx, exe, args...)
	cmd.Env = append(os.Environ(), "PCAPFLOW_TEST_MAIN=1")
	p := &pcapflowProc{cmd: cmd, stderr: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = p.stderr
	cmd.Stdout = p.stderr
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait(); cancel() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.stderr.String(), ready) {
		select {
		case err := <-p.done:
			p.done <- err // for wait
			if strings.Contains(p.stderr.String(), ready) {
				return p // it already finished
			}
			t.Fatalf("pcapflow %s exited early (%v):\n%s", strings.Join(args, " "), err, p.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("pcapflow %s not ready after 10s:\n%s", strings.Join(args, " "), p.stderr.String())
		}
	}
	return p
}

// stop sends SIGTERM ("ip netns exec" passes it on: it execs the command)
// and waits for the exit, returning the exit status.
func (p *pcapflowProc) stop(t *testing.T) int {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	return p.wait(t)
}

// wait waits (at most 20s) for the exit and returns the exit status.
func (p *pcapflowProc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
		t.Fatalf("pcapflow did not exit in 20s:\n%s", p.stderr.String())
	}
	return p.cmd.ProcessState.ExitCode()
}

// capturedFrame is one frame read back from a capture file.
type capturedFrame struct {
	data     []byte
	linkType uint16
	ts       int64
}

// readCapture reads every frame of a pcap or pcapng file, failing the test
// on any damage (a file cut short by an unclean stop is damage).
func readCapture(t *testing.T, path string) []capturedFrame {
	t.Helper()
	var out []capturedFrame
	for _, f := range testcap.Read(t, path) {
		out = append(out, capturedFrame{data: f.Data, linkType: f.LinkType, ts: f.Timestamp})
	}
	return out
}

// pingPair returns two network namespaces named after role, joined by a
// veth pair va (in a, address SUBNET.1/24) - vb (in b, SUBNET.2/24); the
// test is skipped without root or ping.
func pingPair(t *testing.T, role, subnet string) (a, b *netns.NS) {
	t.Helper()
	netns.Require(t)
	netns.RequireCommand(t, "ping", "iputils-ping")
	a, b = netns.New(t, role+"-a"), netns.New(t, role+"-b")
	netns.Veth(t, a, "va", b, "vb")
	a.Addr("va", subnet+".1/24")
	b.Addr("vb", subnet+".2/24")
	return a, b
}
