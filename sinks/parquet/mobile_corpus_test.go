package parquet

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
)

// runTables writes the given tables of one capture and reads each back.
func runTables(t *testing.T, path string, mem memory.Allocator, tables ...string) map[string]arrow.Table {
	t.Helper()
	dir := t.TempDir()
	src, err := input.NewSource([]string{path}, input.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inputs := &pipeline.Inputs{}
	sink, err := New(Options{Dir: dir, Inputs: inputs, Allocator: mem, Tables: tables})
	if err != nil {
		t.Fatal(err)
	}
	g := &pipeline.Graph{Source: src, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{})}, Sinks: []pipeline.Sink{sink}, Inputs: inputs, Workers: 2}
	if _, err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := map[string]arrow.Table{}
	for _, name := range tables {
		out[name], _ = readTable(t, filepath.Join(dir, name, "part-000000.parquet"))
	}
	return out
}

// rowsOf renders every row of tbl as column name -> text ("" for null).
func rowsOf(t *testing.T, tbl arrow.Table) []map[string]string {
	t.Helper()
	out := make([]map[string]string, tbl.NumRows())
	for i := range out {
		out[i] = map[string]string{}
	}
	for c, f := range tbl.Schema().Fields() {
		row := 0
		for _, chunk := range tbl.Column(c).Data().Chunks() {
			for i := 0; i < chunk.Len(); i++ {
				if !chunk.IsNull(i) {
					out[row][f.Name] = chunk.ValueStr(i)
				}
				row++
			}
		}
	}
	return out
}

// hexDec turns tshark's 0x... into decimal ("" stays "").
func hexDec(s string) string {
	if s == "" {
		return ""
	}
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 64)
	if err != nil {
		return "bad:" + s
	}
	return strconv.FormatUint(v, 10)
}

// TestPFCPTablesMatchTruth compares pfcp_messages and pfcp_sessions with
// tshark's PFCP fields and the truth's session reconstruction.
func TestPFCPTablesMatchTruth(t *testing.T) {
	for _, path := range corpus.Captures(t) {
		name := filepath.Base(path)
		msgsTruth, ok := corpus.Truth(t, name, "pfcp.csv")
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			tabs := runTables(t, path, mem, "pfcp_messages", "pfcp_sessions")
			defer tabs["pfcp_messages"].Release()
			defer tabs["pfcp_sessions"].Release()
			got := map[string]map[string]string{}
			for _, r := range rowsOf(t, tabs["pfcp_messages"]) {
				got[r["frame_no"]] = r
			}
			var want int
			for _, tr := range corpus.ReadCSV(t, msgsTruth) {
				if tr["in_icmp_error"] == "1" {
					continue
				}
				want++
				g := got[tr["frame"]]
				if g == nil {
					t.Errorf("frame %s: no pfcp_messages row", tr["frame"])
					continue
				}
				cmp := [][3]string{{"msg_type", g["msg_type"], tr["msg_type"]}, {"seq", g["seq"], tr["seqno"]}}
				if tr["multiple_msgs"] == "0" {
					cmp = append(cmp, [3]string{"seid", g["seid"], hexDec(tr["header_seid"])},
						[3]string{"session_id", g["session_id"], tr["session"]})
				}
				for _, c := range cmp {
					if c[1] != c[2] {
						t.Errorf("frame %s %s = %q, tshark %q", tr["frame"], c[0], c[1], c[2])
					}
				}
			}
			if len(got) != want {
				t.Errorf("%d pfcp_messages rows, tshark %d PFCP frames (not in ICMP)", len(got), want)
			}

			sessTruth, ok := corpus.Truth(t, name, "pfcp_sessions.csv")
			if !ok {
				return
			}
			sess := rowsOf(t, tabs["pfcp_sessions"])
			truth := corpus.ReadCSV(t, sessTruth)
			if len(sess) != len(truth) {
				t.Fatalf("%d sessions, truth %d", len(sess), len(truth))
			}
			for i, tr := range truth {
				g := sess[i]
				for _, c := range [][2]string{
					{"session_id", "session"}, {"cp_ip", "cp_addr"}, {"up_ip", "up_addr"}, {"cp_seid", "cp_seid"}, {"up_seid", "up_seid"},
					{"est_request_frame", "est_request_frame"}, {"est_response_frame", "est_response_frame"}, {"est_cause", "est_cause"},
					{"messages", "messages"}, {"first_frame", "first_frame"}, {"last_frame", "last_frame"},
					{"deletion_response_frame", "deletion_response_frame"},
				} {
					w := tr[c[1]]
					if strings.HasPrefix(w, "0x") {
						w = hexDec(w)
					}
					if g[c[0]] != w {
						t.Errorf("session %s %s = %q, truth %q", tr["session"], c[0], g[c[0]], w)
					}
				}
			}
		})
	}
}

