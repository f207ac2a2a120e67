package seids

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/internal/golden"
	"github.com/pcapflow/pcapflow/internal/testcap"
	"github.com/pcapflow/pcapflow/pipeline"
)

// TestScenarioCapture keeps testdata/scenario.pcap equal to what the
// generator produces (go test -update rewrites it).
func TestScenarioCapture(t *testing.T) {
	golden.Check(t, scenarioPath, generate(t, scenario))
}

// TestGoldens compares every output form on the scenario capture.
func TestGoldens(t *testing.T) {
	for _, c := range []struct {
		name string
		opts Options
	}{
		{"messages.txt", Options{}},
		{"messages.jsonl", Options{Format: FormatJSON}},
		{"messages.csv", Options{Format: FormatCSV}},
		{"sessions.txt", Options{Sessions: true}},
		{"sessions.jsonl", Options{Format: FormatJSON, Sessions: true}},
		{"sessions.csv", Options{Format: FormatCSV, Sessions: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			golden.Check(t, "testdata/"+c.name, []byte(report(t, []string{scenarioPath}, c.opts)))
		})
	}
}

// TestScenarioAgainstExpect checks the reports against what the generator
// says a correct analysis must find, and the formats against each other.
func TestScenarioAgainstExpect(t *testing.T) {
	exp := scenario.Expect()
	js := report(t, []string{scenarioPath}, Options{Format: FormatJSON})
	lines := strings.Split(strings.TrimSpace(js), "\n")
	if int64(len(lines)) != exp.PFCPMessages {
		t.Fatalf("%d JSON lines, want %d PFCP messages", len(lines), exp.PFCPMessages)
	}
	required := []string{"frame", "file", "ts", "src", "dst", "type", "type_name", "seid", "seq", "fseids", "cause", "session"}
	sessions := map[float64]bool{}
	byType := map[uint8]int64{}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("bad JSON line %q: %v", l, err)
		}
		for _, k := range required {
			if _, ok := m[k]; !ok {
				t.Fatalf("line %q lacks key %q", l, k)
			}
		}
		byType[uint8(m["type"].(float64))]++
		if id, ok := m["session"].(float64); ok {
			sessions[id] = true
		}
		typ := m["type"].(float64)
		if (typ >= 50) != (m["session"] != nil) {
			t.Errorf("frame %v type %v: session %v", m["frame"], typ, m["session"])
		}
	}
	if int64(len(sessions)) != exp.PFCPSessions {
		t.Errorf("%d sessions in messages, want %d", len(sessions), exp.PFCPSessions)
	}
	for typ, n := range exp.MessagesByType {
		if byType[typ] != n {
			t.Errorf("type %d: %d lines, want %d", typ, byType[typ], n)
		}
	}
	csvOut := report(t, []string{scenarioPath}, Options{Format: FormatCSV})
	rows, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(lines)+1 {
		t.Errorf("%d CSV rows, want %d and a header", len(rows), len(lines))
	}
	ses := report(t, []string{scenarioPath}, Options{Format: FormatJSON, Sessions: true})
	var states = map[string]int64{}
	var retrans int64
	pairs := 0
	var nodeRetrans int64
	for _, l := range strings.Split(strings.TrimSpace(ses), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		switch m["kind"] {
		case "session":
			states[m["state"].(string)]++
			retrans += int64(m["retransmissions"].(float64))
			// A deleted session has its UE address, the uplink F-TEID the
			// UPF allocated and the gNB's downlink Outer Header Creation,
			// and got the scenario's G-PDUs; a rejected one none.
			wantG := float64(0)
			if m["state"] == StateDeleted {
				wantG = float64(scenario.UserPlane)
				fts := m["fteids"].([]any)
				if len(m["ue_ips"].([]any)) != 1 || len(fts) != 2 || m["latency_us"] == nil ||
					fts[0].(map[string]any)["source"] != SourceFTEID || fts[1].(map[string]any)["source"] != SourceOHC {
					t.Errorf("session %v: ue_ips %v fteids %v latency %v", m["session"], m["ue_ips"], m["fteids"], m["latency_us"])
				}
			}
			if m["gtpu_packets"].(float64) != wantG || (wantG > 0) != (m["gtpu_bytes"].(float64) > 0) {
				t.Errorf("session %v (%v): %v G-PDUs, %v bytes; want %v G-PDUs", m["session"], m["state"], m["gtpu_packets"], m["gtpu_bytes"], wantG)
			}
		case "node_pair":
			pairs++
			bt := m["messages_by_type"].(map[string]any)
			if int64(bt["2"].(float64)) != exp.Heartbeats || int64(bt["6"].(float64)) != exp.Associations ||
				m["unanswered"].(float64) != 0 {
				t.Errorf("node pair %v", l)
			}
			nodeRetrans += int64(m["retransmissions"].(float64))
		}
	}
	if states[StateDeleted] != exp.Deleted || states[StateRejected] != exp.Rejected || pairs != 1 {
		t.Errorf("states %v, %d node pairs; want %d deleted, %d rejected, 1 pair", states, pairs, exp.Deleted, exp.Rejected)
	}
	if retrans+nodeRetrans != exp.PFCPRetransmissions || exp.PFCPRetransmissions == 0 {
		t.Errorf("%d session and %d node retransmissions, generator made %d", retrans, nodeRetrans, exp.PFCPRetransmissions)
	}
}

