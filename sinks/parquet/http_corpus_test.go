package parquet

import (
	"fmt"
	"github.com/pcapflow/pcapflow/internal/testcap"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/internal/golden"
)

// TestHTTPTableMatchesTshark writes the http table of the two HTTP corpus
// captures, reads it back with pqarrow and compares every request and
// response with tshark's http fields (sinks/httpx/testdata/truth, made by
// scripts/follow-truth.sh): frame, stream, method, host, URI, version;
// status, Content-Length, content type, transfer coding and the frame of
// the request answered. Each row's flow_id must name the flows row of the
// same connection.
func TestHTTPTableMatchesTshark(t *testing.T) {
	dir := corpus.Dir(t)
	for _, name := range []string{"http-wireshark-sample.cap", "ipv6-http-streams-rawip.pcap"} {
		t.Run(name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			tabs := runTables(t, filepath.Join(dir, name), mem, "flows", "http")
			want := testcap.TsharkHTTP(t, filepath.Join("..", "httpx", "testdata", "truth", name+".tsv"))
			rows, flowRows := rowsOf(t, tabs["http"]), rowsOf(t, tabs["flows"])
			tabs["http"].Release()
			tabs["flows"].Release()
			var got []string
			for i, r := range rows {
				if r["complete"] != "true" || r["missing_bytes"] != "0" {
					t.Errorf("row %d: complete %s, missing %s", i, r["complete"], r["missing_bytes"])
				}
				got = append(got, fmt.Sprintf("%s\t%s\trequest\t%s\t%s\t%s\t%s", r["request_frame"], r["stream_id"],
					r["method"], r["host"], r["uri"], r["version"]))
				got = append(got, fmt.Sprintf("%s\t%s\tresponse\t%s\t%s\t%s\t%s\t%s", r["response_frame"], r["stream_id"],
					r["status"], r["response_content_length"], r["response_content_type"], r["transfer_encoding"], r["request_frame"]))
				if r["source_file"] != filepath.Join(dir, name) {
					t.Errorf("row %d: source_file %q", i, r["source_file"])
				}
				if r["wait_ns"] == "" || r["duration_ns"] == "" || r["ts_request"] == "" || r["request_header_bytes"] == "" {
					t.Errorf("row %d: timings or head size missing: %v", i, r)
				}
			}
			sort.Strings(got)
			if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
				t.Errorf("http table differs from tshark:\n%s", golden.Diff(w, g))
			}

			byID := map[string]map[string]string{}
			for _, f := range flowRows {
				byID[f["flow_id"]] = f
			}
			for i, r := range rows {
				f, ok := byID[r["flow_id"]]
				if !ok {
					t.Errorf("row %d: flow_id %q not in flows", i, r["flow_id"])
					continue
				}
				ends := map[string]bool{f["orig_ip"] + "/" + f["orig_port"]: true, f["resp_ip"] + "/" + f["resp_port"]: true}
				if !ends[r["client_ip"]+"/"+r["client_port"]] || !ends[r["server_ip"]+"/"+r["server_port"]] {
					t.Errorf("row %d: flow %s is %v, exchange %s:%s-%s:%s", i, r["flow_id"], ends,
						r["client_ip"], r["client_port"], r["server_ip"], r["server_port"])
				}
			}
			mem.AssertSize(t, 0)
		})
	}
}
