package flowkey

import (
	"net/netip"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/pipeline"
)

const (
	fin = pipeline.TCPFin
	syn = pipeline.TCPSyn
	rst = pipeline.TCPRst
	ack = pipeline.TCPAck
)

// pkt describes a hand-built decoded packet.
type pkt struct {
	src, dst     string
	sport, dport uint16
	proto        uint8
	flags        uint16
	seq          uint32
	ts           time.Duration
	ipid         uint32
	fragOff      uint16
	mf           bool
	noIP         bool
	vlan         []uint16
	ethSrc       byte
	ethDst       byte
	eth          bool
	caplen       uint32
}

func (x pkt) packet() pipeline.Packet {
	var p pipeline.Packet
	p.Timestamp = int64(x.ts)
	p.CapLen = x.caplen
	if p.CapLen == 0 {
		p.CapLen = 60
	}
	p.OrigLen = p.CapLen
	d := &p.Decoded
	if x.eth {
		d.Layers |= pipeline.LayerEthernet
		d.EthSrc = [6]byte{0, 0x11, 0x22, 0, 0, x.ethSrc}
		d.EthDst = [6]byte{0, 0x11, 0x22, 0, 0, x.ethDst}
	}
	for i, v := range x.vlan {
		if i < 2 {
			d.VLAN[i] = v
		}
		d.NumVLAN++
		d.Layers |= pipeline.LayerVLAN
	}
	if x.noIP {
		d.Layers |= pipeline.LayerARP
		return p
	}
	src, dst := netip.MustParseAddr(x.src), netip.MustParseAddr(x.dst)
	if src.Is4() {
		d.Layers |= pipeline.LayerIPv4
	} else {
		d.Layers |= pipeline.LayerIPv6
	}
	proto := x.proto
	if proto == 0 {
		proto = 6
	}
	d.IP = pipeline.Flow{Src: src, Dst: dst, Proto: proto}
	d.IPID = x.ipid
	d.FragOffset = x.fragOff
	d.MoreFragments = x.mf
	if x.mf || x.fragOff > 0 {
		d.Layers |= pipeline.LayerFragment
	}
	if x.fragOff > 0 {
		d.Flags |= pipeline.FlagNonFirstFragment
		return p
	}
	d.IP.SrcPort, d.IP.DstPort = x.sport, x.dport
	switch proto {
	case 6:
		d.Layers |= pipeline.LayerTCP
		d.TCPFlags = x.flags
		d.TCPSeq = x.seq
	case 17:
		d.Layers |= pipeline.LayerUDP
	case 1:
		d.Layers |= pipeline.LayerICMPv4
		d.IP.SrcPort, d.IP.DstPort = 0, 0
	}
	return p
}

// names runs the packets through a Keyer and returns each key's FileName
// ("other" when there is none).
func names(t *testing.T, spec Spec, pkts []pkt) []string {
	t.Helper()
	k := NewKeyer(spec)
	out := make([]string, len(pkts))
	for i, x := range pkts {
		p := x.packet()
		key, ok := k.Key(&p)
		if !ok {
			out[i] = "other"
			continue
		}
		if key.Kind() != spec.Kind {
			t.Fatalf("packet %d: key kind %v, want %v", i, key.Kind(), spec.Kind)
		}
		out[i] = key.FileName()
	}
	return out
}

