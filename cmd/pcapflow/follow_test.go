package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// genSessions writes a generated capture of n impaired HTTP sessions.
func genSessions(t *testing.T, n string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.pcap")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"gen", "tcp-session", "-o", path, "-n", n, "--body", "20000",
		"--loss", "0.2", "--reorder", "0.2", "--seed", "5"}, nil, &out, &errb); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, errb.String())
	}
	return path
}

func TestFollowCommand(t *testing.T) {
	path := genSessions(t, "3")
	tests := []struct {
		name  string
		args  []string
		check func(t *testing.T, dir, stdout, stderr string)
	}{
		{"raw-dir", []string{"--format", "raw"}, func(t *testing.T, dir, _, stderr string) {
			ents, _ := os.ReadDir(dir)
			if len(ents) != 6 {
				t.Fatalf("%d files, want 6 (3 connections x 2 directions): %v", len(ents), ents)
			}
			for _, e := range ents {
				b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
				c2s := strings.Contains(e.Name(), "-c2s-")
				if c2s && !bytes.HasPrefix(b, []byte("GET /index.html HTTP/1.0\r\n")) ||
					!c2s && (!bytes.HasPrefix(b, []byte("HTTP/1.0 200 OK\r\n")) || !bytes.HasSuffix(b, []byte("</html>\n"))) {
					t.Errorf("%s: unexpected content %.40q", e.Name(), b)
				}
			}
			if !strings.Contains(stderr, "3 of 3 connections") {
				t.Errorf("summary: %s", stderr)
			}
		}},
		{"flow-json-stdout", []string{"--flow", "1", "--format", "json", "--no-out"}, func(t *testing.T, _, stdout, _ string) {
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			for _, l := range lines {
				var m map[string]any
				if err := json.Unmarshal([]byte(l), &m); err != nil {
					t.Fatalf("bad JSON line %q: %v", l, err)
				}
				if m["stream"].(float64) != 1 {
					t.Errorf("stream %v selected, want only 1", m["stream"])
				}
			}
		}},
		{"timeline", []string{"--timeline", "--no-out"}, func(t *testing.T, _, stdout, _ string) {
			for _, want := range []string{"stream 0 ", "handshake RTT", "retransmission"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("timeline lacks %q:\n%s", want, stdout)
				}
			}
		}},
		{"hex", []string{"--format", "hex", "--flow", "0", "--no-out"}, func(t *testing.T, _, stdout, _ string) {
			if !strings.Contains(stdout, "00000000  47 45 54 20") {
				t.Errorf("hex dump lacks the request's first line:\n%.300s", stdout)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			args := []string{"follow", path}
			noOut := false
			for _, a := range tt.args {
				if a == "--no-out" {
					noOut = true
					continue
				}
				args = append(args, a)
			}
			if !noOut {
				args = append(args, "-o", dir)
			}
			var out, errb bytes.Buffer
			if code := run(context.Background(), args, nil, &out, &errb); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			tt.check(t, dir, out.String(), errb.String())
		})
	}
}

func TestFollowUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"follow", "x.pcap", "--format", "nope"},
		{"follow", "x.pcap", "--flow", "not a flow"},
		{"follow"},
	} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, nil, &out, &errb); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, errb.String())
		}
	}
}

func TestHTTPCommand(t *testing.T) {
	path := genSessions(t, "4")
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"http", path, "--json", "--extract", dir}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d exchanges, want 4:\n%s", len(lines), out.String())
	}
	for _, l := range lines {
		var r struct {
			Method, URI, ResponseFile string `json:"-"`
			Status                    int    `json:"status"`
			Body                      int64  `json:"response_body_bytes"`
			File                      string `json:"response_file"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(r.File)
		if r.Status != 200 || r.Body != 20000 || err != nil || st.Size() != 20000 {
			t.Errorf("exchange %s: status %d body %d file %v", l, r.Status, r.Body, err)
		}
	}
}