// TestPendingBounds: an establishment request that is never answered holds
// the lines behind it only until MaxPending lines wait or Timeout passes.
func TestPendingBounds(t *testing.T) {
	// Three IPv4 sessions; the first establishment response is removed.
	all := generate(t, generators.PFCPScenario{Sessions: 3, NoAssociation: true, Rate: 1})
	dropped := false
	lost := filterPcap(t, all, func(data []byte) bool {
		if !dropped && len(data) > 43 && data[43] == 51 {
			dropped = true
			return false
		}
		return true
	})
	path := writeTemp(t, "lost.pcap", lost)
	for _, c := range []struct {
		name string
		opts Options
	}{
		{"max-pending", Options{Format: FormatJSON, MaxPending: 2}},
		{"timeout", Options{Format: FormatJSON, Timeout: 1}},
		{"end-of-input", Options{Format: FormatJSON}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := report(t, []string{path}, c.opts)
			var frames []float64
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				var m map[string]any
				if err := json.Unmarshal([]byte(l), &m); err != nil {
					t.Fatal(err)
				}
				frames = append(frames, m["frame"].(float64))
			}
			for i := 1; i < len(frames); i++ {
				if frames[i] <= frames[i-1] {
					t.Fatalf("lines out of capture order: %v", frames)
				}
			}
			if !strings.Contains(out, `"type":50,"type_name":"Session Establishment Request","seid":0`) ||
				!strings.Contains(out, `"session":null`) {
				t.Errorf("unanswered request not written with no session:\n%s", out)
			}
		})
	}
}

// TestNewErrors checks option validation.
func TestNewErrors(t *testing.T) {
	var b bytes.Buffer
	for _, c := range []struct {
		opts Options
		ok   bool
	}{
		{Options{Out: &b}, true},
		{Options{Out: &b, Format: "xml"}, false},
		{Options{}, false},
		{Options{Out: &b, MaxPending: -1}, false},
		{Options{Out: &b, Linger: -1}, false},
		{Options{Out: &b, Linger: time.Second, Timeout: time.Minute}, true},
	} {
		if _, err := New(c.opts); (err == nil) != c.ok {
			t.Errorf("New(%+v) error %v, want ok=%v", c.opts, err, c.ok)
		}
	}
}

// filterPcap keeps the records of a little-endian pcap file for which keep
// returns true.
func filterPcap(t *testing.T, b []byte, keep func(data []byte) bool) []byte {
	t.Helper()
	out := append([]byte(nil), b[:24]...)
	for p := 24; p < len(b); {
		n := int(binary.LittleEndian.Uint32(b[p+8:]))
		rec := b[p : p+16+n]
		if keep(rec[16:]) {
			out = append(out, rec...)
		}
		p += 16 + n
	}
	return out
}

// TestSessionsFragmentedGPDUs runs a scenario whose transport network MTU
// fragments the larger G-PDUs: every session still counts its G-PDUs once
// each, and their bytes are the frame lengths of every fragment, also when
// each datagram's first fragment comes last.
func TestSessionsFragmentedGPDUs(t *testing.T) {
	for _, c := range []struct{ v6, firstLast bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
		v6 := c.v6
		sc := generators.PFCPScenario{Sessions: 6, UserPlane: 16, IPv6: v6, MTU: 576, Seed: 5}
		path := filepath.Join(t.TempDir(), "frag.pcap")
		capture := generate(t, sc)
		if c.firstLast {
			capture = testcap.FirstFragmentsLast(t, capture)
		}
		if err := os.WriteFile(path, capture, 0o644); err != nil {
			t.Fatal(err)
		}
		// The G-PDU frames and the later fragments, as the decoder sees them.
		var wantBytes, fragments int64
		dec := decoders.NewDecoder(decoders.Options{})
		for _, f := range testcap.Read(t, path) {
			var d pipeline.Decoded
			dec.Decode(f.Data, f.LinkType, f.OrigLen, &d)
			switch {
			case d.Layers.Has(pipeline.LayerGTPU):
				wantBytes += int64(f.OrigLen)
			case d.Flags.Has(pipeline.FlagNonFirstFragment):
				wantBytes += int64(f.OrigLen)
				fragments++
			}
		}
		var pkts, byts int64
		for _, l := range strings.Split(strings.TrimSpace(report(t, []string{path}, Options{Sessions: true, Format: FormatJSON})), "\n") {
			var r struct {
				Kind  string `json:"kind"`
				Pkts  int64  `json:"gtpu_packets"`
				Bytes int64  `json:"gtpu_bytes"`
			}
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				t.Fatal(err)
			}
			pkts += r.Pkts
			byts += r.Bytes
		}
		if e := sc.Expect(); fragments == 0 || pkts != e.GPDUs || byts != wantBytes {
			t.Errorf("%+v: sessions count %d G-PDUs in %d bytes, want %d in %d (%d later fragments)", c, pkts, byts, e.GPDUs, wantBytes, fragments)
		}
	}
}