// TestGTPTableMatchesTruth compares the gtp table with tshark's GTP fields.
func TestGTPTableMatchesTruth(t *testing.T) {
	for _, path := range corpus.Captures(t) {
		name := filepath.Base(path)
		truthPath, ok := corpus.Truth(t, name, "gtp.csv")
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			tabs := runTables(t, path, mem, "gtp")
			defer tabs["gtp"].Release()
			got := map[string]map[string]string{}
			for _, r := range rowsOf(t, tabs["gtp"]) {
				got[r["frame_no"]] = r
			}
			var diffs []string
			missing := 0
			// tshark shows a G-PDU in outer IP fragments on the fragment
			// that completes the datagram, the gtp table (no outer
			// reassembly) on the first; a datagram that never becomes
			// whole tshark shows as data, the gtp table by its first
			// fragment's headers.
			firsts, incomplete := completingFrames(t, path)
			for _, tr := range corpus.ReadCSV(t, truthPath) {
				if f, ok := firsts[tr["frame"]]; ok {
					tr["frame"] = f
				}
				switch {
				case strings.Contains(tr["protocols"], "gtpprime"):
					// GTP' (charging, TS 32.295) is not GTP; pcapflow leaves it.
					continue
				case strings.Contains(tr["protocols"], "tcp:gtp"):
					// GTPv2-C over TCP is not decoded (only UDP 2123).
					continue
				}
				g := got[tr["frame"]]
				if g == nil {
					missing++
					diffs = append(diffs, fmt.Sprintf("frame %s (%s): no gtp row", tr["frame"], tr["protocols"]))
					continue
				}
				delete(got, tr["frame"])
				var cmp [][3]string
				if v2 := tr["gtpv2_msg_type"]; v2 != "" {
					typ, _, _ := strings.Cut(v2, ";")
					seq, _, _ := strings.Cut(tr["gtpv2_seq"], ";")
					cmp = [][3]string{{"version", g["version"], "2"}, {"msg_type", g["msg_type"], typ}, {"seq", g["seq"], hexDec(seq)}}
					// tshark lists only the TEIDs present: with a
					// piggybacked message the first TEID may be another
					// message's.
					if strings.Count(tr["gtpv2_teid"], ";") == strings.Count(v2, ";") {
						teid, _, _ := strings.Cut(tr["gtpv2_teid"], ";")
						cmp = append(cmp, [3]string{"teid", g["teid"], hexDec(teid)})
					}
					if c, _, _ := strings.Cut(tr["gtpv2_cause"], ";"); c != "" {
						cmp = append(cmp, [3]string{"cause", g["cause"], c})
					}
					if p := tr["paa_ipv4"]; p != "" {
						cmp = append(cmp, [3]string{"paa_ipv4", g["paa_ipv4"], p})
					}
				} else {
					typ, _, _ := strings.Cut(tr["gtpv1_msg_type"], ";")
					teid, _, _ := strings.Cut(tr["gtpv1_teid"], ";")
					cmp = [][3]string{{"version", g["version"], "1"}, {"msg_type", g["msg_type"], typ}, {"teid", g["teid"], hexDec(teid)}}
					if tr["inner_src"] != "" && g["inner_src_ip"] != "" {
						cmp = append(cmp, [3]string{"inner_src_ip", g["inner_src_ip"], tr["inner_src"]}, [3]string{"inner_dst_ip", g["inner_dst_ip"], tr["inner_dst"]})
					}
				}
				for _, c := range cmp {
					if c[1] != c[2] {
						diffs = append(diffs, fmt.Sprintf("frame %s %s = %q, tshark %q", tr["frame"], c[0], c[1], c[2]))
					}
				}
			}
			unwhole := 0
			for f := range got {
				if incomplete[f] {
					unwhole++
					continue
				}
				diffs = append(diffs, fmt.Sprintf("frame %s: gtp row that tshark does not show as GTP", f))
			}
			if len(firsts) > 0 {
				t.Logf("%d GTP datagrams in outer fragments compared at their first fragment; %d rows of datagrams never whole", len(firsts), unwhole)
			}
			if len(diffs) > 0 {
				t.Errorf("%d differences (%d missing rows):\n%s", len(diffs), missing, strings.Join(diffs[:min(len(diffs), 15)], "\n"))
			}
		})
	}
}

// TestGTPTableGTPv1C checks the subscriber and tunnel columns of the
// GTPv1-C Create PDP Context messages of gtpv1c-zeek-pdp-context against
// what tshark 4.0 shows (e212.imsi, the MSISDN's E.164 digits, gtp.cause,
// gtp.nsapi, gtp.user_ipv4, gtp.teid_cp and gtp.teid_data with
// gtp.gsn_ipv4): the truth CSV has only their header fields.
func TestGTPTableGTPv1C(t *testing.T) {
	path := filepath.Join(corpus.Dir(t), "gtpv1c-zeek-pdp-context.pcapng")
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tabs := runTables(t, path, mem, "gtp")
	defer tabs["gtp"].Release()
	want := map[string]map[string]string{
		"2": {"imsi": "460004100000101", "msisdn": "8615221000101", "ebi": "5",
			"fteid_teids": "[854600697,854600697]", "fteid_ips": `["192.169.100.1","192.169.100.1"]`},
		"3": {"cause": "128", "ebi": "5", "paa_ipv4": "192.168.252.130",
			"fteid_teids": "[268435584,268435589]", "fteid_ips": `["10.100.200.34","10.100.200.49"]`},
		"7": {"imsi": "240010123456789", "msisdn": "46702123456", "ebi": "0",
			"fteid_teids": "[1,1]", "fteid_ips": `["127.0.0.2","127.0.0.2"]`},
		"8": {"cause": "128", "paa_ipv4": "192.168.0.2",
			"fteid_teids": "[1,1]", "fteid_ips": `["127.0.0.1","127.0.0.1"]`},
	}
	seen := 0
	for _, r := range rowsOf(t, tabs["gtp"]) {
		w, ok := want[r["frame_no"]]
		if !ok {
			continue
		}
		seen++
		for _, col := range []string{"imsi", "msisdn", "cause", "ebi", "paa_ipv4", "fteid_teids", "fteid_ips"} {
			if r[col] != w[col] {
				t.Errorf("frame %s %s = %q, tshark %q", r["frame_no"], col, r[col], w[col])
			}
		}
		if r["malformed"] != "false" || r["version"] != "1" {
			t.Errorf("frame %s: version %s malformed %s", r["frame_no"], r["version"], r["malformed"])
		}
	}
	if seen != len(want) {
		t.Errorf("%d of the %d PDP context messages have a row", seen, len(want))
	}
}
