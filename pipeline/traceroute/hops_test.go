package traceroute

import (
	"context"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
)

// reconstruct runs src through the decode stage into a Hops sink.
func reconstruct(t *testing.T, src pipeline.Source) []Path {
	t.Helper()
	h := NewHops(HopsOptions{})
	g := &pipeline.Graph{Source: src, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{})}, Sinks: []pipeline.Sink{h}, Workers: 2}
	if _, err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return h.Paths()
}

// TestHopsGenerated reconstructs traceroutes made by the traceroute
// generator, whose routers, RTTs and silent hops are known.
func TestHopsGenerated(t *testing.T) {
	for _, tc := range []struct {
		name string
		g    generators.Traceroute
	}{
		{"icmp", generators.Traceroute{Seed: 1}},
		{"udp", generators.Traceroute{UDP: true, Seed: 2}},
		{"ipv6 icmp", generators.Traceroute{IPv6: true, Seed: 3}},
		{"ipv6 udp", generators.Traceroute{IPv6: true, UDP: true, Seed: 4}},
		{"silent hop", generators.Traceroute{Silent: []int{2}, Probes: 2, Seed: 5}},
		{"vlan", generators.Traceroute{VLAN: 42, Seed: 6}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			paths := reconstruct(t, tc.g)
			exp := tc.g.Expect() // validates the defaults the same way
			_ = exp
			if len(paths) != 1 {
				t.Fatalf("%d paths, want 1", len(paths))
			}
			p := paths[0]
			hops := tc.g.Hops
			if len(hops) == 0 {
				def := []string{"192.168.1.1", "10.0.0.1", "10.0.1.1", "203.0.113.1"}
				if tc.g.IPv6 {
					def = []string{"2001:db8:1::1", "2001:db8:a::1", "2001:db8:b::1", "2001:db8:c::1"}
				}
				for _, s := range def {
					hops = append(hops, netip.MustParseAddr(s))
				}
			}
			target := netip.MustParseAddr("198.51.100.7")
			if tc.g.IPv6 {
				target = netip.MustParseAddr("2001:db8:2::7")
			}
			probes := max(tc.g.Probes, 1)
			if tc.g.Probes == 0 {
				probes = 3
			}
			if p.Dst != target || !p.Reached || len(p.Hops) != len(hops)+1 {
				t.Fatalf("path to %s reached=%v with %d hops; want %s reached with %d", p.Dst, p.Reached, len(p.Hops), target, len(hops)+1)
			}
			for i, h := range p.Hops {
				if h.TTL != i+1 || len(h.Probes) != probes {
					t.Errorf("hop %d: TTL %d with %d probes", i+1, h.TTL, len(h.Probes))
					continue
				}
				silent := false
				for _, s := range tc.g.Silent {
					silent = silent || s == i+1
				}
				wantFrom, wantKind := target, Reached
				if i < len(hops) {
					wantFrom, wantKind = hops[i], TimeExceeded
				}
				// The generator's RTTs: 1ms to the first router, 5ms more per hop, ±10%.
				nominal := time.Millisecond + time.Duration(i)*5*time.Millisecond
				for j, pr := range h.Probes {
					if silent {
						if pr.Kind != NotAnswer {
							t.Errorf("hop %d probe %d answered by %s, want *", i+1, j+1, pr.From)
						}
						continue
					}
					if pr.Kind != wantKind || pr.From != wantFrom {
						t.Errorf("hop %d probe %d: %v from %s, want %v from %s", i+1, j+1, pr.Kind, pr.From, wantKind, wantFrom)
					}
					if pr.RTT < nominal*9/10 || pr.RTT > nominal*11/10 {
						t.Errorf("hop %d probe %d: RTT %v, want %v ±10%%", i+1, j+1, pr.RTT, nominal)
					}
				}
			}
			var sb strings.Builder
			if err := WriteText(&sb, p); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(sb.String(), " 1   "+hops[0].String()+"  ") {
				t.Errorf("text output:\n%s", sb.String())
			}
		})
	}
}

// TestHopsCorpus reconstructs the Linux UDP traceroute of the corpus,
// captured on both sides of a router (each probe appears twice, the second
// time with its TTL one lower; answers appear twice too). As tcpdump -v
// shows, the three TTL-1 probes draw time exceeded from 107.23.85.134,
// TTLs 2 and 3 get no answer, and ports 33444 and 33445 (TTL 4) draw port
// unreachable from the target (33443 none), which ends the trace at hop 4.
func TestHopsCorpus(t *testing.T) {
	path := filepath.Join(corpus.Dir(t), "traceroute-udp-icmp.pcap")
	src, err := input.NewSource([]string{path}, input.Options{})
	if err != nil {
		t.Fatal(err)
	}
	paths := reconstruct(t, src)
	if len(paths) != 1 {
		t.Fatalf("%d paths, want 1", len(paths))
	}
	p := paths[0]
	var sb strings.Builder
	WriteText(&sb, p)
	t.Logf("\n%s", sb.String())
	if p.Src.String() != "107.23.35.142" || p.Dst.String() != "107.23.43.222" || p.Proto != ProtoUDP || !p.Reached || len(p.Hops) != 4 {
		t.Fatalf("path %s → %s proto %d reached=%v, %d hops", p.Src, p.Dst, p.Proto, p.Reached, len(p.Hops))
	}
	want := [4][3]string{
		{"107.23.85.134", "107.23.85.134", "107.23.85.134"},
		{"*", "*", "*"},
		{"*", "*", "*"},
		{"*", "107.23.43.222", "107.23.43.222"},
	}
	for i, h := range p.Hops {
		if h.TTL != i+1 || len(h.Probes) != 3 {
			t.Fatalf("hop %d: TTL %d, %d probes", i+1, h.TTL, len(h.Probes))
		}
		for j, pr := range h.Probes {
			got := "*"
			if pr.Kind != NotAnswer {
				got = pr.From.String()
			}
			if got != want[i][j] {
				t.Errorf("hop %d probe %d answered by %s, want %s", i+1, j+1, got, want[i][j])
			}
		}
	}
}
