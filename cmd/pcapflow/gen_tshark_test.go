package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
)

// tsharkGoldenDir holds what tshark found in each generator's capture
// (scripts/gen-tshark-check.sh writes it).
const tsharkGoldenDir = "../../generators/testdata/tshark"

// tsharkGolden is one parsed NAME.golden.
type tsharkGolden struct {
	args      []string
	sha256    string
	frames    int
	checksums map[string][2]int // protocol -> good, bad frames
	expert    []tsharkExpert
	fields    []string       // field names
	rows      [][]string     // per frame, the values of fields
	protocols map[string]int // frame.protocols -> frames
	col       map[string]int // field name -> column
}

// tsharkExpert is one line of tshark's expert summary.
type tsharkExpert struct {
	severity, group, protocol string
	count                     int
	summary                   string
}

func (e tsharkExpert) String() string {
	return e.severity + " " + e.group + " " + e.protocol + " ×" + strconv.Itoa(e.count) + " " + e.summary
}

// intendedExpert is, per golden, the tshark warnings and notes the
// generator means to cause: allowed lists every warning or note tshark may
// report; required those it must report. Chats (tshark's informational
// "connection established" lines) are always allowed; errors never are.
var intendedExpert = map[string]struct{ allowed, required []string }{
	"synflood":                   {},
	"synflood-ipv6-vlan-options": {},
	"synflood-random":            {},
	"mix":                        {allowed: append([]string{tsReusedPorts}, tsClosing...)},
	"tcp-session":                {allowed: tsClosing, required: tsClosing},
	"tcp-session-ipv6-vlan":      {allowed: tsClosing, required: tsClosing},
	"http":                       {allowed: tsClosing, required: tsClosing},
	"tcp-session-loss": {
		allowed:  append([]string{tsRetransmission, tsDupACK, tsGap}, tsClosing...),
		required: []string{tsRetransmission, tsDupACK, tsGap},
	},
	"tcp-session-reorder": {
		allowed:  append([]string{tsOutOfOrder, tsDupACK, tsGap}, tsClosing...),
		required: []string{tsOutOfOrder, tsDupACK},
	},
	"tcp-session-delayed-ack": {
		allowed:  append([]string{tsRetransmission}, tsClosing...),
		required: []string{tsRetransmission},
	},
	"traceroute":          {allowed: []string{tsLowTTL}, required: []string{tsLowTTL}},
	"traceroute-udp":      {allowed: []string{tsLowTTL}, required: []string{tsLowTTL}},
	"traceroute-ipv6":     {},
	"pfcp":                {},
	"pfcp-user-plane-qfi": {},
	"pfcp-ipv6":           {},
	"gtpc":                {},
	"gtpc-ipv6":           {},
	"gtpc-gn":             {},
}

// Expert summaries (regular expressions over "severity protocol summary").
const (
	tsRetransmission = `^notes TCP This frame is a \(suspected\) retransmission$`
	tsDupACK         = `^notes TCP Duplicate ACK \(#\d+\)$`
	tsGap            = `^warns TCP Previous segment\(s\) not captured`
	tsOutOfOrder     = `^warns TCP This frame is a \(suspected\) out-of-order segment$`
	tsReusedPorts    = `^notes TCP A new tcp session is started with the same ports as an earlier session`
	tsLowTTL         = `^notes IPv4 "Time To Live" only [1-9]$`
)

// tsClosing are the notes of every orderly FIN teardown.
var tsClosing = []string{
	`^notes TCP This frame initiates the connection closing$`,
	`^notes TCP This frame undergoes the connection closing$`,
}

