package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/internal/testcap"
)

// duckdbModuleDir returns the folder where @duckdb/node-api is installed
// (PCAPFLOW_DUCKDB_DIR, else the user cache folder .ci/run fills) and the
// node binary, or skips the test saying why (fails under CI=true).
func duckdbModuleDir(t *testing.T) (dir, node string) {
	t.Helper()
	dir = os.Getenv("PCAPFLOW_DUCKDB_DIR")
	if dir == "" {
		if c, err := os.UserCacheDir(); err == nil {
			dir = filepath.Join(c, "pcapflow", "duckdb-node")
		}
	}
	missing := func(why string) {
		msg := why + `; install it with: mkdir -p DIR && cd DIR && npm init -y && npm install @duckdb/node-api@1.5.6-r.1, then set PCAPFLOW_DUCKDB_DIR=DIR`
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not installed")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@duckdb", "node-api", "package.json")); err != nil {
		missing("@duckdb/node-api is not installed in " + dir)
	}
	return dir, node
}

// duckResult is what sinks/parquet/duckdb/check.mjs prints for one dataset.
type duckResult struct {
	Version string `json:"version"`
	TSType  string `json:"ts_type"`
	Packets []struct {
		SourceFile string `json:"source_file"`
		N          string `json:"n"`
		MinTS      string `json:"min_ts"`
	} `json:"packets"`
	Frames  [][2]string         `json:"frames"`
	Flows   []map[string]string `json:"flows"`
	Orphans string              `json:"orphans"`
	// InnerOrphans counts packets whose inner_flow_id names no flows row;
	// Tunnelled counts the tunnelled flows' first packets and, of them,
	// those whose flow_id is the flow's tunnel_parent.
	InnerOrphans string `json:"inner_orphans"`
	Tunnelled    *struct {
		N             string `json:"n"`
		ParentIsOuter string `json:"parent_is_outer"`
	} `json:"tunnelled"`
	Partitions *string `json:"partitions"`
}

// duckQuery runs check.mjs over dirs.
func duckQuery(t *testing.T, modDir, node string, dirs ...string) map[string]duckResult {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("..", "..", "sinks", "parquet", "duckdb", "check.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, append([]string{script}, dirs...)...)
	cmd.Env = append(os.Environ(), "PCAPFLOW_DUCKDB_DIR="+modDir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node check.mjs: %v\n%s", err, stderr.String())
	}
	res := map[string]duckResult{}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("check.mjs output: %v\n%.2000s", err, out)
	}
	return res
}

func atoi(s string) int64 { v, _ := strconv.ParseInt(s, 10, 64); return v }

// duckFramesOnly are the captures with IP fragments, whose conversations'
// frames are compared with tshark's but not their bytes: tshark counts a
// fragmented datagram's bytes at the fragment completing it, the flows
// table those of all its fragments (sinks/parquet's corpus test checks
// them with the other fragments' frames added).
var duckFramesOnly = map[string]bool{
	"gtp-open5gs-srsenb-s1-gtpu.pcapng":     true,
	"gtpu-zeek-gn-outer-fragmentation.pcap": true,
	"ip4-fragments-pcapplusplus.pcap":       true,
	"ip6-fragments-pcapplusplus.pcap":       true,
	"ipv4frags-wireshark-sample.pcap":       true,
}

// TestParquetDuckDB writes every corpus capture with `pcapflow parquet` and
// reads the tables back with DuckDB, an independent Parquet reader:
// packet counts and first timestamps agree with capinfos, every frame's
// timestamp keeps its nanoseconds (against the capture itself and tshark's
// PFCP time_epoch), and flow totals agree with tshark's conversations. A
// second, archive-style run writes all captures at once, partitioned by
// date.
func TestParquetDuckDB(t *testing.T) {
	modDir, node := duckdbModuleDir(t)
	caps := corpus.Captures(t)
	root := t.TempDir()
	dirs := make([]string, len(caps))
	for i, c := range caps {
		dirs[i] = filepath.Join(root, strconv.Itoa(i))
		if code, _, stderr := runCLI(t, "parquet", c, "-o", dirs[i], "--tables", "all", "-j", "2"); code != 0 {
			t.Fatalf("parquet %s: exit %d\n%s", c, code, stderr)
		}
	}
	archive := filepath.Join(root, "archive")
	code, _, stderr := runCLI(t, append([]string{"parquet", "-o", archive, "--partition", "date", "--tables", "packets", "-j", "2"}, caps...)...)
	if code != 0 {
		t.Fatalf("parquet archive: exit %d\n%s", code, stderr)
	}
	res := duckQuery(t, modDir, node, append(dirs, archive)...)

	for i, c := range caps {
		name := filepath.Base(c)
		t.Run(name, func(t *testing.T) {
			r := res[dirs[i]]
			if r.TSType != "TIMESTAMP_NS" && len(r.Frames) > 0 {
				t.Errorf("DuckDB %s reads ts as %s, want TIMESTAMP_NS", r.Version, r.TSType)
			}
			want := captureTimes(t, c)
			if len(r.Packets) != 1 || atoi(r.Packets[0].N) != int64(len(want)) {
				t.Fatalf("DuckDB packets %+v, capture has %d frames", r.Packets, len(want))
			}
			ci, ok := corpus.Capinfos(t, name)
			n, first := ci.Packets, ci.First
			if ok && (n != int64(len(want)) || (n > 0 && first >= 0 && atoi(r.Packets[0].MinTS) != first)) {
				t.Errorf("DuckDB: %s packets, first %s; capinfos: %d, %d", r.Packets[0].N, r.Packets[0].MinTS, n, first)
			}
			for _, f := range r.Frames {
				if fr := atoi(f[0]); want[fr] != atoi(f[1]) {
					t.Fatalf("frame %d: DuckDB ts %s, capture %d", fr, f[1], want[fr])
				}
			}
			checkPFCPTimes(t, name, r.Frames)
			if r.Orphans != "0" {
				t.Errorf("%s packets have a flow_id absent from flows", r.Orphans)
			}
			if r.InnerOrphans != "0" {
				t.Errorf("%s packets have an inner_flow_id absent from flows", r.InnerOrphans)
			}
			if tu := r.Tunnelled; tu == nil || tu.N != tu.ParentIsOuter {
				t.Errorf("tunnelled flows whose first packet's flow is their tunnel_parent: %+v", tu)
			} else if tu.N != "0" {
				t.Logf("%s tunnelled flows, each with its first packet's outer flow as tunnel_parent", tu.N)
			}
			checkConversations(t, name, r.Flows, duckFramesOnly[name])
		})
	}

	t.Run("archive", func(t *testing.T) {
		r := res[archive]
		total := int64(0)
		byFile := map[string]int64{}
		for _, p := range r.Packets {
			byFile[p.SourceFile] = atoi(p.N)
			total += atoi(p.N)
		}
		days := map[string]bool{}
		for _, c := range caps {
			ci, ok := corpus.Capinfos(t, c)
			n, first := ci.Packets, ci.First
			if !ok {
				continue
			}
			if byFile[c] != n {
				t.Errorf("%s: %d rows in the archive, capinfos %d", c, byFile[c], n)
			}
			if n > 0 && first >= 0 {
				days[time.Unix(0, first).UTC().Format("2006-01-02")] = true
			}
		}
		if r.Partitions == nil || atoi(*r.Partitions) < int64(len(days)) {
			t.Errorf("DuckDB sees %v date partitions, want at least %d", r.Partitions, len(days))
		}
	})
}

