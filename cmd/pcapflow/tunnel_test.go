package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/pcapflow/pcapflow/internal/testcap"
	"github.com/pcapflow/pcapflow/pipeline"
)

// encapsulations wrap one generated Ethernet/IPv4 frame the way a tunnel,
// a mirroring session or a link encapsulation would carry it. tunnelled
// says whether the result is a tunnel (its traffic read as inner flows)
// rather than headers under the packet's own IP (MPLS, an Ethernet
// pseudowire over MPLS, PPPoE).
var encapsulations = []struct {
	name      string
	tunnelled bool
	wrap      func(frame []byte) []byte
}{
	{"vxlan", true, func(f []byte) []byte {
		return outerUDP(4789, append([]byte{0x08, 0, 0, 0, 0, 0, 42, 0}, f...))
	}},
	{"geneve", true, func(f []byte) []byte {
		return outerUDP(6081, append([]byte{0x01, 0, 0x65, 0x58, 0, 0, 42, 0, 1, 2, 3, 4}, f...))
	}},
	{"erspan2", true, func(f []byte) []byte {
		gre := []byte{0x10, 0, 0x88, 0xbe, 0, 0, 0, 1, 0x10, 0x64, 0, 0, 0, 0, 0, 1}
		return outerIP(47, append(gre, f...))
	}},
	{"gre", true, func(f []byte) []byte { return outerIP(47, append([]byte{0, 0, 0x08, 0}, ipOf(f)...)) }},
	{"ipip", true, func(f []byte) []byte { return outerIP(4, ipOf(f)) }},
	{"mpls-pw", false, func(f []byte) []byte {
		return slices.Concat(f[:12], []byte{0x88, 0x47, 0, 0x64, 0x01, 0x40, 0, 0, 0, 0}, f)
	}},
	{"mpls", false, func(f []byte) []byte {
		return slices.Concat(f[:12], []byte{0x88, 0x47, 0, 0x01, 0, 0x40, 0, 0x02, 0x01, 0x40}, ipOf(f))
	}},
	{"pppoe", false, func(f []byte) []byte {
		ip := ipOf(f)
		h := []byte{0x88, 0x64, 0x11, 0, 0x12, 0x34, byte((len(ip) + 2) >> 8), byte(len(ip) + 2), 0, 0x21}
		return slices.Concat(f[:12], h, ip)
	}},
}

// ipOf returns the IPv4 packet of an Ethernet frame, without padding.
func ipOf(f []byte) []byte { return f[14 : 14+int(binary.BigEndian.Uint16(f[16:]))] }

// outerIP puts payload in an IPv4 packet of protocol proto from 192.0.2.1
// to 192.0.2.2, in an Ethernet frame.
func outerIP(proto byte, payload []byte) []byte {
	ip := []byte{0x45, 0, 0, 0, 0, 1, 0, 0, 64, proto, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2}
	binary.BigEndian.PutUint16(ip[2:], uint16(20+len(payload)))
	eth := []byte{0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0}
	return slices.Concat(eth, ip, payload)
}

// outerUDP puts payload in a UDP datagram to port.
func outerUDP(port uint16, payload []byte) []byte {
	udp := []byte{0xc0, 0, byte(port >> 8), byte(port), 0, 0, 0, 0}
	binary.BigEndian.PutUint16(udp[4:], uint16(8+len(payload)))
	return outerIP(17, append(udp, payload...))
}