func readTsharkGolden(t *testing.T, path string) *tsharkGolden {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g := &tsharkGolden{checksums: map[string][2]int{}, protocols: map[string]int{}, col: map[string]int{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		v := strings.Split(text, "\t")
		bad := func() { t.Fatalf("%s:%d: malformed line %q", path, line, text) }
		atoi := func(s string) int {
			n, err := strconv.Atoi(s)
			if err != nil {
				bad()
			}
			return n
		}
		switch v[0] {
		case "args":
			g.args = strings.Fields(v[1])
		case "sha256":
			g.sha256 = v[1]
		case "frames":
			g.frames = atoi(v[1])
		case "checksum":
			if len(v) != 6 {
				bad()
			}
			g.checksums[v[1]] = [2]int{atoi(v[3]), atoi(v[5])}
		case "protocols":
			g.protocols[v[2]] = atoi(v[1])
		case "expert":
			if len(v) != 6 {
				bad()
			}
			g.expert = append(g.expert, tsharkExpert{v[1], v[2], v[3], atoi(v[4]), v[5]})
		case "fields":
			g.fields = v[1:]
			for i, name := range g.fields {
				g.col[name] = i
			}
		case "frame":
			if len(v)-1 != len(g.fields) {
				bad()
			}
			g.rows = append(g.rows, v[1:])
		default:
			bad()
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(g.args) == 0 || len(g.sha256) != 64 || len(g.rows) != g.frames || len(g.checksums) != 5 {
		t.Fatalf("%s: incomplete golden (args %q, sha256 %q, %d rows for %d frames, %d checksum lines)",
			path, g.args, g.sha256, len(g.rows), g.frames, len(g.checksums))
	}
	return g
}

// decodeCapture reads a capture and decodes every frame with pcapflow's
// own decoder.
func decodeCapture(t *testing.T, path string) (*pipeline.Batch, []pipeline.Decoded) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := input.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	b := pipeline.NewBatch(1<<14, 16<<20)
	for rd.ReadPacket(b, 0) == nil {
	}
	dec := decoders.NewDecoder(decoders.Options{})
	ds := make([]pipeline.Decoded, b.Len())
	for i := range b.Packets {
		dec.Decode(b.Data(i), b.Packets[i].LinkType, b.Packets[i].OrigLen, &ds[i])
	}
	return b, ds
}

// TestGenTsharkGoldens regenerates every capture tshark validated (see
// scripts/gen-tshark-check.sh) and checks that it is byte for byte the one
// tshark read, that tshark found no bad checksum and verified one on every
// frame carrying the protocol, that its expert notes are only the intended
// ones, and that tshark's per-frame fields equal pcapflow's decoding.
func TestGenTsharkGoldens(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(tsharkGoldenDir, "*.golden"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".golden")
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			intended, ok := intendedExpert[name]
			if !ok {
				t.Fatalf("no intended expert notes listed for %s: add it to intendedExpert", name)
			}
			g := readTsharkGolden(t, p)
			capture := genFile(t, t.TempDir(), name+".pcap", g.args...)
			raw, err := os.ReadFile(capture)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(raw)
			if got := hex.EncodeToString(sum[:]); got != g.sha256 {
				t.Fatalf("pcapflow gen %s: SHA-256 %s, tshark validated %s: the generator's output changed; "+
					"rerun scripts/gen-tshark-check.sh and review the golden diff", strings.Join(g.args, " "), got, g.sha256)
			}
			b, ds := decodeCapture(t, capture)
			if b.Len() != g.frames {
				t.Fatalf("pcapflow reads %d frames, tshark %d", b.Len(), g.frames)
			}
			checkTsharkChecksums(t, g, ds)
			checkTsharkExpert(t, g, intended.allowed, intended.required)
			for i := range ds {
				checkTsharkFrame(t, g, i, b.Data(i), &ds[i])
			}
		})
	}
	for name := range intendedExpert {
		if !seen[name] {
			t.Errorf("no golden %s.golden in %s: run scripts/gen-tshark-check.sh", name, tsharkGoldenDir)
		}
	}
}

