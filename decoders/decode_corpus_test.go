package decoders

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/internal/testcap"
	"github.com/pcapflow/pcapflow/pipeline"
)

// conv is an unordered conversation: endpoint a is the lower (address, port).
type conv struct {
	a, b   netip.Addr
	pa, pb uint16
}

type convCount struct {
	frames, bytes, framesAB, bytesAB int64
}

type convTable map[conv]convCount

// add counts one frame of wire length n from (src, sp) to (dst, dp).
func (t convTable) add(src netip.Addr, sp uint16, dst netip.Addr, dp uint16, n int64) {
	k := conv{a: src, pa: sp, b: dst, pb: dp}
	ab := true
	if c := dst.Compare(src); c < 0 || c == 0 && dp < sp {
		k = conv{a: dst, pa: dp, b: src, pb: sp}
		ab = false
	}
	v := t[k]
	v.frames++
	v.bytes += n
	if ab {
		v.framesAB++
		v.bytesAB += n
	}
	t[k] = v
}

// readConvCSV reads a truth conv_*.csv; withPorts says whether it has port columns.
func readConvCSV(tb testing.TB, path string, withPorts bool) convTable {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(bufio.NewReader(f)).ReadAll()
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	t := convTable{}
	for _, r := range rows[1:] {
		num := func(i int) int64 {
			n, err := strconv.ParseInt(r[i], 10, 64)
			if err != nil {
				tb.Fatalf("%s: %v", path, err)
			}
			return n
		}
		var k conv
		i := 0
		k.a = netip.MustParseAddr(r[i])
		i++
		if withPorts {
			k.pa = uint16(num(i))
			i++
		}
		k.b = netip.MustParseAddr(r[i])
		i++
		if withPorts {
			k.pb = uint16(num(i))
			i++
		}
		v := convCount{frames: num(i), bytes: num(i + 1), framesAB: num(i + 2), bytesAB: num(i + 3)}
		if c := k.b.Compare(k.a); c < 0 || c == 0 && k.pb < k.pa {
			k = conv{a: k.b, pa: k.pb, b: k.a, pb: k.pa}
			v.framesAB, v.bytesAB = num(i+4), num(i+5)
		}
		t[k] = v
	}
	return t
}

// corpusExpectation says how a capture's outer conversations compare with
// tshark's, and why when they may differ.
type corpusExpectation struct {
	// tunnelled: tshark also counts the headers inside GTP-U, so ours must
	// be a subset with counts no larger.
	tunnelled bool
	// reassembled: tshark attributes a fragmented datagram's TCP/UDP header
	// to the frame that completes its reassembly, once, however often the
	// fragments were captured, and never when a fragment is missing; we
	// count every first fragment. So TCP/UDP conversations are compared as
	// sets only (frame and byte counts differ by design).
	reassembled bool
}

// corpusExceptions lists every capture whose outer conversations cannot be
// compared exactly with the truth, with the reason.
var corpusExceptions = map[string]corpusExpectation{
	// GTP-U T-PDUs: the truth counts inner IP/TCP/UDP headers too.
	"gtp-open5gs-srsenb-s1-gtpu.pcapng":     {tunnelled: true},
	"gtpu-ndpi-vlan-inner-ipv6.pcap":        {tunnelled: true},
	"gtpu-pcapplusplus.pcap":                {tunnelled: true},
	"gtpu-zeek-gn-outer-fragmentation.pcap": {tunnelled: true, reassembled: true},
	"gtpv1c-zeek-pdp-context.pcapng":        {tunnelled: true},
	"pfcp-oai-spgwu-heartbeats.pcap":        {tunnelled: true},
	"pfcp-oai-vpp-upg-enterprise-ies.pcap":  {tunnelled: true},
	"pfcp-open5gs-5g-roaming-hr.pcapng":     {tunnelled: true},
	"pfcp-open5gs-epc-cups.pcapng":          {tunnelled: true},
	// Fragmented UDP datagrams, reassembled by tshark; 11 frames are
	// duplicates of earlier fragments (3 of them first fragments).
	"ip4-fragments-pcapplusplus.pcap": {reassembled: true},
	"ip6-fragments-pcapplusplus.pcap": {reassembled: true},
}

