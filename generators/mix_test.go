package generators

import (
	"context"

	"bytes"
	"fmt"
	"github.com/pcapflow/pcapflow/pipeline"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// tcpTracker checks strict sequence/acknowledgement arithmetic of TCP
// connections generated without loss: every segment starts where the
// previous one of its direction ended, and every ACK acknowledges all the
// peer has sent.
type tcpTracker struct {
	next map[string]uint32 // directed flow -> next expected sequence number
}

func flowKeys(p gopacket.Packet) (fwd, rev string) {
	n, t := p.NetworkLayer().NetworkFlow(), p.TransportLayer().TransportFlow()
	return n.String() + " " + t.String(), n.Reverse().String() + " " + t.Reverse().String()
}

func (tr *tcpTracker) check(t *testing.T, frame int, p gopacket.Packet, tcp *layers.TCP) {
	t.Helper()
	fwd, rev := flowKeys(p)
	if tcp.SYN && !tcp.ACK {
		delete(tr.next, rev)
	}
	// A SYN's initial sequence number is free; others must continue.
	if want, ok := tr.next[fwd]; !tcp.SYN && (!ok || tcp.Seq != want) {
		t.Fatalf("frame %d %s: seq %d, want %d (known %v)", frame, fwd, tcp.Seq, want, ok)
	}
	if tcp.ACK {
		if want, ok := tr.next[rev]; !ok || tcp.Ack != want {
			t.Fatalf("frame %d %s: ack %d, want %d (known %v)", frame, fwd, tcp.Ack, want, ok)
		}
	}
	n := tcp.Seq + uint32(len(tcp.Payload))
	if tcp.SYN || tcp.FIN {
		n++
	}
	tr.next[fwd] = n
}

func TestMixFrames(t *testing.T) {
	cfg := Mix{Packets: 30000, Pairs: 300, Flows: 1500, Concurrent: 200, Seed: 5}
	c := collect(t, cfg)
	checkCapture(t, c, "mix")
	if len(c.frames) != 30000 {
		t.Fatalf("%d frames, want 30000", len(c.frames))
	}
	tr := &tcpTracker{next: map[string]uint32{}}
	tuples := map[string]bool{}
	pairs := map[[2]string]bool{}
	sizes := map[string]int{}
	for i, f := range c.frames {
		reserialize(t, f)
		p := decode(t, f)
		switch n := len(f); {
		case n == 60:
			sizes["60"]++
		case n >= 1514:
			sizes["full"]++
		case n < 200:
			sizes["small"]++
		default:
			sizes["mid"]++
		}
		nf := p.NetworkLayer().NetworkFlow()
		a, b := nf.Src().String(), nf.Dst().String()
		if a > b {
			a, b = b, a
		}
		pairs[[2]string{a, b}] = true
		key, rev := nf.String(), nf.Reverse().String()
		if tl := p.TransportLayer(); tl != nil {
			key += " " + tl.TransportFlow().String()
			rev += " " + tl.TransportFlow().Reverse().String()
		}
		if !tuples[rev] {
			tuples[key] = true
		}
		switch l := p.TransportLayer().(type) {
		case *layers.TCP:
			tr.check(t, i+1, p, l)
		case *layers.UDP:
			if l.SrcPort == 53 || l.DstPort == 53 {
				dns, ok := p.Layer(layers.LayerTypeDNS).(*layers.DNS)
				if !ok || len(dns.Questions) != 1 || dns.QR != (l.SrcPort == 53) || (dns.QR && len(dns.Answers) != 1) {
					t.Fatalf("frame %d: bad DNS %+v", i+1, dns)
				}
			}
		}
	}
	e := cfg.Expect()
	got := tallyAll(c)
	if got.Packets != e.Packets || got.Bytes != e.Bytes || got.TCP != e.TCP || got.UDP != e.UDP || got.ICMP != e.ICMP || got.IPv6 != e.IPv6 || got.VLAN != e.VLAN || got.SYN != e.SYN || got.FIN != e.FIN {
		t.Fatalf("expectation\n%+v\ndoes not match output\n%+v", e, got)
	}
	if int64(len(tuples)) != e.Flows || int64(len(pairs)) != e.IPPairs || e.Flows > 1500 || e.IPPairs > 300 {
		t.Fatalf("output has %d tuples and %d pairs; expectation %d and %d", len(tuples), len(pairs), e.Flows, e.IPPairs)
	}
	n := float64(len(c.frames))
	share := func(x int64) float64 { return float64(x) / n }
	checks := []struct {
		what   string
		v      float64
		lo, hi float64
	}{
		{"IPv6", share(got.IPv6), 0.04, 0.20},
		{"VLAN", share(got.VLAN), 0.01, 0.12},
		{"TCP", share(got.TCP), 0.60, 0.97},
		{"UDP", share(got.UDP), 0.02, 0.35},
		{"ICMP", share(got.ICMP), 0.002, 0.10},
		{"60-byte", share(int64(sizes["60"])), 0.15, 0.6},
		{"full-size", share(int64(sizes["full"])), 0.15, 0.6},
		{"mid-size", share(int64(sizes["mid"])), 0.05, 0.6},
	}
	for _, ck := range checks {
		if ck.v < ck.lo || ck.v > ck.hi {
			t.Errorf("%s share %.3f outside [%.3f, %.3f] (sizes %v)", ck.what, ck.v, ck.lo, ck.hi, sizes)
		}
	}
}

func TestMixTargets(t *testing.T) {
	tests := []struct {
		cfg        Mix
		packets    int64
		minB, maxB int64
	}{
		{cfg: Mix{Packets: 1234, Pairs: 10, Flows: 40}, packets: 1234},
		{cfg: Mix{Bytes: 1 << 20, Pairs: 50, Flows: 500}, minB: 1 << 20, maxB: 1<<20 + maxFrame},
		{cfg: Mix{Bytes: 1 << 20, Packets: 100, Pairs: 50, Flows: 500}, packets: 100},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d/%d", tt.cfg.Packets, tt.cfg.Bytes), func(t *testing.T) {
			e := tt.cfg.Expect()
			if tt.packets != 0 && e.Packets != tt.packets {
				t.Fatalf("%d packets, want %d", e.Packets, tt.packets)
			}
			if tt.minB != 0 && (e.Bytes < tt.minB || e.Bytes >= tt.maxB) {
				t.Fatalf("%d bytes, want [%d, %d)", e.Bytes, tt.minB, tt.maxB)
			}
		})
	}
}

