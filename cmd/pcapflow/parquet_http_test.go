package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/decoders/flows"
	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/internal/golden"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/sinks/parquet"
	"github.com/spf13/pflag"
)

// TestParquetSettingsFlags: the flow timeouts and the compression level
// reach the sink options, under both spellings (`parquet --tcp-idle` and
// `--parquet-tcp-idle` of other commands), and bad values are usage errors
// naming the flag.
func TestParquetSettingsFlags(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		want   flows.Options
		level  int
		errHas string
	}{
		{nil, flows.Options{TCPIdle: flows.DefaultTCPIdle, UDPIdle: flows.DefaultUDPIdle, ICMPIdle: flows.DefaultICMPIdle, OtherIdle: flows.DefaultOtherIdle}, 0, ""},
		{[]string{"--tcp-idle", "90s", "--udp-idle", "5s", "--icmp-idle", "2s", "--other-idle", "3s", "--active-timeout", "30m"},
			flows.Options{TCPIdle: 90 * time.Second, UDPIdle: 5 * time.Second, ICMPIdle: 2 * time.Second, OtherIdle: 3 * time.Second, Active: 30 * time.Minute}, 0, ""},
		{[]string{"--compression-level", "9"}, flows.Options{TCPIdle: flows.DefaultTCPIdle, UDPIdle: flows.DefaultUDPIdle, ICMPIdle: flows.DefaultICMPIdle, OtherIdle: flows.DefaultOtherIdle}, 9, ""},
		{[]string{"--compression", "gzip", "--compression-level", "6"}, flows.Options{TCPIdle: flows.DefaultTCPIdle, UDPIdle: flows.DefaultUDPIdle, ICMPIdle: flows.DefaultICMPIdle, OtherIdle: flows.DefaultOtherIdle}, 6, ""},
		{[]string{"--tcp-idle", "0s"}, flows.Options{}, 0, "tcp-idle must be positive"},
		{[]string{"--udp-idle", "-1s"}, flows.Options{}, 0, "udp-idle must be positive"},
		{[]string{"--active-timeout", "-5m"}, flows.Options{}, 0, "active-timeout must be positive"},
		{[]string{"--compression-level", "23"}, flows.Options{}, 0, "compression-level for zstd must be between 1 and 22"},
		{[]string{"--compression", "gzip", "--compression-level", "10"}, flows.Options{}, 0, "between 1 and 9"},
		{[]string{"--compression", "snappy", "--compression-level", "3"}, flows.Options{}, 0, "does not apply"},
	} {
		for _, prefix := range []string{"", "parquet-"} {
			fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
			var po parquetOptions
			po.declareSettings(fs, prefix)
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				args[i] = strings.Replace(a, "--", "--"+prefix, 1)
				if !strings.HasPrefix(a, "--") {
					args[i] = a
				}
			}
			if err := fs.Parse(args); err != nil {
				t.Fatalf("%v: %v", args, err)
			}
			po.dir = t.TempDir()
			o, err := po.options(prefix, &pipeline.Inputs{})
			if tc.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), "--"+prefix) || !strings.Contains(err.Error(), tc.errHas) {
					t.Errorf("%v: error %v, want one naming --%s... and saying %q", args, err, prefix, tc.errHas)
				}
				continue
			}
			if err != nil {
				t.Errorf("%v: %v", args, err)
				continue
			}
			if o.Flows.TCPIdle != tc.want.TCPIdle || o.Flows.UDPIdle != tc.want.UDPIdle || o.Flows.ICMPIdle != tc.want.ICMPIdle ||
				o.Flows.OtherIdle != tc.want.OtherIdle || o.Flows.Active != tc.want.Active {
				t.Errorf("%v: flow options %+v, want %+v", args, o.Flows, tc.want)
			}
			if o.CompressionLevel != tc.level {
				t.Errorf("%v: compression level %d, want %d", args, o.CompressionLevel, tc.level)
			}
		}
	}
}

// parquetSummaryOf runs `pcapflow parquet ... --json` and decodes the summary.
func parquetSummaryOf(t *testing.T, args ...string) parquetSummary {
	t.Helper()
	code, stdout, stderr := runCLI(t, append([]string{"parquet", "--json"}, args...)...)
	if code != exitOK {
		t.Fatalf("parquet %v: exit %d\n%s", args, code, stderr)
	}
	var sum parquetSummary
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("summary: %v\n%s", err, stdout)
	}
	return sum
}