func TestDecodeCorpusConversations(t *testing.T) {
	for _, path := range corpus.Captures(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			frames := testcap.Read(t, path)
			got := map[string]convTable{"ip": {}, "ipv6": {}, "tcp": {}, "udp": {}}
			d := NewDecoder(Options{})
			var out pipeline.Decoded
			for _, f := range frames {
				d.Decode(f.Data, f.LinkType, f.OrigLen, &out)
				n := int64(f.OrigLen)
				ip := out.IP
				switch {
				case out.Layers.Has(pipeline.LayerIPv4):
					got["ip"].add(ip.Src, 0, ip.Dst, 0, n)
				case out.Layers.Has(pipeline.LayerIPv6):
					got["ipv6"].add(ip.Src, 0, ip.Dst, 0, n)
				}
				switch {
				case out.Layers.Has(pipeline.LayerTCP):
					got["tcp"].add(ip.Src, ip.SrcPort, ip.Dst, ip.DstPort, n)
				case out.Layers.Has(pipeline.LayerUDP):
					got["udp"].add(ip.Src, ip.SrcPort, ip.Dst, ip.DstPort, n)
				}
			}
			exp := corpusExceptions[name]
			for _, q := range []string{"ip", "ipv6", "tcp", "udp"} {
				p, ok := corpus.Truth(t, name, "conv_"+q+".csv")
				if !ok {
					t.Fatalf("no truth %s", p)
				}
				want := readConvCSV(t, p, q == "tcp" || q == "udp")
				switch {
				case exp.tunnelled:
					compareSubset(t, q, want, got[q], exp.reassembled && (q == "tcp" || q == "udp"))
				case exp.reassembled && (q == "tcp" || q == "udp"):
					compareKeys(t, q, want, got[q])
				default:
					compareExact(t, q, want, got[q])
				}
			}
		})
	}
}

func sortedKeys(m convTable) []conv {
	ks := make([]conv, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return fmt.Sprint(ks[i]) < fmt.Sprint(ks[j]) })
	return ks
}

// compareExact requires the same conversations with the same frame and byte
// counts in each direction.
func compareExact(t *testing.T, q string, want, got convTable) {
	t.Helper()
	for _, k := range sortedKeys(want) {
		if w, g := want[k], got[k]; w != g {
			t.Errorf("conv_%s %v: want %+v, got %+v", q, k, w, g)
		}
	}
	for _, k := range sortedKeys(got) {
		if _, ok := want[k]; !ok {
			t.Errorf("conv_%s %v: not in truth, got %+v", q, k, got[k])
		}
	}
}

// compareKeys requires the same set of conversations.
func compareKeys(t *testing.T, q string, want, got convTable) {
	t.Helper()
	for _, k := range sortedKeys(want) {
		if _, ok := got[k]; !ok {
			t.Errorf("conv_%s %v: in truth %+v, not seen", q, k, want[k])
		}
	}
	for _, k := range sortedKeys(got) {
		if _, ok := want[k]; !ok {
			t.Errorf("conv_%s %v: not in truth, got %+v", q, k, got[k])
		}
	}
}

// compareSubset requires every conversation we see to be in the truth with
// counts no larger (the truth also counts tunnelled headers). When keysOnly,
// counts are not compared (reassembly moves them, see corpusExpectation).
func compareSubset(t *testing.T, q string, want, got convTable, keysOnly bool) {
	t.Helper()
	for _, k := range sortedKeys(got) {
		g := got[k]
		w, ok := want[k]
		switch {
		case !ok:
			t.Errorf("conv_%s %v: not in truth, got %+v", q, k, g)
		case keysOnly:
		case g.frames > w.frames || g.framesAB > w.framesAB || g.frames-g.framesAB > w.frames-w.framesAB:
			t.Errorf("conv_%s %v: more frames than the truth: want ≤ %+v, got %+v", q, k, w, g)
		case g.bytes > w.bytes || g.bytesAB > w.bytesAB:
			t.Errorf("conv_%s %v: more bytes than the truth: want ≤ %+v, got %+v", q, k, w, g)
		}
	}
}

// TestReadCaptureCounts checks the frames the corpus tests decode against
// capinfos: a reader bug would make the conversation test meaningless.
func TestReadCaptureCounts(t *testing.T) {
	idx := filepath.Join(corpus.Dir(t), "truth", "INDEX.csv")
	f, err := os.Open(idx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	frames := map[string]int{}
	for _, r := range rows[1:] {
		n, _ := strconv.Atoi(r[2])
		frames[r[0]] = n
	}
	for _, path := range corpus.Captures(t) {
		name := filepath.Base(path)
		if got := len(testcap.Read(t, path)); got != frames[name] {
			t.Errorf("%s: read %d frames, capinfos says %d", name, got, frames[name])
		}
	}
}
