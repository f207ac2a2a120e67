package seids

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
)

// jsonLines encodes v as the sessions table did before its hand-written
// encoder: json.Encoder with its defaults (HTML escaping on).
func jsonLines(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Strings and floats that exercise every escape and format rule.
var (
	jsonEdgeStrings = []string{"", "a", "10.0.0.1", "2001:db8::1", `q"uote`, `back\slash`, "<tag>&amp;", "\x00\x01\x1f\x7f",
		"\b\f\n\r\t", "caf\u00e9", "\u2028\u2029", "\xff\xfe", "ok\xc3", "\xe2\x80", "日本", "smf.example.org", "\U0001F600"}
	jsonEdgeFloats = []float64{0, 0.5, -0.5, 1, 1e21, 1e20, 1e-7, 1e-6, 9.99e-7, 123456.789, -1e21, math.MaxFloat64,
		math.SmallestNonzeroFloat64, 0.001, 528.123, 1e-9, 12345678901234567890}
)

func randString(r *rand.Rand) string {
	if r.IntN(2) == 0 {
		return jsonEdgeStrings[r.IntN(len(jsonEdgeStrings))]
	}
	b := make([]byte, r.IntN(12))
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	return string(b)
}

func randFloat(r *rand.Rand) float64 {
	switch r.IntN(3) {
	case 0:
		return jsonEdgeFloats[r.IntN(len(jsonEdgeFloats))]
	case 1:
		return float64(r.Int64N(1e12)-5e11) / 1e3
	}
	return math.Float64frombits(r.Uint64()&^(0x7ff<<52) | uint64(r.IntN(0x7fe))<<52) // finite
}

func randLatency(r *rand.Rand) *Latency {
	if r.IntN(4) == 0 {
		return nil
	}
	return &Latency{Min: randFloat(r), Median: randFloat(r), Max: randFloat(r)}
}

func randStrings(r *rand.Rand) []string {
	switch r.IntN(3) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	out := make([]string, 1+r.IntN(4))
	for i := range out {
		out[i] = randString(r)
	}
	return out
}

func randTypes(r *rand.Rand) typeCounts {
	var out typeCounts
	for typ := 1; typ < 256; typ += 1 + r.IntN(60) {
		out = append(out, typeCount{pfcp.MessageType(typ), r.IntN(1 << 20)})
	}
	return out
}

func randStrPtr(r *rand.Rand) *string {
	if r.IntN(2) == 0 {
		return nil
	}
	s := randString(r)
	return &s
}

func randSessionRow(r *rand.Rand) *SessionRow {
	u64 := func() uint64 {
		switch r.IntN(3) {
		case 0:
			return 0
		case 1:
			return math.MaxUint64 - uint64(r.IntN(3))
		}
		return r.Uint64()
	}
	row := &SessionRow{Kind: "session", Session: r.IntN(1 << 30), State: randString(r), File: randString(r),
		CPAddr: randString(r), UPAddr: randString(r), CPNode: randString(r), UPNode: randString(r),
		EstReq: u64(), EstResp: u64(), FirstFr: u64(), LastFr: u64(), DelResp: u64(),
		Estab: randString(r), Last: randString(r), Deleted: randString(r), Messages: r.IntN(1 << 40),
		ByType: randTypes(r), UEIPs: randStrings(r), Answered: r.IntN(1000), Latency: randLatency(r),
		Retrans: r.IntN(100) - 50, Unanswer: r.IntN(100), GTPUPackets: r.Int64() - r.Int64(), GTPUBytes: r.Int64()}
	if r.IntN(2) == 0 {
		v, w := u64(), u64()
		row.CPSEID, row.UPSEID = &v, &w
	}
	if r.IntN(2) == 0 {
		c := uint8(r.IntN(256))
		row.EstCause = &c
	}
	switch r.IntN(3) {
	case 0:
	case 1:
		row.FTEIDs = []FTEID{}
	default:
		for range 1 + r.IntN(5) {
			row.FTEIDs = append(row.FTEIDs, FTEID{TEID: r.Uint32(), IPv4: randStrPtr(r), IPv6: randStrPtr(r), Source: randString(r)})
		}
	}
	return row
}

func randPairRow(r *rand.Rand) *PairRow {
	return &PairRow{Kind: "node_pair", A: randString(r), B: randString(r), Nodes: randStrings(r), Messages: r.IntN(1 << 30),
		ByType: randTypes(r), AssocMsgs: r.IntN(10), Heartbeat: r.IntN(1 << 20), Requests: r.IntN(1000),
		Answered: r.IntN(1000), Retrans: r.IntN(10), Unanswer: r.IntN(10), Latency: randLatency(r),
		FirstFr: r.Uint64(), LastFr: r.Uint64()}
}

// TestSessionJSONMatchesEncoding: the hand-written encoder writes every
// row exactly as encoding/json does, on random rows and edge values (nil
// pointers and slices, empty slices, escapes, invalid UTF-8, floats in
// and out of exponent form, the largest SEIDs).
func TestSessionJSONMatchesEncoding(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	fixed := []*SessionRow{
		{},
		{Kind: "session", State: StateIncomplete, ByType: typeCounts{}, UEIPs: []string{}, FTEIDs: []FTEID{}},
		{Kind: "session", Latency: &Latency{Min: 0.5, Median: 1e21, Max: 1e-7}, CPSEID: new(uint64(math.MaxUint64))},
	}
	for i := range 3000 {
		row := randSessionRow(r)
		if i < len(fixed) {
			row = fixed[i]
		}
		got := append(appendSessionJSON(nil, row), '\n')
		if want := jsonLines(t, row); !bytes.Equal(got, want) {
			t.Fatalf("session row %d:\n got  %s want %s", i, got, want)
		}
		p := randPairRow(r)
		got = append(appendPairJSON(nil, p), '\n')
		if want := jsonLines(t, p); !bytes.Equal(got, want) {
			t.Fatalf("pair row %d:\n got  %s want %s", i, got, want)
		}
	}
}

// TestJSONFloat compares jsonFloat with encoding/json on edge values and
// random finite floats.
func TestJSONFloat(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	vals := append([]float64{}, jsonEdgeFloats...)
	for _, f := range jsonEdgeFloats {
		vals = append(vals, -f, math.Nextafter(f, 0), math.Nextafter(f, math.Inf(1)))
	}
	for range 20000 {
		vals = append(vals, randFloat(r))
	}
	for _, f := range vals {
		if math.IsInf(f, 0) {
			continue
		}
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := jsonFloat(nil, f); !bytes.Equal(got, want) {
			t.Fatalf("%v: got %s want %s", f, got, want)
		}
	}
}