// checkTsharkChecksums: no bad checksum anywhere, and a verified good one
// on every frame where pcapflow finds the protocol (outer or tunnelled).
func checkTsharkChecksums(t *testing.T, g *tsharkGolden, ds []pipeline.Decoded) {
	t.Helper()
	want := map[string]int{}
	for _, d := range ds {
		inner6 := d.Layers.Has(pipeline.LayerInnerIPv6)
		for proto, has := range map[string]bool{
			"ip":     d.Layers.Has(pipeline.LayerIPv4) || d.Layers.Has(pipeline.LayerInnerIPv4),
			"tcp":    d.Layers.Has(pipeline.LayerTCP) || d.Layers.Has(pipeline.LayerInnerTCP),
			"udp":    d.Layers.Has(pipeline.LayerUDP) || d.Layers.Has(pipeline.LayerInnerUDP),
			"icmp":   d.Layers.Has(pipeline.LayerICMPv4) || (d.Layers.Has(pipeline.LayerInnerICMP) && !inner6),
			"icmpv6": d.Layers.Has(pipeline.LayerICMPv6) || (d.Layers.Has(pipeline.LayerInnerICMP) && inner6),
		} {
			if has {
				want[proto]++
			}
		}
	}
	for _, proto := range []string{"ip", "tcp", "udp", "icmp", "icmpv6"} {
		c := g.checksums[proto]
		if c[1] != 0 {
			t.Errorf("tshark found %d frames with a bad %s checksum", c[1], proto)
		}
		if c[0] != want[proto] {
			t.Errorf("tshark verified a good %s checksum in %d frames; pcapflow finds %s in %d", proto, c[0], proto, want[proto])
		}
	}
}

// checkTsharkExpert: no errors, every warning and note intended, every
// required one present.
func checkTsharkExpert(t *testing.T, g *tsharkGolden, allowed, required []string) {
	t.Helper()
	match := func(pats []string, s string) int {
		for i, p := range pats {
			if regexp.MustCompile(p).MatchString(s) {
				return i
			}
		}
		return -1
	}
	found := make([]bool, len(required))
	for _, e := range g.expert {
		key := e.severity + " " + e.protocol + " " + e.summary
		switch e.severity {
		case "chats":
			continue
		case "warns", "notes":
			if match(allowed, key) < 0 {
				t.Errorf("unintended tshark expert info: %v", e)
			}
			if i := match(required, key); i >= 0 {
				found[i] = true
			}
		default:
			t.Errorf("tshark expert %s: %v", e.severity, e)
		}
	}
	for i, ok := range found {
		if !ok {
			t.Errorf("tshark did not report the intended %q", required[i])
		}
	}
}

