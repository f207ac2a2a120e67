package parquet

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
)

// runCapture writes the packets and flows tables of one capture with the
// project's own pipeline and returns the two tables read back.
func runCapture(t *testing.T, path string, mem memory.Allocator) (packets, flowsT arrow.Table) {
	t.Helper()
	dir := t.TempDir()
	src, err := input.NewSource([]string{path}, input.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inputs := &pipeline.Inputs{}
	sink, err := New(Options{Dir: dir, Inputs: inputs, Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	g := &pipeline.Graph{Source: src, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{})}, Sinks: []pipeline.Sink{sink}, Inputs: inputs, Workers: 2}
	if _, err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	packets, _ = readTable(t, filepath.Join(dir, "packets", "part-000000.parquet"))
	flowsT, _ = readTable(t, filepath.Join(dir, "flows", "part-000000.parquet"))
	return packets, flowsT
}

// convKey names a tshark conversation: endpoint A is the lower address
// (then port).
type convKey struct {
	proto      string
	a, b       string
	aPort, bPo string
}

type convTotals struct{ frames, bytes, fAB, bAB, fBA, bBA int64 }

func readConv(t *testing.T, path, proto string) map[convKey]convTotals {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[convKey]convTotals{}
	for _, r := range rows[1:] {
		n := func(i int) int64 { v, _ := strconv.ParseInt(r[i], 10, 64); return v }
		out[convKey{proto, r[0], r[2], r[1], r[3]}] = convTotals{n(4), n(5), n(6), n(7), n(8), n(9)}
	}
	return out
}

// flowConvs sums the flows table into tshark-style conversations.
func flowConvs(t *testing.T, ft arrow.Table) map[convKey]convTotals {
	out := map[convKey]convTotals{}
	get := func(name string) []arrow.Array { return column(t, ft, name) }
	oip, rip := get("orig_ip"), get("resp_ip")
	op, rp, pr := get("orig_port"), get("resp_port"), get("proto")
	opk, rpk, ofb, rfb := get("orig_pkts"), get("resp_pkts"), get("orig_frame_bytes"), get("resp_frame_bytes")
	for c := range oip {
		for i := 0; i < oip[c].Len(); i++ {
			var proto string
			switch pr[c].(*array.Uint8).Value(i) {
			case 6:
				proto = "tcp"
			case 17:
				proto = "udp"
			default:
				continue
			}
			a, b := oip[c].(*array.String).Value(i), rip[c].(*array.String).Value(i)
			ap, bp := op[c].(*array.Uint16).Value(i), rp[c].(*array.Uint16).Value(i)
			fa, fb := int64(opk[c].(*array.Uint64).Value(i)), int64(rpk[c].(*array.Uint64).Value(i))
			ba, bb := int64(ofb[c].(*array.Uint64).Value(i)), int64(rfb[c].(*array.Uint64).Value(i))
			if lessEndpoint(b, bp, a, ap) {
				a, b, ap, bp, fa, fb, ba, bb = b, a, bp, ap, fb, fa, bb, ba
			}
			k := convKey{proto, a, b, strconv.Itoa(int(ap)), strconv.Itoa(int(bp))}
			v := out[k]
			v.frames += fa + fb
			v.bytes += ba + bb
			v.fAB += fa
			v.bAB += ba
			v.fBA += fb
			v.bBA += bb
			out[k] = v
		}
	}
	return out
}

func lessEndpoint(a string, ap uint16, b string, bp uint16) bool {
	x, y := mustAddr(a), mustAddr(b)
	if c := x.Compare(y); c != 0 {
		return c < 0
	}
	return ap < bp
}

// tcpAnalysis reads tshark's frame counts per tcp.analysis flag.
func tcpAnalysis(t *testing.T, name string) (map[string]int64, bool) {
	p, ok := corpus.Truth(t, name, "tcp_analysis.txt")
	if !ok {
		return nil, false
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ",")
		if ok && !strings.HasPrefix(k, "#") {
			out[k], _ = strconv.ParseInt(v, 10, 64)
		}
	}
	return out, true
}

func sumU32(t *testing.T, ft arrow.Table, name string) int64 {
	var s int64
	for _, c := range column(t, ft, name) {
		for i := 0; i < c.Len(); i++ {
			s += int64(c.(*array.Uint32).Value(i))
		}
	}
	return s
}

