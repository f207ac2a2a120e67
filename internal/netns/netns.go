// Package netns builds throwaway network namespaces and veth pairs for
// tests that need real kernels and real packets (live capture, bridge,
// route, traceroute). Every namespace is deleted by t.Cleanup, even when
// the test fails, and every command runs with a time limit.
//
// Tests call Require first: it skips the test with a clear message when the
// process is not root or iproute2's ip is missing, and fails it instead
// when CI=true, so CI never silently skips them.
package netns

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// CommandTimeout bounds every ip command a helper runs.
const CommandTimeout = 10 * time.Second

var counter atomic.Int64

// Require skips t unless namespaces can be built here (root, ip in PATH).
// Under CI=true it fails t instead of skipping.
func Require(t testing.TB) {
	t.Helper()
	var why string
	if os.Geteuid() != 0 {
		why = "needs root to create network namespaces"
	} else if _, err := exec.LookPath("ip"); err != nil {
		why = "needs iproute2's ip command (apt-get install iproute2)"
	}
	if why == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("netns test cannot run: %s (CI=true: a skip here is a failure)", why)
	}
	t.Skipf("skipping netns test: %s", why)
}

// RequireCommand is Require for a further command (ping...).
func RequireCommand(t testing.TB, name, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(name); err == nil {
		return
	}
	msg := fmt.Sprintf("needs %s (apt-get install %s)", name, pkg)
	if os.Getenv("CI") == "true" {
		t.Fatalf("netns test cannot run: %s (CI=true: a skip here is a failure)", msg)
	}
	t.Skipf("skipping netns test: %s", msg)
}

// NS is one network namespace created for a test.
type NS struct {
	// Name is the namespace's name (for ip netns exec).
	Name string
	t    testing.TB
}

// New creates a namespace named after role, brings its loopback up and
// registers its deletion with t.Cleanup.
func New(t testing.TB, role string) *NS {
	t.Helper()
	name := fmt.Sprintf("pf%d-%d-%s", os.Getpid(), counter.Add(1), role)
	if len(name) > 40 {
		name = name[:40]
	}
	if out, err := ipCmd("netns", "add", name); err != nil {
		t.Fatalf("ip netns add %s: %v\n%s", name, err, out)
	}
	n := &NS{Name: name, t: t}
	t.Cleanup(func() {
		if out, err := ipCmd("netns", "del", name); err != nil {
			t.Errorf("ip netns del %s: %v\n%s", name, err, out)
		}
	})
	n.MustIP("link", "set", "lo", "up")
	return n
}

func ipCmd(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), CommandTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput()
	return string(out), err
}

// IP runs "ip -n NAME args...".
func (n *NS) IP(args ...string) (string, error) {
	return ipCmd(append([]string{"-n", n.Name}, args...)...)
}

// MustIP runs "ip -n NAME args..." and fails the test on error.
func (n *NS) MustIP(args ...string) string {
	n.t.Helper()
	out, err := n.IP(args...)
	if err != nil {
		n.t.Fatalf("ip -n %s %s: %v\n%s", n.Name, strings.Join(args, " "), err, out)
	}
	return out
}

// Command returns a command running name with args inside the namespace;
// ctx bounds it.
func (n *NS) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.Name, name}, args...)...)
}

// Run runs a command inside the namespace with timeout and returns its
// combined output.
func (n *NS) Run(timeout time.Duration, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out, err := n.Command(ctx, name, args...).CombinedOutput()
	return string(out), err
}

// Sysctl sets a sysctl (key with dots) inside the namespace.
func (n *NS) Sysctl(key, value string) {
	n.t.Helper()
	if out, err := n.Run(CommandTimeout, "sysctl", "-qw", key+"="+value); err != nil {
		// sysctl(8) may be missing: write /proc/sys directly.
		path := "/proc/sys/" + strings.ReplaceAll(key, ".", "/")
		if out2, err2 := n.Run(CommandTimeout, "sh", "-c", "echo "+value+" > "+path); err2 != nil {
			n.t.Fatalf("sysctl %s=%s in %s: %v\n%s%s", key, value, n.Name, err2, out, out2)
		}
	}
}

// Veth creates a veth pair: interface aIf in a and bIf in b, both up.
func Veth(t testing.TB, a *NS, aIf string, b *NS, bIf string) {
	t.Helper()
	a.MustIP("link", "add", aIf, "type", "veth", "peer", "name", bIf, "netns", b.Name)
	a.MustIP("link", "set", aIf, "up")
	b.MustIP("link", "set", bIf, "up")
}

// Addr assigns address (CIDR) to interface ifname.
func (n *NS) Addr(ifname, cidr string) {
	n.t.Helper()
	n.MustIP("addr", "add", cidr, "dev", ifname)
}

// MAC returns the hardware address of ifname.
func (n *NS) MAC(ifname string) string {
	n.t.Helper()
	out := n.MustIP("-o", "link", "show", ifname)
	f := strings.Fields(out)
	for i, w := range f {
		if w == "link/ether" && i+1 < len(f) {
			return f[i+1]
		}
	}
	n.t.Fatalf("no MAC for %s in %s: %s", ifname, n.Name, out)
	return ""
}