func TestKeyerKinds(t *testing.T) {
	a, b := "10.0.0.2", "10.0.0.1"
	v6a, v6b := "2001:db8::2", "2001:db8::1"
	mixed := []pkt{
		{src: a, dst: b, sport: 40000, dport: 80, flags: syn, seq: 1},       // client a -> server b:80
		{src: b, dst: a, sport: 80, dport: 40000, flags: syn | ack, seq: 7}, // reply
		{src: a, dst: b, sport: 53000, dport: 53, proto: 17},                // udp
		{src: b, dst: a, proto: 1},                                          // icmp b -> a
		{noIP: true, eth: true, ethSrc: 2, ethDst: 1},                       // arp
		{src: v6a, dst: v6b, sport: 443, dport: 50000, proto: 17},           // udp v6, server a
		{src: a, dst: b, sport: 80, dport: 40000, flags: ack, seq: 9, vlan: []uint16{100, 7}, eth: true, ethSrc: 1, ethDst: 2},
	}
	tests := []struct {
		spec string
		want []string
	}{
		{"ip-pair", []string{"10.0.0.1_10.0.0.2", "10.0.0.1_10.0.0.2", "10.0.0.1_10.0.0.2", "10.0.0.1_10.0.0.2", "other", "2001-db8--1_2001-db8--2", "10.0.0.1_10.0.0.2"}},
		{"3-tuple", []string{"tcp_10.0.0.1_10.0.0.2", "tcp_10.0.0.1_10.0.0.2", "udp_10.0.0.1_10.0.0.2", "icmp_10.0.0.1_10.0.0.2", "other", "udp_2001-db8--1_2001-db8--2", "tcp_10.0.0.1_10.0.0.2"}},
		{"5-tuple", []string{"tcp_10.0.0.1_80_10.0.0.2_40000", "tcp_10.0.0.1_80_10.0.0.2_40000", "udp_10.0.0.1_53_10.0.0.2_53000", "icmp_10.0.0.1_0_10.0.0.2_0", "other", "udp_2001-db8--1_50000_2001-db8--2_443", "tcp_10.0.0.1_40000_10.0.0.2_80"}},
		{"5-tuple-dir", []string{"tcp_10.0.0.2_40000_to_10.0.0.1_80", "tcp_10.0.0.1_80_to_10.0.0.2_40000", "udp_10.0.0.2_53000_to_10.0.0.1_53", "icmp_10.0.0.1_0_to_10.0.0.2_0", "other", "udp_2001-db8--2_443_to_2001-db8--1_50000", "tcp_10.0.0.2_80_to_10.0.0.1_40000"}},
		{"src-ip", []string{"src_10.0.0.2", "src_10.0.0.1", "src_10.0.0.2", "src_10.0.0.1", "other", "src_2001-db8--2", "src_10.0.0.2"}},
		{"dst-ip", []string{"dst_10.0.0.1", "dst_10.0.0.2", "dst_10.0.0.1", "dst_10.0.0.2", "other", "dst_2001-db8--1", "dst_10.0.0.1"}},
		// Last packet: a new tuple (ports swapped) with no SYN: the higher port (40000, at b) is the client.
		{"client-ip", []string{"client_10.0.0.2", "client_10.0.0.2", "client_10.0.0.2", "client_10.0.0.1", "other", "client_2001-db8--1", "client_10.0.0.1"}},
		{"server-ip", []string{"server_10.0.0.1", "server_10.0.0.1", "server_10.0.0.1", "server_10.0.0.2", "other", "server_2001-db8--2", "server_10.0.0.2"}},
		{"server-port", []string{"server_tcp_80", "server_tcp_80", "server_udp_53", "other", "other", "server_udp_443", "server_tcp_80"}},
		{"client-port", []string{"client_tcp_40000", "client_tcp_40000", "client_udp_53000", "other", "other", "client_udp_50000", "client_tcp_40000"}},
		{"vlan", []string{"other", "other", "other", "other", "other", "other", "vlan_100"}},
		{"mac-pair", []string{"other", "other", "other", "other", "00-11-22-00-00-01_00-11-22-00-00-02", "other", "00-11-22-00-00-01_00-11-22-00-00-02"}},
		{"count:3", []string{"chunk-000001", "chunk-000001", "chunk-000001", "chunk-000002", "chunk-000002", "chunk-000002", "chunk-000003"}},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			spec, err := ParseSpec(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			got := names(t, spec, mixed)
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("packet %d: %s, want %s", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestKeyerClientRoles(t *testing.T) {
	tests := []struct {
		name string
		pkts []pkt
		want []string
	}{
		{
			name: "syn sender is client even from the low port",
			pkts: []pkt{
				{src: "10.0.0.9", dst: "10.0.0.1", sport: 80, dport: 50000, flags: syn, seq: 1},
				{src: "10.0.0.1", dst: "10.0.0.9", sport: 50000, dport: 80, flags: syn | ack},
				{src: "10.0.0.9", dst: "10.0.0.1", sport: 80, dport: 50000, flags: ack},
			},
			want: []string{"client_10.0.0.9", "client_10.0.0.9", "client_10.0.0.9"},
		},
		{
			name: "syn-ack seen first: its receiver is the client",
			pkts: []pkt{
				{src: "10.0.0.1", dst: "10.0.0.9", sport: 50000, dport: 80, flags: syn | ack},
				{src: "10.0.0.9", dst: "10.0.0.1", sport: 80, dport: 50000, flags: ack},
			},
			want: []string{"client_10.0.0.9", "client_10.0.0.9"},
		},
		{
			name: "equal ports: the lower address is the client",
			pkts: []pkt{
				{src: "10.0.0.9", dst: "10.0.0.1", sport: 500, dport: 500, proto: 17},
				{src: "10.0.0.1", dst: "10.0.0.9", sport: 500, dport: 500, proto: 17},
			},
			want: []string{"client_10.0.0.1", "client_10.0.0.1"},
		},
		{
			name: "no ports: the source is the client",
			pkts: []pkt{
				{src: "10.0.0.9", dst: "10.0.0.1", proto: 1},
				{src: "10.0.0.1", dst: "10.0.0.9", proto: 1},
			},
			want: []string{"client_10.0.0.9", "client_10.0.0.1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := names(t, Spec{Kind: ClientIP}, tt.pkts)
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("packet %d: %s, want %s", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestKeyerTCPGenerations(t *testing.T) {
	c, s := "192.168.1.10", "192.168.1.1"
	const base = "tcp_192.168.1.1_80_192.168.1.10_40000"
	open := func(seq uint32, ts time.Duration) []pkt {
		return []pkt{
			{src: c, dst: s, sport: 40000, dport: 80, flags: syn, seq: seq, ts: ts},
			{src: s, dst: c, sport: 80, dport: 40000, flags: syn | ack, seq: 5, ts: ts},
		}
	}
	cat := func(parts ...[]pkt) []pkt {
		var out []pkt
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	fin1 := []pkt{{src: c, dst: s, sport: 40000, dport: 80, flags: fin | ack, ts: time.Second}}
	rst1 := []pkt{{src: s, dst: c, sport: 80, dport: 40000, flags: rst, ts: time.Second}}
	mid := []pkt{{src: c, dst: s, sport: 40000, dport: 80, flags: ack, ts: 0}}
	tests := []struct {
		name string
		pkts []pkt
		want []string
	}{
		{"one connection", open(100, 0), []string{base, base}},
		{"retransmitted syn stays", cat(open(100, 0), open(100, time.Second)), []string{base, base, base, base}},
		{"syn reuse with new isn", cat(open(100, 0), open(200, time.Second), open(300, 2*time.Second)),
			[]string{base, base, base + "-2", base + "-2", base + "-3", base + "-3"}},
		{"after fin", cat(open(100, 0), fin1, open(200, 2*time.Second)), []string{base, base, base, base + "-2", base + "-2"}},
		{"after rst without syn", cat(mid, rst1, open(200, 2*time.Second)), []string{base, base, base + "-2", base + "-2"}},
		{"mid-stream then syn: same generation", cat(mid, open(200, time.Second)), []string{base, base, base}},
		{"simultaneous open stays", []pkt{
			{src: c, dst: s, sport: 40000, dport: 80, flags: syn, seq: 1},
			{src: s, dst: c, sport: 80, dport: 40000, flags: syn, seq: 2},
		}, []string{base, base}},
		{"idle state forgotten", cat(open(100, 0), open(200, time.Second), open(300, time.Hour)),
			[]string{base, base, base + "-2", base + "-2", base, base}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := names(t, Spec{Kind: FiveTuple}, tt.pkts)
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("packet %d: %s, want %s", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestKeyerFragments(t *testing.T) {
	a, b := "10.1.1.1", "10.2.2.2"
	tests := []struct {
		name string
		pkts []pkt
		want []string
	}{
		{
			name: "first then rest",
			pkts: []pkt{
				{src: a, dst: b, sport: 5000, dport: 2152, proto: 17, ipid: 77, mf: true},
				{src: a, dst: b, proto: 17, ipid: 77, fragOff: 1480, mf: true},
				{src: a, dst: b, proto: 17, ipid: 77, fragOff: 2960},
				{src: a, dst: b, proto: 17, ipid: 78, fragOff: 1480}, // other datagram, first never seen
			},
			want: []string{"udp_10.1.1.1_5000_10.2.2.2_2152", "udp_10.1.1.1_5000_10.2.2.2_2152", "udp_10.1.1.1_5000_10.2.2.2_2152", "udp_10.1.1.1_0_10.2.2.2_0"},
		},
		{
			name: "non-first before first uses ports 0",
			pkts: []pkt{
				{src: a, dst: b, proto: 17, ipid: 9, fragOff: 1480},
				{src: a, dst: b, sport: 5000, dport: 2152, proto: 17, ipid: 9, mf: true},
			},
			want: []string{"udp_10.1.1.1_0_10.2.2.2_0", "udp_10.1.1.1_5000_10.2.2.2_2152"},
		},
		{
			name: "expired first fragment",
			pkts: []pkt{
				{src: a, dst: b, sport: 5000, dport: 2152, proto: 17, ipid: 5, mf: true},
				{src: a, dst: b, proto: 17, ipid: 5, fragOff: 1480, ts: 2 * time.Minute},
			},
			want: []string{"udp_10.1.1.1_5000_10.2.2.2_2152", "udp_10.1.1.1_0_10.2.2.2_0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := names(t, Spec{Kind: FiveTuple}, tt.pkts)
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("packet %d: %s, want %s", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestKeyerStateBounded(t *testing.T) {
	k := NewKeyer(Spec{Kind: FiveTuple})
	for i := 0; i < 5000; i++ {
		p := pkt{src: "10.0.0.1", dst: "10.0.0.2", sport: uint16(1024 + i), dport: 80, flags: syn, ts: time.Duration(i) * time.Second}.packet()
		k.Key(&p)
	}
	// Idle timeout 10 min = 600 packets one second apart.
	if n := k.Tracked(); n > 601 {
		t.Errorf("tracked %d tuples, want at most 601", n)
	}
}

func TestKeyerChunks(t *testing.T) {
	tests := []struct {
		spec string
		pkts []pkt
		want []uint64
	}{
		{"count:2", []pkt{{noIP: true}, {noIP: true}, {noIP: true}, {noIP: true}, {noIP: true}}, []uint64{1, 1, 2, 2, 3}},
		// 24 + 3*(16+60) = 252 fits in 260; the fourth does not. An oversized packet gets its own chunk.
		{"size:260", []pkt{{noIP: true}, {noIP: true}, {noIP: true}, {noIP: true}, {noIP: true, caplen: 1000}, {noIP: true}}, []uint64{1, 1, 1, 2, 3, 4}},
		{"time:10s", []pkt{
			{noIP: true, ts: 100 * time.Second}, {noIP: true, ts: 105 * time.Second}, {noIP: true, ts: 110 * time.Second},
			{noIP: true, ts: 99 * time.Second}, {noIP: true, ts: 145 * time.Second},
		}, []uint64{1, 1, 2, 1, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			spec, err := ParseSpec(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			k := NewKeyer(spec)
			for i, x := range tt.pkts {
				p := x.packet()
				key, ok := k.Key(&p)
				if !ok || key.ID() != tt.want[i] {
					t.Errorf("packet %d: chunk %d (%v), want %d", i, key.ID(), ok, tt.want[i])
				}
			}
		})
	}
}

func TestKeyIsMapKey(t *testing.T) {
	m := map[Key]int{}
	k1 := NewKeyer(Spec{Kind: FiveTuple})
	k2 := NewKeyer(Spec{Kind: FiveTuple})
	p := pkt{src: "2001:db8::1", dst: "2001:db8::2", sport: 1, dport: 2, proto: 17}.packet()
	q := pkt{src: "2001:db8::2", dst: "2001:db8::1", sport: 2, dport: 1, proto: 17}.packet()
	a, _ := k1.Key(&p)
	b, _ := k2.Key(&q)
	m[a]++
	m[b]++
	if len(m) != 1 || m[a] != 2 {
		t.Fatalf("both directions should be one map entry: %v", m)
	}
}

func BenchmarkKeyerKey(b *testing.B) {
	for _, spec := range []string{"5-tuple", "ip-pair", "client-ip", "count:1000"} {
		b.Run(spec, func(b *testing.B) {
			s, _ := ParseSpec(spec)
			k := NewKeyer(s)
			pkts := make([]pipeline.Packet, 256)
			for i := range pkts {
				pkts[i] = pkt{src: "10.0.0.1", dst: "10.0.0.2", sport: uint16(30000 + i%64), dport: 443, flags: ack, ts: time.Duration(i)}.packet()
			}
			for i := range pkts {
				k.Key(&pkts[i])
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				p := &pkts[i&255]
				p.Timestamp++
				k.Key(p)
			}
		})
	}
}

func TestKeyerNoAllocs(t *testing.T) {
	k := NewKeyer(Spec{Kind: FiveTuple})
	pkts := make([]pipeline.Packet, 64)
	for i := range pkts {
		pkts[i] = pkt{src: "10.0.0.1", dst: "10.0.0.2", sport: uint16(30000 + i), dport: 443, flags: ack}.packet()
		k.Key(&pkts[i])
	}
	i := 0
	if n := testing.AllocsPerRun(1000, func() { k.Key(&pkts[i&63]); i++ }); n != 0 {
		t.Errorf("Key allocates %.1f times per packet", n)
	}
}

// TestInnerTupleOverlays keys the packets of VXLAN, Geneve, GRE and IP-in-IP
// tunnels by their tunnelled tuple, both directions alike and whatever the
// tunnel (a GTP-U G-PDU with the same inner tuple gets the same key);
// untunnelled packets and ue-ip (a GTP-U notion) get none.
func TestInnerTupleOverlays(t *testing.T) {
	outer := pipeline.Flow{Src: netip.MustParseAddr("192.0.2.1"), Dst: netip.MustParseAddr("192.0.2.2"), SrcPort: 50000, DstPort: 4789, Proto: 17}
	inner := pipeline.Flow{Src: netip.MustParseAddr("10.1.0.5"), Dst: netip.MustParseAddr("10.2.0.9"), SrcPort: 43210, DstPort: 443, Proto: 6}
	tunnelled := func(l pipeline.Layers, f pipeline.Flow) pipeline.Packet {
		var p pipeline.Packet
		p.Decoded.Layers = pipeline.LayerEthernet | pipeline.LayerIPv4 | l
		p.Decoded.IP = outer
		p.Decoded.Inner = f
		return p
	}
	tcpIn := pipeline.LayerInnerIPv4 | pipeline.LayerInnerTCP
	icmp := pipeline.Flow{Src: inner.Src, Dst: inner.Dst, SrcPort: 8, Proto: 1}
	tests := []struct {
		name string
		p    pipeline.Packet
		want string // "" for no key
	}{
		{"vxlan", tunnelled(pipeline.LayerUDP|pipeline.LayerVXLAN|pipeline.LayerInnerEthernet|tcpIn, inner), "inner_tcp_10.1.0.5_43210_10.2.0.9_443"},
		{"vxlan reply", tunnelled(pipeline.LayerUDP|pipeline.LayerVXLAN|pipeline.LayerInnerEthernet|tcpIn, inner.Reverse()), "inner_tcp_10.1.0.5_43210_10.2.0.9_443"},
		{"geneve", tunnelled(pipeline.LayerUDP|pipeline.LayerGeneve|tcpIn, inner), "inner_tcp_10.1.0.5_43210_10.2.0.9_443"},
		{"gtp-u", tunnelled(pipeline.LayerUDP|pipeline.LayerGTPU|tcpIn, inner), "inner_tcp_10.1.0.5_43210_10.2.0.9_443"},
		{"erspan icmp", tunnelled(pipeline.LayerGRE|pipeline.LayerInnerEthernet|pipeline.LayerInnerIPv4|pipeline.LayerInnerICMP, icmp), "inner_icmp_10.1.0.5_0_10.2.0.9_0"},
		{"ip in ip", tunnelled(pipeline.LayerIPinIP|tcpIn, inner), "inner_tcp_10.1.0.5_43210_10.2.0.9_443"},
		{"gre without inner ip", tunnelled(pipeline.LayerGRE, pipeline.Flow{}), ""},
		{"not tunnelled", tunnelled(pipeline.LayerUDP, pipeline.Flow{}), ""},
	}
	for _, kind := range []string{"inner-5-tuple", "ue-ip"} {
		spec, err := ParseSpec(kind)
		if err != nil {
			t.Fatal(err)
		}
		k := NewKeyer(spec)
		for _, tt := range tests {
			key, ok := k.KeyData(&tt.p, nil)
			got := ""
			if ok {
				got = key.FileName()
			}
			want := tt.want
			if kind == "ue-ip" && tt.name != "gtp-u" {
				want = ""
			} else if kind == "ue-ip" {
				want = "ue_10.1.0.5"
			}
			if got != want {
				t.Errorf("%s %s: key %q, want %q", kind, tt.name, got, want)
			}
		}
	}
}

// TestInnerTupleFragments keys a tunnelled packet's later fragments, which
// carry no ports, by the ports of their datagram's first fragment; an
// outer datagram with the same addresses and identification is another.
func TestInnerTupleFragments(t *testing.T) {
	outer := pipeline.Flow{Src: netip.MustParseAddr("192.0.2.1"), Dst: netip.MustParseAddr("192.0.2.2"), SrcPort: 2152, DstPort: 2152, Proto: 17}
	inner := pipeline.Flow{Src: netip.MustParseAddr("8.8.4.4"), Dst: netip.MustParseAddr("10.45.0.2"), SrcPort: 443, DstPort: 53670, Proto: 6}
	frag := func(off uint16, more bool, id uint32, ts int64) pipeline.Packet {
		var p pipeline.Packet
		p.Timestamp = ts
		d := &p.Decoded
		d.Layers = pipeline.LayerEthernet | pipeline.LayerIPv4 | pipeline.LayerUDP | pipeline.LayerGTPU | pipeline.LayerInnerIPv4
		d.IP, d.Inner = outer, inner
		d.InnerIPID, d.InnerFragOffset, d.InnerMoreFragments = id, off, more
		if off == 0 {
			d.Layers |= pipeline.LayerInnerTCP
		} else {
			d.Inner.SrcPort, d.Inner.DstPort = 0, 0
		}
		return p
	}
	spec, err := ParseSpec("inner-5-tuple")
	if err != nil {
		t.Fatal(err)
	}
	k := NewKeyer(spec)
	want := "inner_tcp_8.8.4.4_443_10.45.0.2_53670"
	for i, tt := range []struct {
		p    pipeline.Packet
		want string
	}{
		{frag(0, true, 7, 1e9), want},
		{frag(1480, false, 7, 2e9), want},
		{frag(1480, false, 8, 3e9), "inner_tcp_8.8.4.4_0_10.45.0.2_0"},   // its first fragment was not seen
		{frag(1480, false, 7, 100e9), "inner_tcp_8.8.4.4_0_10.45.0.2_0"}, // too late
	} {
		key, ok := k.KeyData(&tt.p, nil)
		if !ok || key.FileName() != tt.want {
			t.Errorf("packet %d: key %q (%v), want %q", i, key.FileName(), ok, tt.want)
		}
	}
}

// TestMobileKeysOuterFragments keys the later fragments of an outer
// datagram carrying a G-PDU (too large for the transport network's MTU)
// as its first fragment, which carries the GTP-U header: they would
// otherwise have no key, and a per-tunnel file would hold cut G-PDUs.
func TestMobileKeysOuterFragments(t *testing.T) {
	outer := pipeline.Flow{Src: netip.MustParseAddr("192.0.2.1"), Dst: netip.MustParseAddr("192.0.2.2"), SrcPort: 2152, DstPort: 2152, Proto: 17}
	inner := pipeline.Flow{Src: netip.MustParseAddr("10.45.0.2"), Dst: netip.MustParseAddr("8.8.4.4"), SrcPort: 53670, DstPort: 443, Proto: 6}
	frag := func(off uint16, more bool, id uint32, ts int64) pipeline.Packet {
		var p pipeline.Packet
		p.Timestamp = ts
		d := &p.Decoded
		d.Layers = pipeline.LayerEthernet | pipeline.LayerIPv4 | pipeline.LayerFragment
		d.IP = outer
		d.IPID, d.FragOffset, d.MoreFragments = id, off, more
		if off == 0 {
			d.Layers |= pipeline.LayerUDP | pipeline.LayerGTPU | pipeline.LayerInnerIPv4 | pipeline.LayerInnerTCP
			d.GTPType, d.TEID, d.Inner = 255, 0x1234, inner
		} else {
			d.Flags |= pipeline.FlagNonFirstFragment
			d.IP.SrcPort, d.IP.DstPort = 0, 0
		}
		return p
	}
	for _, tt := range []struct{ kind, want string }{
		{"teid", "teid_00001234_192.0.2.2"},
		{"inner-5-tuple", "inner_tcp_8.8.4.4_443_10.45.0.2_53670"},
		{"ue-ip", "ue_10.45.0.2"},
	} {
		spec, err := ParseSpec(tt.kind)
		if err != nil {
			t.Fatal(err)
		}
		k := NewKeyer(spec)
		for i, c := range []struct {
			p  pipeline.Packet
			ok bool
		}{
			{frag(0, true, 7, 1e9), true},
			{frag(1480, true, 7, 1e9), true},
			{frag(2960, false, 7, 1e9), true},
			{frag(1480, false, 8, 2e9), false}, // its first fragment was not seen
		} {
			key, ok := k.KeyData(&c.p, nil)
			if ok != c.ok || (ok && key.FileName() != tt.want) {
				t.Errorf("%s packet %d: key %q (%v), want %q (%v)", tt.kind, i, key.FileName(), ok, tt.want, c.ok)
			}
		}
	}
}

// TestTunnelKey keys overlay tunnel packets by tunnel type and identifier
// (decoders.TunnelID: VXLAN VNI here), two VNIs apart; packets without a
// tunnel have no key.
func TestTunnelKey(t *testing.T) {
	vxlan := func(vni uint32) ([]byte, pipeline.Packet) {
		frame := make([]byte, 14+20+8+8)
		frame[12], frame[13] = 0x08, 0x00
		frame[14] = 0x45
		var p pipeline.Packet
		d := &p.Decoded
		d.Layers = pipeline.LayerEthernet | pipeline.LayerIPv4 | pipeline.LayerUDP | pipeline.LayerVXLAN
		d.IP = pipeline.Flow{Src: netip.MustParseAddr("192.0.2.1"), Dst: netip.MustParseAddr("192.0.2.2"), SrcPort: 50000, DstPort: 4789, Proto: 17}
		d.IPOffset, d.PayloadOffset, d.PayloadLen = 14, 42, 8
		frame[42] = 0x08 // VNI valid
		frame[46], frame[47], frame[48] = byte(vni>>16), byte(vni>>8), byte(vni)
		return frame, p
	}
	spec, err := ParseSpec("tunnel")
	if err != nil {
		t.Fatal(err)
	}
	k := NewKeyer(spec)
	for _, c := range []struct {
		vni        uint32
		name, text string
	}{{5001, "vxlan_5001", "vxlan vni 5001"}, {7, "vxlan_7", "vxlan vni 7"}} {
		frame, p := vxlan(c.vni)
		key, ok := k.KeyData(&p, frame)
		if !ok || key.FileName() != c.name || key.String() != c.text || key.Kind() != Tunnel {
			t.Errorf("VNI %d: key %q %q (%v)", c.vni, key.FileName(), key.String(), ok)
		}
	}
	plain := pkt{src: "10.0.0.1", dst: "10.0.0.2", sport: 1, dport: 2, proto: 17}.packet()
	if key, ok := k.KeyData(&plain, make([]byte, 60)); ok {
		t.Errorf("a packet without a tunnel keyed %q", key.FileName())
	}
}
