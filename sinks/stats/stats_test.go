package stats

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
)

func TestProtoPath(t *testing.T) {
	const (
		eth  = pipeline.LayerEthernet
		ip4  = pipeline.LayerIPv4
		ip6  = pipeline.LayerIPv6
		udp  = pipeline.LayerUDP
		tcp  = pipeline.LayerTCP
		gtpu = pipeline.LayerGTPU
	)
	flow := func(sp, dp uint16) pipeline.Flow { return pipeline.Flow{SrcPort: sp, DstPort: dp} }
	for _, tc := range []struct {
		name string
		d    pipeline.Decoded
		want string
	}{
		{"dns query", pipeline.Decoded{Layers: eth | ip4 | udp, IP: flow(40000, 53), PayloadLen: 30}, "eth:ipv4:udp:dns"},
		{"empty udp is not dns", pipeline.Decoded{Layers: eth | ip4 | udp, IP: flow(40000, 53)}, "eth:ipv4:udp"},
		{"qinq http", pipeline.Decoded{Layers: eth | pipeline.LayerVLAN | ip4 | tcp, NumVLAN: 2, IP: flow(80, 5555), PayloadLen: 100}, "eth:vlan:vlan:ipv4:tcp:http"},
		{"three tags keep two", pipeline.Decoded{Layers: eth | ip6 | tcp, NumVLAN: 3, IP: flow(1, 2)}, "eth:vlan:vlan:ipv6:tcp"},
		{"gtp-u inner tcp", pipeline.Decoded{Layers: pipeline.LayerLinuxSLL | ip4 | udp | gtpu | pipeline.LayerInnerIPv6 | pipeline.LayerInnerTCP}, "sll:ipv4:udp:gtp-u:ipv6:tcp"},
		{"gtp-u echo", pipeline.Decoded{Layers: eth | ip4 | udp | gtpu}, "eth:ipv4:udp:gtp-u"},
		{"pfcp", pipeline.Decoded{Layers: pipeline.LayerLinuxSLL2 | ip4 | udp | pipeline.LayerPFCP}, "sll2:ipv4:udp:pfcp"},
		{"gtp-c", pipeline.Decoded{Layers: eth | ip6 | udp | pipeline.LayerGTPC}, "eth:ipv6:udp:gtp-c"},
		{"fragment", pipeline.Decoded{Layers: eth | ip4 | pipeline.LayerFragment, Flags: pipeline.FlagNonFirstFragment}, "eth:ipv4:fragment"},
		{"arp", pipeline.Decoded{Layers: eth | pipeline.LayerARP, EtherType: 0x806}, "eth:arp"},
		{"lldp", pipeline.Decoded{Layers: eth, EtherType: 0x88cc}, "eth:non-ip"},
		{"raw icmpv6", pipeline.Decoded{Layers: ip6 | pipeline.LayerICMPv6}, "raw:ipv6:icmpv6"},
		{"raw garbage", pipeline.Decoded{Flags: pipeline.FlagMalformed}, "raw"},
		{"null gre", pipeline.Decoded{Layers: pipeline.LayerLoopback | ip4}, "null:ipv4:other"},
		{"unknown link", pipeline.Decoded{Flags: pipeline.FlagUnknownLink}, "unknown-link"},
		{"tls", pipeline.Decoded{Layers: eth | ip4 | tcp, IP: flow(51000, 443), PayloadLen: 1}, "eth:ipv4:tcp:tls"},
		{"quic", pipeline.Decoded{Layers: eth | ip4 | udp, IP: flow(443, 51000), PayloadLen: 1}, "eth:ipv4:udp:quic"},
		{"mpls", pipeline.Decoded{Layers: eth | pipeline.LayerMPLS | ip4 | tcp, IP: flow(1, 2)}, "eth:mpls:ipv4:tcp"},
		{"mpls ach", pipeline.Decoded{Layers: eth | pipeline.LayerMPLS, EtherType: 0x8847}, "eth:mpls:non-ip"},
		{"vlan mpls pseudowire qinq", pipeline.Decoded{Layers: eth | pipeline.LayerVLAN | pipeline.LayerMPLS | pipeline.LayerPWEthernet | ip6 | udp,
			NumVLAN: 3, PWVLANs: 2, IP: flow(1, 2)}, "eth:vlan:mpls:eth:vlan:vlan:ipv6:udp"},
		{"vxlan", pipeline.Decoded{Layers: eth | ip4 | udp | pipeline.LayerVXLAN | pipeline.LayerInnerEthernet | pipeline.LayerInnerIPv4 | pipeline.LayerInnerTCP, IP: flow(5, 4789)}, "eth:ipv4:udp:vxlan:eth:ipv4:tcp"},
		{"geneve ip", pipeline.Decoded{Layers: eth | ip4 | udp | pipeline.LayerGeneve | pipeline.LayerInnerIPv6 | pipeline.LayerInnerUDP, IP: flow(5, 6081)}, "eth:ipv4:udp:geneve:ipv6:udp"},
		{"erspan", pipeline.Decoded{Layers: eth | ip4 | pipeline.LayerGRE | pipeline.LayerInnerEthernet | pipeline.LayerInnerIPv4 | pipeline.LayerInnerICMP}, "eth:ipv4:gre:eth:ipv4:icmp"},
		{"gre pptp", pipeline.Decoded{Layers: eth | ip4 | pipeline.LayerGRE}, "eth:ipv4:gre"},
		{"6in4", pipeline.Decoded{Layers: eth | ip4 | pipeline.LayerIPinIP | pipeline.LayerInnerIPv6 | pipeline.LayerInnerTCP}, "eth:ipv4:ipv6:tcp"},
		{"pppoe", pipeline.Decoded{Layers: eth | pipeline.LayerPPPoE | ip4 | udp, IP: flow(1, 2)}, "eth:pppoes:ppp:ipv4:udp"},
		{"pppoe lcp", pipeline.Decoded{Layers: eth | pipeline.LayerPPPoE, EtherType: 0x8864}, "eth:pppoes:ppp:non-ip"},
		{"mdns both ports", pipeline.Decoded{Layers: eth | ip4 | udp, IP: flow(5353, 5353), PayloadLen: 1}, "eth:ipv4:udp:mdns"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := protoPath(&tc.d, 1).String(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestProtoPathLinks: on PPP, Cisco HDLC and NFLOG captures the link node
// comes from the link type.
func TestProtoPathLinks(t *testing.T) {
	ip4tcp := pipeline.LayerIPv4 | pipeline.LayerTCP
	for _, tc := range []struct {
		link uint16
		d    pipeline.Decoded
		want string
	}{
		{9, pipeline.Decoded{Layers: ip4tcp}, "ppp:ipv4:tcp"},
		{9, pipeline.Decoded{}, "ppp:non-ip"},
		{50, pipeline.Decoded{Layers: pipeline.LayerIPv6}, "ppp:ipv6:other"},
		{50, pipeline.Decoded{Layers: ip4tcp, EtherType: 0x0800}, "chdlc:ipv4:tcp"},
		{104, pipeline.Decoded{Layers: pipeline.LayerMPLS | ip4tcp, EtherType: 0x8847}, "chdlc:mpls:ipv4:tcp"},
		{51, pipeline.Decoded{Layers: pipeline.LayerPPPoE | ip4tcp}, "pppoes:ppp:ipv4:tcp"},
		{51, pipeline.Decoded{Flags: pipeline.FlagTruncated}, "pppoes:non-ip"},
		{239, pipeline.Decoded{Layers: ip4tcp, EtherType: 0x0800}, "nflog:ipv4:tcp"},
		{1, pipeline.Decoded{Layers: pipeline.LayerDecapsulated | pipeline.LayerEthernet | pipeline.LayerIPv4 | pipeline.LayerUDP | pipeline.LayerPFCP}, "decap:eth:ipv4:udp:pfcp"},
		{1, pipeline.Decoded{Layers: pipeline.LayerDecapsulated | ip4tcp}, "decap:ipv4:tcp"},
	} {
		if got := protoPath(&tc.d, tc.link).String(); got != tc.want {
			t.Errorf("link %d %+v: %q, want %q", tc.link, tc.d.Layers, got, tc.want)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		ns     int64
		digits uint8
		time   string
		secs   string
	}{
		{1670723461906315209, 9, "2022-12-11 01:51:01.906315209", "1670723461.906315209"},
		{1103139821634774000, 6, "2004-12-15 19:43:41.634774", "1103139821.634774"},
		{1500000000, 0, "1970-01-01 00:00:01", "1"},
		{-1500000000, 3, "1969-12-31 23:59:58.500", "-1.500"},
	} {
		if got := FormatTime(tc.ns, tc.digits); got != tc.time {
			t.Errorf("FormatTime(%d, %d) = %q, want %q", tc.ns, tc.digits, got, tc.time)
		}
		if got := FormatSeconds(tc.ns, tc.digits); got != tc.secs {
			t.Errorf("FormatSeconds(%d, %d) = %q, want %q", tc.ns, tc.digits, got, tc.secs)
		}
	}
}

// TestConversationsAndTalkers feeds hand-made packets of two inputs and
// checks the merged conversations, talkers and per-file counts.
func TestConversationsAndTalkers(t *testing.T) {
	inputs := &pipeline.Inputs{}
	inputs.Add(&pipeline.Input{Name: "a"})
	inputs.Add(&pipeline.Input{Name: "b"})
	s, err := New(Options{Inputs: inputs, Top: 2})
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("10.0.0.3")
	batch := pipeline.NewBatch(16, 4096)
	add := func(in pipeline.InputID, ts int64, src, dst netip.Addr, sp, dp uint16, n int) {
		batch.AddCopy(pipeline.CaptureInfo{Input: in, Timestamp: ts, OrigLen: uint32(n), LinkType: 1, TsDigits: 6}, make([]byte, n))
		p := &batch.Packets[len(batch.Packets)-1]
		p.Decoded = pipeline.Decoded{Layers: pipeline.LayerEthernet | pipeline.LayerIPv4 | pipeline.LayerUDP,
			EtherType: 0x800, IP: pipeline.Flow{Src: src, Dst: dst, SrcPort: sp, DstPort: dp, Proto: 17}}
	}
	add(0, 1e9, b, a, 53, 4000, 100) // reply first: a is still the lower end
	add(0, 2e9, a, b, 4000, 53, 60)
	add(1, 5e9, a, b, 4000, 53, 70) // the same tuple in the next file
	add(1, 6e9, c, a, 9, 9, 1000)
	if err := s.Consume(t.Context(), batch); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(false); err != nil {
		t.Fatal(err)
	}
	r := s.Report()
	want := []Conversation{
		{Proto: 17, A: "10.0.0.1", APort: 9, B: "10.0.0.3", BPort: 9, Packets: 1, Bytes: 1000, First: 6e9, Last: 6e9},
		{Proto: 17, A: "10.0.0.1", APort: 4000, B: "10.0.0.2", BPort: 53, Packets: 3, Bytes: 230, PacketsAB: 2, BytesAB: 130, First: 1e9, Last: 5e9},
	}
	if len(r.Conversations) != 2 || r.Conversations[0] != want[0] || r.Conversations[1] != want[1] {
		t.Errorf("conversations\n got %+v\nwant %+v", r.Conversations, want)
	}
	wantT := []Talker{{"10.0.0.1", 4, 1230}, {"10.0.0.3", 1, 1000}}
	if len(r.Talkers) != 2 || r.Talkers[0] != wantT[0] || r.Talkers[1] != wantT[1] {
		t.Errorf("talkers %+v, want %+v", r.Talkers, wantT)
	}
	if r.Files[0].Packets != 2 || r.Files[1].Packets != 2 || r.Total.Packets != 4 || r.Total.Conversations != 2 || r.Files[1].Conversations != 2 {
		t.Errorf("files %+v / %+v, total %+v", r.Files[0], r.Files[1], r.Total)
	}
	if r.Total.FirstTime != "1970-01-01 00:00:01.000000" || r.Total.Duration != "5.000000" || r.Total.ByteRate != 1230.0/5 {
		t.Errorf("total times %q %q rate %v", r.Total.FirstTime, r.Total.Duration, r.Total.ByteRate)
	}
}

// TestObserveAllocs proves the per-packet path allocates nothing once the
// flows and protocol paths of a capture are known.
func TestObserveAllocs(t *testing.T) {
	path := filepath.Join(corpus.Dir(t), "gtp-open5gs-srsenb-s1-gtpu.pcapng")
	b := decodedBatch(t, path)
	a := newAcc()
	for i := range b.Packets {
		a.observe(&b.Packets[i], b.Data(i))
	}
	// Replay with timestamps moved past no timeout: only lookups remain.
	allocs := testing.AllocsPerRun(20, func() {
		for i := range b.Packets {
			a.observe(&b.Packets[i], b.Data(i))
		}
	})
	if per := allocs / float64(len(b.Packets)); per > 0.01 {
		t.Errorf("%.0f allocations per replay of %d packets", allocs, len(b.Packets))
	}
}

// decodedBatch reads a capture into one decoded batch.
func decodedBatch(t testing.TB, path string) *pipeline.Batch {
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
	b := pipeline.NewBatch(1<<16, 16<<20)
	for rd.ReadPacket(b, 0) == nil {
	}
	dec := decodersStage().NewProcessor()
	if err := dec.Process(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func BenchmarkObserve(b *testing.B) {
	batch := decodedBatch(b, filepath.Join(corpus.Dir(b), "gtp-open5gs-srsenb-s1-gtpu.pcapng"))
	a := newAcc()
	b.ReportAllocs()
	for b.Loop() {
		for i := range batch.Packets {
			a.observe(&batch.Packets[i], batch.Data(i))
		}
	}
	b.ReportMetric(float64(b.N*len(batch.Packets))/b.Elapsed().Seconds(), "packets/s")
}
