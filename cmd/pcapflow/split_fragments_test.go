package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pcapflow/pcapflow/internal/testcap"
)

// TestSplitFirstFragmentLast splits a PFCP + GTP-U capture whose G-PDUs
// the transport network fragmented (MTU 576), as generated and with every
// datagram's first fragment moved after its later ones: by each key that
// takes a later fragment's key from its first fragment (the ports, or the
// tunnel), the files hold the same packets either way; none of the later
// fragments lands in other or in a file of its own.
func TestSplitFirstFragmentLast(t *testing.T) {
	for _, v6 := range []bool{false, true} {
		dir := t.TempDir()
		inOrder := filepath.Join(dir, "in-order.pcap")
		args := []string{"gen", "pfcp", "-n", "6", "--user-plane", "16", "--mtu", "576", "--seed", "5", "-o", inOrder}
		if v6 {
			args = append(args, "--ipv6")
		}
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Fatalf("gen: exit %d\n%s", code, stderr)
		}
		b, err := os.ReadFile(inOrder)
		if err != nil {
			t.Fatal(err)
		}
		reordered := filepath.Join(dir, "first-last.pcap")
		if err := os.WriteFile(reordered, testcap.FirstFragmentsLast(t, b), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"5-tuple", "teid", "session", "ue-ip", "inner-5-tuple"} {
			want := manifestCounts(t, inOrder, key)
			got := manifestCounts(t, reordered, key)
			if len(got) != len(want) {
				t.Errorf("v6=%v --by %s: %d files, want %d: %v", v6, key, len(got), len(want), got)
			}
			for k, n := range want {
				if got[k] != n {
					t.Errorf("v6=%v --by %s: %s has %d packets, in order %d", v6, key, k, got[k], n)
				}
			}
		}
	}
}

// manifestCounts splits capture by key and returns the packets of each
// file by key, checked against the file itself.
func manifestCounts(t *testing.T, capture, key string) map[string]int64 {
	t.Helper()
	dir, manifest, _ := splitCapture(t, capture, key)
	counts := map[string]int64{}
	for _, m := range manifest {
		if n, _ := countFile(t, filepath.Join(dir, m.File)); n != m.Packets {
			t.Errorf("%s: %d packets, manifest says %d", m.File, n, m.Packets)
		}
		counts[m.Key] += m.Packets
	}
	return counts
}