// wrapCapture writes every frame of capture in through wrap into a new
// capture, same timestamps.
func wrapCapture(t *testing.T, in, out string, wrap func([]byte) []byte) {
	t.Helper()
	o, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	w := pcapgo.NewWriterNanos(o)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	for _, f := range testcap.Read(t, in) {
		b := wrap(f.Data)
		ci := gopacket.CaptureInfo{Timestamp: time.Unix(0, f.Timestamp), CaptureLength: len(b), Length: len(b)}
		if err := w.WritePacket(ci, b); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTunnelledTrafficReadsAsPlain carries generated HTTP sessions (with
// loss and reordering) in each tunnel and encapsulation pcapflow decodes
// and checks that the traffic inside reads as it does bare: the same TCP
// streams byte for byte (follow), the same TCP analysis (stats), one file
// per inner connection with the same packets (split --by inner-5-tuple,
// or --by 5-tuple for MPLS and PPPoE), and the same flow records for the
// inner flows, each naming its tunnel as tunnel_parent (parquet). On the
// same wrapped captures, ../shared/tools/check_follow.py found tshark's
// 6 directed streams equal to pcapflow's in all eight, and check_split.py
// agreed on the MPLS, pseudowire and PPPoE ones.
func TestTunnelledTrafficReadsAsPlain(t *testing.T) {
	dir := t.TempDir()
	plain := genFile(t, dir, "plain.pcap", "tcp-session", "-n", "3", "--body", "6000", "--loss", "0.1", "--reorder", "0.1", "--seed", "11")
	want := readAsPlain(t, plain, "5-tuple", false)
	if len(want.streams) != 6 || want.tcp.Connections != 3 {
		t.Fatalf("the bare capture: %d streams, %d connections", len(want.streams), want.tcp.Connections)
	}
	for _, e := range encapsulations {
		t.Run(e.name, func(t *testing.T) {
			wrapped := filepath.Join(t.TempDir(), e.name+".pcap")
			wrapCapture(t, plain, wrapped, e.wrap)
			key := "5-tuple"
			if e.tunnelled {
				key = "inner-5-tuple"
			}
			got := readAsPlain(t, wrapped, key, e.tunnelled)
			if !reflect.DeepEqual(got.streams, want.streams) {
				t.Errorf("follow: %d streams differ from the bare capture's %d", len(got.streams), len(want.streams))
			}
			if got.tcp != want.tcp {
				t.Errorf("stats tcp: %+v, bare %+v", got.tcp, want.tcp)
			}
			if !slices.Equal(got.split, want.split) {
				t.Errorf("split --by %s packets per file %v, bare --by 5-tuple %v", key, got.split, want.split)
			}
			if !reflect.DeepEqual(got.flows, want.flows) {
				t.Errorf("flows:\n got  %v\n bare %v", got.flows, want.flows)
			}
		})
	}
}

// plainView is what TestTunnelledTrafficReadsAsPlain compares.
type plainView struct {
	streams map[string]string // follow --format raw: file name -> bytes
	tcp     tcpSummary        // stats: TCP connections and analysis
	split   []float64         // packets per flow file, sorted
	flows   []string          // flow records of the traffic, sorted
}

type tcpSummary struct {
	Connections, Retransmissions, FastRetransmissions, OutOfOrder, DupAcks int
}

func readAsPlain(t *testing.T, capture, key string, tunnelled bool) plainView {
	t.Helper()
	var v plainView
	out := filepath.Join(t.TempDir(), "follow")
	if code, _, stderr := runCLI(t, "follow", capture, "--format", "raw", "-o", out); code != 0 {
		t.Fatalf("follow: exit %d: %s", code, stderr)
	}
	ents, _ := os.ReadDir(out)
	v.streams = map[string]string{}
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(out, e.Name()))
		v.streams[e.Name()] = string(b)
	}

	code, stdout, stderr := runCLI(t, "stats", capture, "--json")
	if code != 0 {
		t.Fatalf("stats: exit %d: %s", code, stderr)
	}
	var st struct {
		Total struct {
			TCP struct {
				Connections         int `json:"connections"`
				Retransmissions     int `json:"retransmissions"`
				FastRetransmissions int `json:"fast_retransmissions"`
				OutOfOrder          int `json:"out_of_order"`
				DupAcks             int `json:"duplicate_acks"`
			} `json:"tcp"`
		} `json:"total"`
	}
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatalf("stats --json: %v", err)
	}
	v.tcp = tcpSummary(st.Total.TCP)

	_, manifest, _ := splitCapture(t, capture, key)
	for _, m := range manifest {
		if m.Kind != "other" {
			v.split = append(v.split, float64(m.Packets))
		}
	}
	slices.Sort(v.split)

	pq := filepath.Join(t.TempDir(), "pq")
	if code, _, stderr := runCLI(t, "parquet", capture, "-o", pq, "--tables", "flows"); code != 0 {
		t.Fatalf("parquet: exit %d: %s", code, stderr)
	}
	v.flows = flowRows(t, filepath.Join(pq, "flows", "part-000000.parquet"), tunnelled)
	return v
}

