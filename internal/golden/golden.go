// Package golden compares test output with golden files under testdata and
// rewrites them when tests run with -update.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files with the current output")

// Updating reports whether the test run was asked to rewrite goldens.
func Updating() bool { return *update }

// Check compares got with the golden file at path (relative to the test's
// package directory). With -update it writes got there instead. On a
// mismatch it fails with a line diff.
func Check(tb testing.TB, path string, got []byte) {
	tb.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("golden %s: %v (run go test -update to create it)", path, err)
	}
	if !bytes.Equal(want, got) {
		tb.Errorf("output differs from golden %s (go test -update rewrites it; review the diff):\n%s", path, Diff(string(want), string(got)))
	}
}

// Diff returns a compact line diff of want and got: lines only in want are
// prefixed "-", lines only in got "+". At most 40 differing lines are shown.
func Diff(want, got string) string {
	w := strings.Split(want, "\n")
	g := strings.Split(got, "\n")
	// Longest common subsequence on lines; inputs in tests are small.
	n, m := len(w), len(g)
	if n*m > 4_000_000 {
		return "(outputs too large for a line diff; " + firstDifference(w, g) + ")"
	}
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if w[i] == g[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var b strings.Builder
	shown := 0
	i, j := 0, 0
	for (i < n || j < m) && shown < 40 {
		switch {
		case i < n && j < m && w[i] == g[j]:
			i++
			j++
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			b.WriteString("+" + g[j] + "\n")
			j++
			shown++
		default:
			b.WriteString("-" + w[i] + "\n")
			i++
			shown++
		}
	}
	if shown == 40 {
		b.WriteString("…\n")
	}
	return b.String()
}

func firstDifference(w, g []string) string {
	for i := 0; i < len(w) && i < len(g); i++ {
		if w[i] != g[i] {
			return "first difference at line " + itoa(i+1) + ": want " + quote(w[i]) + ", got " + quote(g[i])
		}
	}
	return "one is a prefix of the other: " + itoa(len(w)) + " vs " + itoa(len(g)) + " lines"
}

func quote(s string) string {
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return "\"" + s + "\""
}

func itoa(n int) string { return strconv.Itoa(n) }
