package generators

import (
	"context"

	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/pcapflow/pcapflow/pipeline"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/pcapflow/pcapflow/internal/golden"
)

func TestSynFloodFrames(t *testing.T) {
	mac := net.HardwareAddr{0x02, 0, 0, 0, 0, 0x0a}
	tests := []struct {
		name     string
		cfg      SynFlood
		src      netip.Prefix
		dst      string
		sport    uint16 // 0: random
		dport    uint16
		vlan     uint16
		options  bool
		frameLen int
		period   time.Duration
	}{
		{name: "default", cfg: SynFlood{}, src: netip.MustParsePrefix("192.168.0.0/16"), dst: "172.16.0.1", sport: 60001, dport: 80, frameLen: 60, period: time.Millisecond},
		{name: "options", cfg: SynFlood{Count: 50, TCPOptions: true, Rate: 10}, src: netip.MustParsePrefix("192.168.0.0/16"), dst: "172.16.0.1", sport: 60001, dport: 80, options: true, frameLen: 74, period: 100 * time.Millisecond},
		{name: "vlan-random", cfg: SynFlood{Count: 300, VLAN: 42, RandomSrc: true, RandomSPort: true, Src: netip.MustParsePrefix("10.1.0.0/24"), Dst: netip.MustParseAddr("10.9.9.9"), DPort: 443, SrcMAC: mac}, src: netip.MustParsePrefix("10.1.0.0/24"), dst: "10.9.9.9", dport: 443, vlan: 42, frameLen: 60, period: time.Millisecond},
		{name: "ipv6", cfg: SynFlood{Count: 64, IPv6: true}, src: netip.MustParsePrefix("2001:db8:1::/64"), dst: "2001:db8:2::1", sport: 60001, dport: 80, frameLen: 74, period: time.Millisecond},
		{name: "ipv6-options-vlan", cfg: SynFlood{Count: 64, Src: netip.MustParsePrefix("2001:db8:99::/120"), Dst: netip.MustParseAddr("2001:db8::80"), TCPOptions: true, VLAN: 7, RandomSPort: true, RandomSrc: true}, src: netip.MustParsePrefix("2001:db8:99::/120"), dst: "2001:db8::80", dport: 80, vlan: 7, options: true, frameLen: 98, period: time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := collect(t, tt.cfg)
			checkCapture(t, c, "synflood")
			want := tt.cfg.Count
			if want == 0 {
				want = 100
			}
			if len(c.frames) != want {
				t.Fatalf("got %d frames, want %d", len(c.frames), want)
			}
			start := defaultStart.UnixNano()
			srcs := map[netip.Addr]bool{}
			for i, f := range c.frames {
				if len(f) != tt.frameLen {
					t.Fatalf("frame %d: length %d, want %d", i+1, len(f), tt.frameLen)
				}
				if ts := c.infos[i].Timestamp; ts != start+int64(i)*int64(tt.period) {
					t.Fatalf("frame %d: timestamp %d, want %d", i+1, ts, start+int64(i)*int64(tt.period))
				}
				reserialize(t, f)
				p := decode(t, f)
				eth := p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
				wantSrcMAC := net.HardwareAddr(defaultSrcMAC[:])
				if tt.cfg.SrcMAC != nil {
					wantSrcMAC = tt.cfg.SrcMAC
				}
				if !bytes.Equal(eth.SrcMAC, wantSrcMAC) || !bytes.Equal(eth.DstMAC, defaultDstMAC[:]) {
					t.Fatalf("frame %d: MACs %v > %v", i+1, eth.SrcMAC, eth.DstMAC)
				}
				if q, ok := p.Layer(layers.LayerTypeDot1Q).(*layers.Dot1Q); (tt.vlan != 0) != ok || (ok && q.VLANIdentifier != tt.vlan) {
					t.Fatalf("frame %d: VLAN layer %v, want id %d", i+1, q, tt.vlan)
				}
				var src, dst netip.Addr
				if ip, ok := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4); ok {
					src, _ = netip.AddrFromSlice(ip.SrcIP)
					dst, _ = netip.AddrFromSlice(ip.DstIP)
					if ip.TTL != 64 || ip.Flags != layers.IPv4DontFragment || ip.Length != uint16(20+20+4*boolInt(tt.options)*5) {
						t.Fatalf("frame %d: IPv4 ttl %d flags %v length %d", i+1, ip.TTL, ip.Flags, ip.Length)
					}
				} else if ip, ok := p.Layer(layers.LayerTypeIPv6).(*layers.IPv6); ok {
					src, _ = netip.AddrFromSlice(ip.SrcIP)
					dst, _ = netip.AddrFromSlice(ip.DstIP)
					if ip.HopLimit != 64 || ip.NextHeader != layers.IPProtocolTCP {
						t.Fatalf("frame %d: IPv6 hop limit %d next %v", i+1, ip.HopLimit, ip.NextHeader)
					}
				} else {
					t.Fatalf("frame %d: no IP layer", i+1)
				}
				if !tt.src.Contains(src) || src == tt.src.Masked().Addr() || dst.String() != tt.dst {
					t.Fatalf("frame %d: %v > %v outside %v > %v", i+1, src, dst, tt.src, tt.dst)
				}
				srcs[src] = true
				tcp := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
				if !tcp.SYN || tcp.ACK || tcp.RST || tcp.FIN || tcp.PSH || tcp.Ack != 0 || tcp.Window != 64240 || tcp.DstPort != layers.TCPPort(tt.dport) || len(tcp.Payload) != 0 {
					t.Fatalf("frame %d: TCP %+v", i+1, tcp)
				}
				if tt.sport != 0 && tcp.SrcPort != layers.TCPPort(tt.sport) {
					t.Fatalf("frame %d: source port %d, want %d", i+1, tcp.SrcPort, tt.sport)
				}
				if tt.sport == 0 && tcp.SrcPort < 1024 {
					t.Fatalf("frame %d: random source port %d below 1024", i+1, tcp.SrcPort)
				}
				checkSynOptions(t, i+1, tcp, tt.options, src.Is6())
			}
			if want := min(len(c.frames), 254); len(srcs) != want || int64(want) != tt.cfg.Expect().DistinctSources {
				t.Errorf("%d distinct sources for %d SYNs, want %d (expectation says %d)", len(srcs), len(c.frames), want, tt.cfg.Expect().DistinctSources)
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func checkSynOptions(t *testing.T, frame int, tcp *layers.TCP, want, v6 bool) {
	t.Helper()
	if !want {
		if len(tcp.Options) != 0 {
			t.Fatalf("frame %d: unexpected options %v", frame, tcp.Options)
		}
		return
	}
	mss := uint16(1460)
	if v6 {
		mss = 1440
	}
	var kinds []layers.TCPOptionKind
	for _, o := range tcp.Options {
		kinds = append(kinds, o.OptionType)
		switch o.OptionType {
		case layers.TCPOptionKindMSS:
			if got := uint16(o.OptionData[0])<<8 | uint16(o.OptionData[1]); got != mss {
				t.Fatalf("frame %d: MSS %d, want %d", frame, got, mss)
			}
		case layers.TCPOptionKindWindowScale:
			if o.OptionData[0] != 7 {
				t.Fatalf("frame %d: window scale %d", frame, o.OptionData[0])
			}
		}
	}
	want4 := []layers.TCPOptionKind{layers.TCPOptionKindMSS, layers.TCPOptionKindSACKPermitted, layers.TCPOptionKindTimestamps, layers.TCPOptionKindNop, layers.TCPOptionKindWindowScale}
	if fmt.Sprint(kinds) != fmt.Sprint(want4) {
		t.Fatalf("frame %d: options %v, want %v", frame, kinds, want4)
	}
}

// The classic naive loop breaks past x.x.x.255; the walk must not, and
// 70,000 SYNs must come from 70,000 distinct valid addresses.
func TestSynFlood70000DistinctSources(t *testing.T) {
	for _, random := range []bool{false, true} {
		t.Run(fmt.Sprint("random=", random), func(t *testing.T) {
			prefix := netip.MustParsePrefix("10.0.0.1/8")
			cfg := SynFlood{Count: 70000, Src: prefix, RandomSrc: random, Seed: 3}
			if w := cfg.Warnings(); len(w) != 0 {
				t.Fatalf("warnings %v", w)
			}
			g := newSynGenFor(t, cfg)
			seen := make(map[[4]byte]bool, cfg.Count)
			buf := make([]byte, 60)
			for i := 0; ; i++ {
				n, _, ok := g.next()
				if !ok {
					break
				}
				g.fill(buf[:n])
				a := [4]byte(buf[26:30])
				addr := netip.AddrFrom4(a)
				if !prefix.Contains(addr) || a == [4]byte{10, 0, 0, 0} || a == [4]byte{10, 255, 255, 255} {
					t.Fatalf("SYN %d: invalid source %v", i+1, addr)
				}
				if !random && i < 3 {
					if want := netip.AddrFrom4([4]byte{10, 0, 0, byte(i + 1)}); addr != want {
						t.Fatalf("SYN %d: source %v, want %v", i+1, addr, want)
					}
				}
				seen[a] = true
			}
			if len(seen) != 70000 {
				t.Fatalf("%d distinct sources, want 70000", len(seen))
			}
			if e := cfg.Expect(); e.DistinctSources != 70000 || e.HalfOpen != 70000 || e.SYN != 70000 {
				t.Fatalf("expectation %+v", e)
			}
		})
	}
}

func newSynGenFor(t testing.TB, c SynFlood) *synGen {
	t.Helper()
	p, err := c.plan()
	if err != nil {
		t.Fatal(err)
	}
	return newSynGen(&p)
}

func TestSynFloodSequentialWalk(t *testing.T) {
	tests := []struct {
		src   string
		count int
		want  map[int]string // SYN number -> source
		warn  bool
	}{
		{src: "192.168.0.1/16", count: 300, want: map[int]string{1: "192.168.0.1", 255: "192.168.0.255", 256: "192.168.1.0", 300: "192.168.1.44"}},
		{src: "192.168.0.0/16", count: 2, want: map[int]string{1: "192.168.0.1"}},
		{src: "10.0.0.200/24", count: 60, want: map[int]string{1: "10.0.0.200", 54: "10.0.0.253", 55: "10.0.0.254", 56: "10.0.0.1"}, warn: false},
		{src: "10.0.0.0/30", count: 5, want: map[int]string{1: "10.0.0.1", 2: "10.0.0.2", 3: "10.0.0.1", 5: "10.0.0.1"}, warn: true},
		{src: "10.0.0.0/31", count: 3, want: map[int]string{1: "10.0.0.0", 2: "10.0.0.1", 3: "10.0.0.0"}, warn: true},
		{src: "10.0.0.7/32", count: 2, want: map[int]string{1: "10.0.0.7", 2: "10.0.0.7"}, warn: true},
		{src: "2001:db8::/126", count: 4, want: map[int]string{1: "2001:db8::1", 3: "2001:db8::3", 4: "2001:db8::1"}, warn: true},
		{src: "2001:db8::ffff:ffff:ffff:fffe/64", count: 3, want: map[int]string{1: "2001:db8::ffff:ffff:ffff:fffe", 2: "2001:db8::ffff:ffff:ffff:ffff", 3: "2001:db8::1"}},
		{src: "2001:db8::/32", count: 2, want: map[int]string{1: "2001:db8::1", 2: "2001:db8::2"}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			cfg := SynFlood{Count: tt.count, Src: netip.MustParsePrefix(tt.src)}
			if strings.Contains(tt.src, ":") {
				cfg.Dst = netip.MustParseAddr("2001:db8:2::1")
			}
			if got := len(cfg.Warnings()) > 0; got != tt.warn {
				t.Fatalf("warnings %v, want warning=%v", cfg.Warnings(), tt.warn)
			}
			c := collect(t, cfg)
			for n, want := range tt.want {
				p := decode(t, c.frames[n-1])
				src := p.NetworkLayer().NetworkFlow().Src().String()
				if src != want {
					t.Errorf("SYN %d: source %s, want %s", n, src, want)
				}
			}
		})
	}
}

func TestSynFloodReproducible(t *testing.T) {
	base := SynFlood{Count: 200, RandomSrc: true, RandomSPort: true, TCPOptions: true, Seed: 1}
	a, b := collect(t, base), collect(t, base)
	other := base
	other.Seed = 2
	c := collect(t, other)
	same, diff := true, 0
	for i := range a.frames {
		same = same && bytes.Equal(a.frames[i], b.frames[i]) && a.infos[i] == b.infos[i]
		if !bytes.Equal(a.frames[i], c.frames[i]) {
			diff++
		}
	}
	if !same {
		t.Fatal("same seed gave different output")
	}
	if diff < len(a.frames)-1 {
		t.Fatalf("different seed changed only %d of %d frames", diff, len(a.frames))
	}
}

// The first frames of the default flood are pinned in a golden file so any
// change of the generated bytes is reviewed (go test -update rewrites it).
func TestSynFloodGolden(t *testing.T) {
	cfg := SynFlood{Count: 3, TCPOptions: true, Seed: 42}
	c := collect(t, cfg)
	var out bytes.Buffer
	for i, f := range c.frames {
		fmt.Fprintf(&out, "frame %d ts %d\n%s", i+1, c.infos[i].Timestamp, hex.Dump(f))
	}
	e, err := json.MarshalIndent(SynFlood{Count: 3, TCPOptions: true, Seed: 42}.Expect(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	out.Write(e)
	out.WriteByte('\n')
	golden.Check(t, "testdata/synflood.golden", out.Bytes())
}

func TestSynFloodExpect(t *testing.T) {
	tests := []SynFlood{
		{},
		{Count: 1000, IPv6: true, VLAN: 3},
		{Count: 10, Src: netip.MustParsePrefix("10.0.0.0/30"), RandomSPort: true},
		{Count: 10, Src: netip.MustParsePrefix("10.0.0.0/30")},
	}
	for _, cfg := range tests {
		t.Run(fmt.Sprintf("%+v", cfg.Src), func(t *testing.T) {
			c := collect(t, cfg)
			got := tallyAll(c)
			e := cfg.Expect()
			if got.Packets != e.Packets || got.Bytes != e.Bytes || got.SYN != e.SYN || got.SYNACK != 0 || got.VLAN != e.VLAN || got.IPv6 != e.IPv6 || got.FirstNs != e.FirstNs || got.LastNs != e.LastNs {
				t.Fatalf("expectation %+v does not match output %+v", e, got)
			}
			tuples := map[string]bool{}
			srcs := map[string]bool{}
			for _, f := range c.frames {
				p := decode(t, f)
				srcs[p.NetworkLayer().NetworkFlow().Src().String()] = true
				tuples[p.NetworkLayer().NetworkFlow().String()+p.TransportLayer().TransportFlow().String()] = true
			}
			if e.DistinctSources != int64(len(srcs)) || e.HalfOpen != int64(len(tuples)) || e.Flows != int64(len(tuples)) {
				t.Fatalf("expectation sources %d half-open %d flows %d; output has %d sources, %d tuples", e.DistinctSources, e.HalfOpen, e.Flows, len(srcs), len(tuples))
			}
		})
	}
}

func TestSynFloodConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  SynFlood
		want string
	}{
		{"negative count", SynFlood{Count: -1}, "negative"},
		{"family mismatch", SynFlood{Src: netip.MustParsePrefix("10.0.0.0/8"), Dst: netip.MustParseAddr("2001:db8::1")}, "must both be"},
		{"ipv6 flag with v4 source", SynFlood{IPv6: true, Src: netip.MustParsePrefix("10.0.0.0/8")}, "must both be"},
		{"bad mac", SynFlood{SrcMAC: net.HardwareAddr{1, 2, 3}}, "6-byte"},
		{"vlan range", SynFlood{VLAN: 4095}, "VLAN"},
		{"negative rate", SynFlood{Rate: -5}, "rate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.cfg.plan()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("plan error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestSynFloodNoAllocs(t *testing.T) {
	g := newSynGenFor(t, SynFlood{Count: 1 << 30, TCPOptions: true, RandomSrc: true, RandomSPort: true})
	buf := make([]byte, 128)
	allocs := testing.AllocsPerRun(10000, func() {
		n, _, _ := g.next()
		g.fill(buf[:n])
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per SYN", allocs)
	}
}

func BenchmarkSynFlood(b *testing.B) {
	for _, bc := range []struct {
		name string
		cfg  SynFlood
	}{
		{"ipv4", SynFlood{}},
		{"ipv4-options-random", SynFlood{TCPOptions: true, RandomSrc: true, RandomSPort: true}},
		{"ipv6-options", SynFlood{IPv6: true, TCPOptions: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bc.cfg.Count = b.N
			g := newSynGenFor(b, bc.cfg)
			buf := make([]byte, 128)
			b.ReportAllocs()
			b.ResetTimer()
			for {
				n, _, ok := g.next()
				if !ok {
					break
				}
				g.fill(buf[:n])
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pkts/s")
		})
	}
}

// BenchmarkSynFloodGraph runs a million SYNs through a real pipeline.Graph
// (no sinks), the cost a `pcapflow gen synflood` run pays before writing.
func BenchmarkSynFloodGraph(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		g := &pipeline.Graph{Source: SynFlood{Count: 1_000_000}, Workers: 1}
		st, err := g.Run(context.Background())
		if err != nil || st.Packets != 1_000_000 {
			b.Fatal(st, err)
		}
	}
	b.ReportMetric(float64(b.N)*1e6/b.Elapsed().Seconds(), "pkts/s")
}