// captureTimes reads a capture with pcapflow's reader (up to any damage):
// timestamp by frame.
func captureTimes(t *testing.T, path string) map[int64]int64 {
	t.Helper()
	frames, _ := testcap.ReadPartial(t, path)
	out := map[int64]int64{}
	for _, f := range frames {
		out[int64(f.Frame)] = f.Timestamp
	}
	return out
}

// checkPFCPTimes compares DuckDB's timestamps with tshark's time_epoch
// (printed to the nanosecond) of every PFCP frame.
func checkPFCPTimes(t *testing.T, name string, frames [][2]string) {
	p, ok := corpus.Truth(t, name, "pfcp.csv")
	if !ok {
		return
	}
	byFrame := map[string]string{}
	for _, f := range frames {
		byFrame[f[0]] = f[1]
	}
	for _, row := range corpus.ReadCSV(t, p) {
		sec, frac, _ := strings.Cut(row["time_epoch"], ".")
		frac = (frac + "000000000")[:9]
		want := atoi(sec)*1e9 + atoi(frac)
		if got := atoi(byFrame[row["frame"]]); got != want {
			t.Errorf("frame %s: DuckDB ts %d, tshark %d", row["frame"], got, want)
		}
	}
}

// checkConversations folds DuckDB's flow totals into tshark conversations
// and compares them with conv_tcp.csv and conv_udp.csv (frames only, when
// framesOnly).
func checkConversations(t *testing.T, name string, flows []map[string]string, framesOnly bool) {
	type conv struct{ proto, a, aPort, b, bPort string }
	type totals struct{ fAB, bAB, fBA, bBA int64 }
	got := map[conv]totals{}
	for _, f := range flows {
		if f["proto"] != "tcp" && f["proto"] != "udp" {
			continue
		}
		a, b := netip.MustParseAddr(f["orig_ip"]), netip.MustParseAddr(f["resp_ip"])
		k := conv{f["proto"], f["orig_ip"], f["orig_port"], f["resp_ip"], f["resp_port"]}
		v := totals{atoi(f["orig_pkts"]), atoi(f["orig_bytes"]), atoi(f["resp_pkts"]), atoi(f["resp_bytes"])}
		if c := b.Compare(a); c < 0 || (c == 0 && atoi(f["resp_port"]) < atoi(f["orig_port"])) {
			k = conv{f["proto"], f["resp_ip"], f["resp_port"], f["orig_ip"], f["orig_port"]}
			v = totals{v.fBA, v.bBA, v.fAB, v.bAB}
		}
		s := got[k]
		got[k] = totals{s.fAB + v.fAB, s.bAB + v.bAB, s.fBA + v.fBA, s.bBA + v.bBA}
	}
	for _, proto := range []string{"tcp", "udp"} {
		p, ok := corpus.Truth(t, name, "conv_"+proto+".csv")
		if !ok {
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows[1:] {
			k := conv{proto, r[0], r[1], r[2], r[3]}
			want := totals{atoi(r[6]), atoi(r[7]), atoi(r[8]), atoi(r[9])}
			g := got[k]
			if framesOnly {
				g.bAB, g.bBA = want.bAB, want.bBA
			}
			if g != want {
				t.Errorf("%s conversation %v: DuckDB %+v, tshark %+v", proto, k, got[k], want)
			}
			delete(got, k)
		}
	}
	for k, v := range got {
		t.Errorf("DuckDB flows have conversation %v (%+v) that tshark has not", k, v)
	}
}
