// Package corpus locates the shared corpus of real public captures
// (../shared/captures beside the project checkout) and its tshark truth.
//
// The captures are other people's files under their own licences: tests read
// them in place and never copy them into the project. When the corpus is
// missing, Dir skips the test with a clear message, except under CI
// (CI=true), where a missing corpus fails the test.
package corpus

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

var (
	once sync.Once
	dir  string
)

// Find returns the corpus directory, or "" when there is none. PCAPFLOW_CORPUS
// overrides the search.
func Find() string {
	once.Do(func() {
		if d := os.Getenv("PCAPFLOW_CORPUS"); d != "" {
			dir = d
			return
		}
		wd, err := os.Getwd()
		if err != nil {
			return
		}
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				c := filepath.Join(filepath.Dir(d), "shared", "captures")
				if st, err := os.Stat(c); err == nil && st.IsDir() {
					dir = c
				}
				return
			}
			if filepath.Dir(d) == d {
				return
			}
		}
	})
	return dir
}

// Dir returns the corpus directory or skips (fails under CI) the test.
func Dir(tb testing.TB) string {
	tb.Helper()
	d := Find()
	if d == "" {
		if os.Getenv("CI") != "" {
			tb.Fatal("corpus tests need ../shared/captures beside the checkout, and CI is set: failing")
		}
		tb.Skip("corpus tests skipped: ../shared/captures not found beside the checkout (set PCAPFLOW_CORPUS)")
	}
	return d
}

// Captures returns the paths of every capture in the corpus, sorted by name.
func Captures(tb testing.TB) []string {
	tb.Helper()
	d := Dir(tb)
	ents, err := os.ReadDir(d)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if e.Type().IsRegular() && (strings.HasSuffix(n, ".pcap") || strings.HasSuffix(n, ".pcapng") || strings.HasSuffix(n, ".cap")) {
			out = append(out, filepath.Join(d, n))
		}
	}
	sort.Strings(out)
	return out
}

// Truth returns the path of the truth file for capture (a path or base name)
// and question, e.g. Truth(tb, "skypeirc.cap", "ip_pairs.csv"). It reports
// false when the file does not exist (the question does not apply).
func Truth(tb testing.TB, capture, question string) (string, bool) {
	tb.Helper()
	p := filepath.Join(Dir(tb), "truth", filepath.Base(capture)+"."+question)
	_, err := os.Stat(p)
	return p, err == nil
}

// Seed adds the first max bytes of every corpus capture to a fuzz corpus
// through add (usually f.Add). It does nothing when the corpus is missing.
func Seed(add func(data []byte), max int) {
	d := Find()
	if d == "" {
		return
	}
	ents, _ := os.ReadDir(d)
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(d, e.Name()))
		if err != nil || len(b) == 0 {
			continue
		}
		if len(b) > max {
			b = b[:max]
		}
		add(b)
	}
}
