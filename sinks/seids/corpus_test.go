package seids

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
)

// hexOrEmpty renders an optional number as the truth does.
func hexOrEmpty(v any) string {
	switch x := v.(type) {
	case float64:
		return "0x" + strconv.FormatUint(uint64(x), 16)
	case json.Number:
		n, err := strconv.ParseUint(x.String(), 10, 64)
		if err != nil {
			return "bad " + x.String()
		}
		return "0x" + strconv.FormatUint(n, 16)
	}
	return ""
}

// decodeExact parses a JSON line keeping numbers exact.
func decodeExact(t *testing.T, l string) map[string]any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(l))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatalf("bad JSON %q: %v", l, err)
	}
	return m
}

func truthHex(s string) string {
	if s == "" {
		return ""
	}
	n, err := strconv.ParseUint(strings.Split(s, ";")[0], 0, 64)
	if err != nil {
		return "bad " + s
	}
	return "0x" + strconv.FormatUint(n, 16)
}

// TestCorpusMessages: for every PFCP capture, the JSON lines agree with
// truth/NAME.pfcp.csv on frame, type, header SEID and sequence number
// (PFCP quoted in ICMP errors excluded on both sides), as
// shared/tools/check_seids.py checks.
func TestCorpusMessages(t *testing.T) {
	for _, path := range corpus.Captures(t) {
		tp, ok := corpus.Truth(t, filepath.Base(path), "pfcp.csv")
		if !ok {
			continue
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			want := map[string]string{}
			for _, r := range corpus.ReadCSV(t, tp) {
				if r["in_icmp_error"] == "1" {
					continue
				}
				seid := ""
				if r["s_flag"] == "1" {
					seid = truthHex(r["header_seid"])
				}
				want[r["frame"]] = strings.Split(r["msg_type"], ";")[0] + " " + seid + " " + strings.Split(r["seqno"], ";")[0]
			}
			got := map[string]string{}
			for _, l := range strings.Split(strings.TrimSpace(report(t, []string{path}, Options{Format: FormatJSON})), "\n") {
				if l == "" {
					continue
				}
				m := decodeExact(t, l)
				got[m["frame"].(json.Number).String()] = m["type"].(json.Number).String() + " " + hexOrEmpty(m["seid"]) + " " + m["seq"].(json.Number).String()
			}
			for fr, w := range want {
				if got[fr] != w {
					t.Errorf("frame %s: got %q, want %q (type seid seq)", fr, got[fr], w)
				}
			}
			for fr := range got {
				if _, ok := want[fr]; !ok {
					t.Errorf("frame %s: reported, not PFCP on the wire in the truth", fr)
				}
			}
		})
	}
}

// TestCorpusSessions: the sessions table agrees with
// truth/NAME.pfcp_sessions.csv; establishments never answered are extra
// rows with state incomplete and no session id.
func TestCorpusSessions(t *testing.T) {
	for _, path := range corpus.Captures(t) {
		tp, ok := corpus.Truth(t, filepath.Base(path), "pfcp_sessions.csv")
		if !ok {
			continue
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			want := map[string]string{}
			for _, r := range corpus.ReadCSV(t, tp) {
				want[r["session"]] = strings.Join([]string{r["cp_addr"], r["up_addr"], truthHex(r["cp_seid"]), truthHex(r["up_seid"]),
					r["est_request_frame"], r["est_response_frame"], r["est_cause"], r["messages"], r["first_frame"],
					r["last_frame"], r["deletion_response_frame"]}, ",")
			}
			got := map[string]string{}
			frame := func(v any) string {
				if f := v.(float64); f != 0 {
					return strconv.Itoa(int(f))
				}
				return ""
			}
			for _, l := range strings.Split(strings.TrimSpace(report(t, []string{path}, Options{Format: FormatJSON, Sessions: true})), "\n") {
				if l == "" {
					continue
				}
				var m map[string]any
				if err := json.Unmarshal([]byte(l), &m); err != nil {
					t.Fatal(err)
				}
				if m["kind"] != "session" {
					continue
				}
				id := int(m["session"].(float64))
				if id == 0 {
					if m["state"] != StateIncomplete || m["est_response_frame"].(float64) != 0 {
						t.Errorf("unnumbered row that is not an unanswered establishment: %s", l)
					}
					continue
				}
				cause := ""
				if c, ok := m["est_cause"].(float64); ok {
					cause = strconv.Itoa(int(c))
				}
				got[strconv.Itoa(id)] = strings.Join([]string{m["cp_addr"].(string), m["up_addr"].(string), hexOrEmpty(m["cp_seid"]),
					hexOrEmpty(m["up_seid"]), frame(m["est_request_frame"]), frame(m["est_response_frame"]), cause,
					strconv.Itoa(int(m["messages"].(float64))), frame(m["first_frame"]), frame(m["last_frame"]),
					frame(m["deletion_response_frame"])}, ",")
			}
			for id, w := range want {
				if got[id] != w {
					t.Errorf("session %s:\n got  %s\n want %s", id, got[id], w)
				}
			}
			if len(got) != len(want) {
				t.Errorf("%d sessions, truth has %d", len(got), len(want))
			}
		})
	}
}