// checkTsharkFrame compares tshark's fields of frame i with pcapflow's
// decoding. A field lists every occurrence (outer first), comma-separated.
func checkTsharkFrame(t *testing.T, g *tsharkGolden, i int, data []byte, d *pipeline.Decoded) {
	t.Helper()
	row := g.rows[i]
	all := func(name string) []string {
		v := row[g.col[name]]
		if v == "" {
			return nil
		}
		return strings.Split(v, ",")
	}
	fail := func(field string, tshark []string, pcapflow any) {
		t.Errorf("frame %d: tshark %s = %q, pcapflow %v", i+1, field, tshark, pcapflow)
	}
	num := func(field string, k int, want uint64) { // occurrence k (negative: from the end)
		v := all(field)
		if k < 0 {
			k += len(v)
		}
		if k < 0 || k >= len(v) {
			fail(field, v, want)
			return
		}
		n, err := strconv.ParseUint(v[k], 0, 64)
		if err != nil || n != want {
			fail(field, v, want)
		}
	}
	addr := func(field string, k int, want netip.Addr) {
		v := all(field)
		if k >= len(v) || netip.MustParseAddr(v[k]) != want {
			fail(field, v, want)
		}
	}
	if all("frame.number")[0] != strconv.Itoa(i+1) {
		t.Fatalf("row %d is tshark's frame %s", i+1, all("frame.number")[0])
	}
	num("frame.len", 0, uint64(len(data)))
	if d.NumVLAN > 0 {
		num("vlan.id", 0, uint64(d.VLAN[0]))
	} else if v := all("vlan.id"); v != nil {
		fail("vlan.id", v, "untagged")
	}
	l := d.Layers
	src, dst, ttl := "ip.src", "ip.dst", "ip.ttl"
	switch {
	case l.Has(pipeline.LayerIPv4):
		num("ip.proto", 0, uint64(d.IP.Proto))
	case l.Has(pipeline.LayerIPv6):
		src, dst, ttl = "ipv6.src", "ipv6.dst", "ipv6.hlim"
	default:
		t.Errorf("frame %d: pcapflow finds no IP header", i+1)
		return
	}
	addr(src, 0, d.IP.Src)
	addr(dst, 0, d.IP.Dst)
	num(ttl, 0, uint64(d.TTL))
	if l.Has(pipeline.LayerInnerIPv4) || l.Has(pipeline.LayerInnerIPv6) {
		isrc, idst, k := "ip.src", "ip.dst", 0
		if l.Has(pipeline.LayerInnerIPv6) {
			isrc, idst = "ipv6.src", "ipv6.dst"
		}
		if (l.Has(pipeline.LayerInnerIPv6)) == l.Has(pipeline.LayerIPv6) {
			k = 1 // same family as the outer header: the second occurrence
		}
		addr(isrc, k, d.Inner.Src)
		addr(idst, k, d.Inner.Dst)
	}
	if !d.Flags.Has(pipeline.FlagInICMPError) {
		if l.Has(pipeline.LayerTCP) {
			num("tcp.srcport", 0, uint64(d.IP.SrcPort))
			num("tcp.dstport", 0, uint64(d.IP.DstPort))
			num("tcp.flags", 0, uint64(d.TCPFlags))
			num("tcp.seq_raw", 0, uint64(d.TCPSeq))
			num("tcp.ack_raw", 0, uint64(d.TCPAck))
		}
		if l.Has(pipeline.LayerUDP) {
			num("udp.srcport", 0, uint64(d.IP.SrcPort))
			num("udp.dstport", 0, uint64(d.IP.DstPort))
		}
	}
	if l.Has(pipeline.LayerInnerTCP) {
		num("tcp.srcport", -1, uint64(d.Inner.SrcPort))
		num("tcp.dstport", -1, uint64(d.Inner.DstPort))
	}
	if l.Has(pipeline.LayerInnerUDP) {
		num("udp.srcport", -1, uint64(d.Inner.SrcPort))
		num("udp.dstport", -1, uint64(d.Inner.DstPort))
	}
	if l.Has(pipeline.LayerICMPv4) {
		num("icmp.type", 0, uint64(d.ICMPType))
	}
	if l.Has(pipeline.LayerICMPv6) {
		num("icmpv6.type", 0, uint64(d.ICMPType))
	}
	if l.Has(pipeline.LayerGTPU) {
		num("gtp.teid", 0, uint64(d.TEID))
		if d.QFI != 0 {
			num("gtp.ext_hdr.pdu_ses_con.qos_flow_id", 0, uint64(d.QFI))
		} else if v := all("gtp.ext_hdr.pdu_ses_con.qos_flow_id"); v != nil {
			fail("gtp.ext_hdr.pdu_ses_con.qos_flow_id", v, "no QFI")
		}
	}
	if l.Has(pipeline.LayerPFCP) {
		num("pfcp.msg_type", 0, uint64(d.PFCPType))
		num("pfcp.seqno", 0, uint64(d.PFCPSeq))
		if d.PFCPHasSEID {
			num("pfcp.seid", 0, d.PFCPSEID)
		}
	}
	if _, ok := g.col["gtpv2.message_type"]; ok {
		checkTsharkGTPC(t, g, i, data, d)
	}
}