// TestParquetHTTPAndTimeouts runs the command end to end on generated HTTP
// sessions: the http table gets one row per session only when chosen (and
// with "all"), and the timeout flags change how flows are cut.
func TestParquetHTTPAndTimeouts(t *testing.T) {
	dir := t.TempDir()
	in := genFile(t, dir, "http.pcap", "http", "-n", "4", "--gap", "2s", "--sport", "40000")
	run := func(name string, args ...string) parquetSummary {
		return parquetSummaryOf(t, append([]string{in, "-o", filepath.Join(dir, name)}, args...)...)
	}
	if sum := run("default"); sum.Rows["flows"] != 4 || len(sum.Tables) != 2 {
		t.Errorf("default run: tables %v, rows %v; want packets and flows with 4 flows", sum.Tables, sum.Rows)
	}
	if sum := run("http", "--tables", "flows,http"); sum.Rows["http"] != 4 || sum.Rows["flows"] != 4 {
		t.Errorf("--tables flows,http: rows %v, want 4 exchanges and 4 flows", sum.Rows)
	}
	all := run("all", "--tables", "all")
	if _, ok := all.Rows["http"]; !ok || all.Rows["http"] != 4 {
		t.Errorf("--tables all: rows %v, want an http table with 4 rows", all.Rows)
	}
	// Each session lasts tens of milliseconds: a 1 ms active timeout cuts
	// every one into several flows.
	if sum := run("active", "--active-timeout", "1ms", "--compression-level", "3"); sum.Rows["flows"] <= 4 {
		t.Errorf("--active-timeout 1ms: %d flows, want more than 4", sum.Rows["flows"])
	}
	for _, bad := range [][]string{{"--tcp-idle", "-1s"}, {"--compression-level", "40"}, {"--compression", "none", "--compression-level", "2"}} {
		code, _, stderr := runCLI(t, append([]string{"parquet", in, "-o", filepath.Join(dir, "bad")}, bad...)...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", bad, code, exitUsage, stderr)
		}
	}
	if got := parquet.TableNames(); got[len(got)-1] != "http" {
		t.Errorf("TableNames %v does not offer http", got)
	}
}

// TestParquetHTTPDuckDB reads the http table of the two HTTP corpus
// captures with DuckDB (sinks/parquet/duckdb/check.mjs): every request and
// response frame, stream, method, host, URI and status equals tshark's
// (sinks/httpx/testdata/truth), and every exchange's flow_id joins a row of
// the flows table.
func TestParquetHTTPDuckDB(t *testing.T) {
	modDir, node := duckdbModuleDir(t)
	dir := corpus.Dir(t)
	names := []string{"http-wireshark-sample.cap", "ipv6-http-streams-rawip.pcap"}
	outs := make([]string, len(names))
	for i, name := range names {
		outs[i] = filepath.Join(t.TempDir(), "ds")
		if code, _, stderr := runCLI(t, "parquet", filepath.Join(dir, name), "-o", outs[i], "--tables", "packets,flows,http"); code != exitOK {
			t.Fatalf("parquet %s: exit %d\n%s", name, code, stderr)
		}
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "sinks", "parquet", "duckdb", "check.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, append([]string{script}, outs...)...)
	cmd.Env = append(os.Environ(), "PCAPFLOW_DUCKDB_DIR="+modDir)
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("node check.mjs: %v", err)
	}
	var res map[string]struct {
		HTTP []map[string]string `json:"http"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatalf("check.mjs output: %v\n%.2000s", err, raw)
	}
	for i, name := range names {
		t.Run(name, func(t *testing.T) {
			want := httpTruth(t, filepath.Join("..", "..", "sinks", "httpx", "testdata", "truth", name+".tsv"))
			var got []string
			for _, h := range res[outs[i]].HTTP {
				got = append(got, fmt.Sprintf("%s %s request %s %s %s", h["request_frame"], h["stream"], h["method"], h["host"], h["uri"]),
					fmt.Sprintf("%s %s response %s %s", h["response_frame"], h["stream"], h["status"], h["request_frame"]))
				if h["in_flows"] != "true" {
					t.Errorf("exchange %v: flow_id not in flows", h)
				}
			}
			sort.Strings(got)
			if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
				t.Errorf("DuckDB http rows differ from tshark:\n%s", golden.Diff(w, g))
			}
		})
	}
}

// httpTruth reads a tshark HTTP truth file (frame, stream, is_request,
// method, host, uri, version, code, content_length, request_in, ...) into
// the line format of TestParquetHTTPDuckDB.
func httpTruth(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) < 10 {
			t.Fatalf("%s: short line %q", path, line)
		}
		if c[2] == "1" {
			out = append(out, fmt.Sprintf("%s %s request %s %s %s", c[0], c[1], c[3], c[4], c[5]))
		} else {
			out = append(out, fmt.Sprintf("%s %s response %s %s", c[0], c[1], c[7], c[9]))
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no messages", path)
	}
	sort.Strings(out)
	return out
}