// flowRows returns the flows of a flows file as strings of the columns the
// traffic decides (not the ids, nor the frame bytes an encapsulation adds):
// the tunnelled flows only when tunnelled, each checked to name a parent.
func flowRows(t *testing.T, path string, tunnelled bool) []string {
	t.Helper()
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Release()
	cols := []string{"orig_ip", "orig_port", "resp_ip", "resp_port", "proto", "service", "orig_pkts", "resp_pkts",
		"orig_bytes", "resp_bytes", "orig_ip_bytes", "resp_ip_bytes", "conn_state", "history", "retransmissions",
		"out_of_order", "dup_acks"}
	value := func(name string, row int) string {
		idx := tab.Schema().FieldIndices(name)
		if len(idx) == 0 {
			t.Fatalf("no column %s", name)
		}
		for _, c := range tab.Column(idx[0]).Data().Chunks() {
			if row < c.Len() {
				if c.IsNull(row) {
					return "null"
				}
				return c.(interface{ ValueStr(int) string }).ValueStr(row)
			}
			row -= c.Len()
		}
		return ""
	}
	var rows []string
	for i := 0; i < int(tab.NumRows()); i++ {
		if p := value("tunnel_parent", i); (p != "null") != tunnelled {
			continue
		}
		var s string
		for _, c := range cols {
			s += c + "=" + value(c, i) + " "
		}
		rows = append(rows, s)
	}
	slices.Sort(rows)
	return rows
}

// TestDecapMirroredMobileCore mirrors generated PFCP sessions with their
// GTP-U user plane through VXLAN, ERSPAN II and GRE, as a cloud mirroring
// session or a switch would deliver N4 and N3 traffic to a probe, and reads
// them back with --decap: seids lists the same messages with the same
// sessions, split --by session files the same packets per session, and
// split --by inner-5-tuple the same subscriber flows, as on the bare
// capture. Without --decap the tunnel hides them.
func TestDecapMirroredMobileCore(t *testing.T) {
	dir := t.TempDir()
	plain := genFile(t, dir, "core.pcap", "pfcp", "-n", "4", "--user-plane", "3", "--seed", "2")
	seids := func(capture string, extra ...string) string {
		code, stdout, stderr := runCLI(t, append([]string{"seids", capture, "--json"}, extra...)...)
		if code != 0 {
			t.Fatalf("seids: exit %d: %s", code, stderr)
		}
		var rows []string
		for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("seids --json line %q: %v", l, err)
			}
			delete(m, "file")
			b, _ := json.Marshal(m)
			rows = append(rows, string(b))
		}
		return strings.Join(rows, "\n")
	}
	packetsPerFile := func(capture, key string, extra ...string) []int64 {
		out := filepath.Join(t.TempDir(), "split")
		args := append([]string{"split", capture, "--by", key, "-o", out, "--json"}, extra...)
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Fatalf("split --by %s: exit %d: %s", key, code, stderr)
		}
		var n []int64
		for _, f := range readManifest(t, out) {
			if f.Kind != "other" {
				n = append(n, f.Packets)
			}
		}
		slices.Sort(n)
		return n
	}
	wantSeids := seids(plain)
	wantSessions := packetsPerFile(plain, "session")
	wantInner := packetsPerFile(plain, "inner-5-tuple")
	if strings.Count(wantSeids, "\n") < 10 || len(wantSessions) != 4 || len(wantInner) == 0 {
		t.Fatalf("bare capture: %d messages, %d sessions, %d inner flows", strings.Count(wantSeids, "\n")+1, len(wantSessions), len(wantInner))
	}
	for _, e := range encapsulations {
		if e.name != "vxlan" && e.name != "erspan2" && e.name != "gre" {
			continue
		}
		t.Run(e.name, func(t *testing.T) {
			mirrored := filepath.Join(t.TempDir(), e.name+".pcap")
			wrapCapture(t, plain, mirrored, e.wrap)
			if got := seids(mirrored, "--decap"); got != wantSeids {
				t.Errorf("seids --decap differs from the bare capture's:\n%s\nwant\n%s", got, wantSeids)
			}
			if got := packetsPerFile(mirrored, "session", "--decap"); !slices.Equal(got, wantSessions) {
				t.Errorf("split --by session --decap: %v, bare %v", got, wantSessions)
			}
			if got := packetsPerFile(mirrored, "inner-5-tuple", "--decap"); !slices.Equal(got, wantInner) {
				t.Errorf("split --by inner-5-tuple --decap: %v, bare %v", got, wantInner)
			}
			if got := packetsPerFile(mirrored, "session"); len(got) != 0 {
				t.Errorf("without --decap the tunnel should hide the sessions: %v", got)
			}
		})
	}
}