func TestCorpus(t *testing.T) {
	for _, path := range corpus.Captures(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			pk, ft := runCapture(t, path, mem)
			defer mem.AssertSize(t, 0)
			defer pk.Release()
			defer ft.Release()

			ci, ok := corpus.Capinfos(t, name)
			n, first := ci.Packets, ci.First
			if !ok {
				t.Skip("no capinfos truth")
			}
			if pk.NumRows() != n {
				t.Errorf("packets rows = %d, capinfos says %d", pk.NumRows(), n)
			}
			if n > 0 && first >= 0 {
				// capinfos's "First packet time" is the earliest timestamp,
				// which is not the first frame's in files out of time order.
				ts := column(t, pk, "ts")
				earliest := int64(ts[0].(*array.Timestamp).Value(0))
				for _, c := range ts {
					for i := 0; i < c.Len(); i++ {
						earliest = min(earliest, int64(c.(*array.Timestamp).Value(i)))
					}
				}
				if earliest != first {
					t.Errorf("earliest ts = %d (%s), capinfos says %d", earliest, time.Unix(0, earliest).UTC(), first)
				}
			}
			// Every packet with a flow id, and every tunnelled packet with an
			// inner flow id, points at a row of the flows table.
			var flowPkts, withFlow int64
			for _, name := range []string{"orig_pkts", "resp_pkts"} {
				for _, c := range column(t, ft, name) {
					for i := 0; i < c.Len(); i++ {
						flowPkts += int64(c.(*array.Uint64).Value(i))
					}
				}
			}
			for _, col := range []string{"flow_id", "inner_flow_id"} {
				for _, c := range column(t, pk, col) {
					withFlow += int64(c.Len() - c.NullN())
				}
			}
			// A fragmented datagram is one packet of its flow: the
			// frames of its other fragments have its flow id too.
			extra, datagrams := fragExtra(t, path)
			if datagrams == 0 && flowPkts != withFlow {
				t.Errorf("flows hold %d packets, %d flow ids and inner flow ids are set", flowPkts, withFlow)
			} else if flowPkts > withFlow {
				t.Errorf("flows hold %d packets, more than the %d flow ids and inner flow ids set", flowPkts, withFlow)
			}

			got := flowConvs(t, ft)
			for _, proto := range []string{"tcp", "udp"} {
				p, ok := corpus.Truth(t, name, "conv_"+proto+".csv")
				if !ok {
					continue
				}
				for k, want := range readConv(t, p, proto) {
					// tshark counts a fragmented datagram's frame bytes at
					// the fragment completing it, the flows table those of
					// all its fragments.
					x := extra[k]
					want.bytes += x[0] + x[1]
					want.bAB += x[0]
					want.bBA += x[1]
					if g := got[k]; g != want {
						t.Errorf("%s conversation %v: got %+v, tshark %+v (fragment bytes added: %v)", proto, k, g, want, x)
					}
					delete(got, k)
				}
			}
			for k, g := range got {
				t.Errorf("flows have conversation %v (%+v) that tshark has not", k, g)
			}

			ta, ok := tcpAnalysis(t, name)
			if !ok {
				return
			}
			cmp := []struct{ col, flag string }{
				{"retransmissions", "tcp.analysis.retransmission"},
				{"fast_retransmissions", "tcp.analysis.fast_retransmission"},
				{"spurious_retransmissions", "tcp.analysis.spurious_retransmission"},
				{"dup_acks", "tcp.analysis.duplicate_ack"},
				{"out_of_order", "tcp.analysis.out_of_order"},
				{"zero_windows", "tcp.analysis.zero_window"},
				{"keep_alives", "tcp.analysis.keep_alive"},
			}
			var diffs []string
			for _, c := range cmp {
				if got, want := sumU32(t, ft, c.col), ta[c.flag]; got != want {
					diffs = append(diffs, fmt.Sprintf("%s=%d (tshark %d)", c.col, got, want))
				}
			}
			if len(diffs) > 0 {
				t.Errorf("tcp analysis differs: %s", strings.Join(diffs, ", "))
			}
		})
	}
}