func TestMixReproducible(t *testing.T) {
	cfg := Mix{Packets: 3000, Pairs: 40, Flows: 200, Seed: 9}
	a, b := collect(t, cfg), collect(t, cfg)
	cfg.Seed = 10
	c := collect(t, cfg)
	differ := 0
	for i := range a.frames {
		if !bytes.Equal(a.frames[i], b.frames[i]) || a.infos[i] != b.infos[i] {
			t.Fatalf("frame %d differs with the same seed", i+1)
		}
		if !bytes.Equal(a.frames[i], c.frames[i]) {
			differ++
		}
	}
	if differ < len(a.frames)/2 {
		t.Fatalf("another seed changed only %d of %d frames", differ, len(a.frames))
	}
}

func TestMixConfigErrors(t *testing.T) {
	tests := []struct {
		cfg  Mix
		want string
	}{
		{Mix{Packets: -1}, "negative"},
		{Mix{Pairs: 5_000_000, Flows: 5_000_000}, "more than"},
		{Mix{Pairs: 100, Flows: 10}, "cannot cover"},
		{Mix{Pairs: 1, Flows: 70_000}, "ports per pair"},
		{Mix{Rate: -1}, "rate"},
	}
	for _, tt := range tests {
		if _, err := tt.cfg.plan(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: error %v, want %q", tt.cfg, err, tt.want)
		}
	}
}

func newMixGenFor(t testing.TB, c Mix) *mixGen {
	t.Helper()
	p, err := c.plan()
	if err != nil {
		t.Fatal(err)
	}
	return newMixGen(&p)
}

func TestMixNoAllocs(t *testing.T) {
	g := newMixGenFor(t, Mix{Packets: 1 << 40})
	buf := make([]byte, maxFrame)
	for range 5000 { // warm up: every slot opened
		n, _, _ := g.next()
		g.fill(buf[:n])
	}
	allocs := testing.AllocsPerRun(20000, func() {
		n, _, _ := g.next()
		g.fill(buf[:n])
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per packet", allocs)
	}
}

// BenchmarkMix measures generation throughput (MB/s of frames) with the
// default pairs and flows.
func BenchmarkMix(b *testing.B) {
	g := newMixGenFor(b, Mix{Packets: 1 << 40})
	buf := make([]byte, maxFrame)
	var total int64
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		n, _, _ := g.next()
		g.fill(buf[:n])
		total += int64(n)
	}
	b.SetBytes(total / int64(b.N))
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pkts/s")
}

// BenchmarkMixGraph generates 256 MiB of mix through a real pipeline.Graph
// (no sinks) per iteration and reports the throughput.
func BenchmarkMixGraph(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(256 << 20)
	for range b.N {
		g := &pipeline.Graph{Source: Mix{Bytes: 256 << 20}, Workers: 1}
		if _, err := g.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