// TestLiveStagesDecap: capture --decap builds a decode stage that strips
// the tunnels of mirrored frames, as the offline commands' --decap does.
func TestLiveStagesDecap(t *testing.T) {
	frame := encapsulations[0].wrap(testcap.Read(t, genFile(t, t.TempDir(), "s.pcap", "tcp-session", "-n", "1"))[0].Data)
	for _, decap := range []bool{false, true} {
		stages, _, err := liveStages("-f", "", decap)
		if err != nil {
			t.Fatal(err)
		}
		b := pipeline.NewBatch(4, 4096)
		b.AddCopy(pipeline.CaptureInfo{CapLen: uint32(len(frame)), OrigLen: uint32(len(frame)), LinkType: 1}, frame)
		if err := stages[0].NewProcessor().Process(b); err != nil {
			t.Fatal(err)
		}
		d := &b.Packets[0].Decoded
		if d.Layers.Has(pipeline.LayerDecapsulated) != decap || decap && d.IP.Proto != 6 || !decap && !d.Layers.Has(pipeline.LayerVXLAN) {
			t.Errorf("decap %v: layers %b, proto %d", decap, d.Layers, d.IP.Proto)
		}
	}
}

// TestSplitByTunnel mirrors one generated capture into three sessions
// (frames in turn: VXLAN VNI 42, VXLAN VNI 7, ERSPAN II session 0x3cd) and
// splits it by tunnel: one file per session, each with its frames.
func TestSplitByTunnel(t *testing.T) {
	dir := t.TempDir()
	plain := genFile(t, dir, "plain.pcap", "tcp-session", "-n", "2", "--seed", "3")
	n := 0
	wraps := []func([]byte) []byte{
		func(f []byte) []byte { return outerUDP(4789, append([]byte{0x08, 0, 0, 0, 0, 0, 42, 0}, f...)) },
		func(f []byte) []byte { return outerUDP(4789, append([]byte{0x08, 0, 0, 0, 0, 0, 7, 0}, f...)) },
		func(f []byte) []byte {
			gre := []byte{0x10, 0, 0x88, 0xbe, 0, 0, 0, 1, 0x10, 0x64, 0x0b, 0xcd, 0, 0, 0, 1}
			return outerIP(47, append(gre, f...))
		},
	}
	mirrored := filepath.Join(dir, "mirrored.pcap")
	wrapCapture(t, plain, mirrored, func(f []byte) []byte {
		n++
		return wraps[(n-1)%3](f)
	})
	out := filepath.Join(dir, "split")
	if code, _, stderr := runCLI(t, "split", mirrored, "--by", "tunnel", "-o", out); code != 0 {
		t.Fatalf("split --by tunnel: exit %d\n%s", code, stderr)
	}
	got := map[string]int64{}
	for _, f := range readManifest(t, out) {
		got[f.Key] = f.Packets
	}
	want := map[string]int64{"vxlan vni 42": int64((n + 2) / 3), "vxlan vni 7": int64((n + 1) / 3), "erspan session 973": int64(n / 3)}
	if len(got) != len(want) {
		t.Errorf("files %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d packets, want %d (files %v)", k, got[k], v, got)
		}
	}
}
