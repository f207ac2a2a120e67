package generators

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// trAnswer is what a test reads from one traceroute frame.
type trAnswer struct {
	src, dst       netip.Addr
	ttl            uint8
	typ, code      uint8
	id, seq, dport uint16 // of the probe, or of the quoted probe
	quoted         []byte
	payload        []byte
}

func readTraceroute(t *testing.T, f []byte) trAnswer {
	t.Helper()
	p := decode(t, f)
	var a trAnswer
	switch ip := p.NetworkLayer().(type) {
	case *layers.IPv4:
		a.src, _ = netip.AddrFromSlice(ip.SrcIP)
		a.dst, _ = netip.AddrFromSlice(ip.DstIP)
		a.ttl = ip.TTL
	case *layers.IPv6:
		a.src, _ = netip.AddrFromSlice(ip.SrcIP)
		a.dst, _ = netip.AddrFromSlice(ip.DstIP)
		a.ttl = ip.HopLimit
	}
	if u, ok := p.Layer(layers.LayerTypeUDP).(*layers.UDP); ok {
		a.typ, a.id, a.dport, a.payload = 255, uint16(u.SrcPort), uint16(u.DstPort), u.Payload
		return a
	}
	if ic, ok := p.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4); ok {
		a.typ, a.code = ic.TypeCode.Type(), ic.TypeCode.Code()
		a.id, a.seq, a.payload = ic.Id, ic.Seq, ic.Payload
		a.quoted = ic.Payload
		return a
	}
	ic := p.Layer(layers.LayerTypeICMPv6).(*layers.ICMPv6)
	a.typ, a.code = ic.TypeCode.Type(), ic.TypeCode.Code()
	if len(ic.Payload) >= 4 {
		a.id, a.seq = uint16(ic.Payload[0])<<8|uint16(ic.Payload[1]), uint16(ic.Payload[2])<<8|uint16(ic.Payload[3])
		a.payload, a.quoted = ic.Payload[4:], ic.Payload[4:]
	}
	return a
}

func TestTraceroute(t *testing.T) {
	tests := []struct {
		name string
		cfg  Traceroute
	}{
		{"icmp", Traceroute{}},
		{"udp", Traceroute{UDP: true, Seed: 3}},
		{"icmp-silent-vlan", Traceroute{Silent: []int{2}, VLAN: 9, Probes: 2}},
		{"ipv6-icmp", Traceroute{IPv6: true}},
		{"ipv6-udp-silent", Traceroute{IPv6: true, UDP: true, Silent: []int{1, 3}, PayloadLen: 100}},
		{"custom-hops", Traceroute{Hops: []netip.Addr{netip.MustParseAddr("10.9.0.1")}, Target: netip.MustParseAddr("10.9.9.9"), ID: 4242, Probes: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.cfg.plan()
			if err != nil {
				t.Fatal(err)
			}
			c := collect(t, tt.cfg)
			checkCapture(t, c, "traceroute")
			v6 := p.Src.Is6()
			hops := len(p.Hops)
			var last trAnswer // the last probe
			var lastTs int64
			probes := map[uint8]int{}
			nprobes := 0
			answers := map[netip.Addr]int{}
			for i, f := range c.frames {
				reserialize(t, f)
				a := readTraceroute(t, f)
				ts := c.infos[i].Timestamp
				if a.src == p.Src { // a probe
					if a.dst != p.Target || a.id != p.ID || !bytes.Equal(a.payload, p.payload) {
						t.Fatalf("frame %d: probe %+v", i+1, a)
					}
					nprobes++
					if p.UDP && a.dport != trBasePort+uint16(nprobes-1) {
						t.Fatalf("frame %d: probe %d to port %d", i+1, nprobes, a.dport)
					}
					probes[a.ttl]++
					if i > 0 && readTraceroute(t, c.frames[i-1]).src == p.Src && ts-lastTs != int64(p.Timeout) {
						t.Fatalf("frame %d: %v after an unanswered probe, want the %v timeout", i+1, time.Duration(ts-lastTs), p.Timeout)
					}
					last, lastTs = a, ts
					continue
				}
				hop := int(last.ttl) - 1
				wantSrc := p.Target
				if hop < hops {
					wantSrc = p.Hops[hop]
				}
				if a.src != wantSrc || a.dst != p.Src || a.ttl != uint8(64-hop) {
					t.Fatalf("frame %d: answer from %v to %v ttl %d, want from %v (hop %d)", i+1, a.src, a.dst, a.ttl, wantSrc, hop+1)
				}
				answers[a.src]++
				rtt := time.Duration(ts - lastTs)
				base := p.RTT + time.Duration(hop)*p.HopRTT
				if rtt < base*9/10-1 || rtt > base*11/10+1 {
					t.Fatalf("frame %d: RTT %v, want %v ±10%%", i+1, rtt, base)
				}
				type tc struct{ typ, code uint8 }
				want := tc{11, 0}
				switch {
				case hop == hops && !p.UDP && !v6:
					want = tc{0, 0}
				case hop == hops && !p.UDP:
					want = tc{129, 0}
				case hop == hops && !v6:
					want = tc{3, 3}
				case hop == hops:
					want = tc{1, 4}
				case v6:
					want = tc{3, 0}
				}
				if (tc{a.typ, a.code}) != want {
					t.Fatalf("frame %d: ICMP %d/%d, want %d/%d", i+1, a.typ, a.code, want.typ, want.code)
				}
				if want.typ == 0 || want.typ == 129 {
					if a.id != p.ID || a.seq != last.seq || !bytes.Equal(a.payload, p.payload) {
						t.Fatalf("frame %d: echo reply %+v does not match probe %+v", i+1, a, last)
					}
					continue
				}
				checkQuote(t, i+1, a.quoted, &p, c.frames[i-1])
			}
			for ttl := 1; ttl <= hops+1; ttl++ {
				if probes[uint8(ttl)] != p.Probes {
					t.Fatalf("%d probes with TTL %d, want %d", probes[uint8(ttl)], ttl, p.Probes)
				}
			}
			for h, silent := range p.silent {
				if n := answers[p.Hops[h]]; (n == 0) != silent || (!silent && n != p.Probes) {
					t.Fatalf("hop %d (silent %v) answered %d times", h+1, silent, n)
				}
			}
			e := tt.cfg.Expect()
			got := tallyAll(c)
			if e.Packets != got.Packets || e.Bytes != got.Bytes || e.ICMP != got.ICMP || e.UDP != got.UDP || e.Probes != int64(p.Probes*(hops+1)) || e.Hops != hops+1 ||
				e.TimeExceeded+e.EchoReplies+e.PortUnreachable != int64(len(answersFlat(answers))) {
				t.Fatalf("expectation %+v does not match output %+v, answers %v", e, got, answers)
			}
		})
	}
}

func answersFlat(m map[netip.Addr]int) []netip.Addr {
	var out []netip.Addr
	for a, n := range m {
		for range n {
			out = append(out, a)
		}
	}
	return out
}

// checkQuote checks an ICMP error's quote against the probe frame it
// answers: the same IP header except a TTL of 1 (with a valid IPv4
// checksum), and the probe's first bytes.
func checkQuote(t *testing.T, frame int, quoted []byte, p *trPlan, probeFrame []byte) {
	t.Helper()
	pp := decode(t, probeFrame)
	probeIP := pp.NetworkLayer().LayerContents()
	probeL4 := pp.NetworkLayer().LayerPayload()
	var q gopacket.Packet
	if p.Src.Is6() {
		q = gopacket.NewPacket(quoted, layers.LayerTypeIPv6, gopacket.Default)
		ip6 := q.Layer(layers.LayerTypeIPv6).(*layers.IPv6)
		if ip6.HopLimit != 1 || len(quoted) != 40+len(probeL4) {
			t.Fatalf("frame %d: quoted IPv6 hop limit %d, %d bytes", frame, ip6.HopLimit, len(quoted))
		}
	} else {
		q = gopacket.NewPacket(quoted, layers.LayerTypeIPv4, gopacket.Default)
		ip4 := q.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		if ip4.TTL != 1 || len(quoted) != 28 || checksum(sum(0, quoted[:20])) != 0 {
			t.Fatalf("frame %d: quoted IPv4 TTL %d, %d bytes, checksum valid %v", frame, ip4.TTL, len(quoted), checksum(sum(0, quoted[:20])) == 0)
		}
	}
	qh := quoted[:len(probeIP)]
	diff := 0
	for i := range qh {
		if qh[i] != probeIP[i] {
			diff++
		}
	}
	// Only the TTL (and for IPv4 the checksum) may differ.
	if (p.Src.Is6() && diff > 1) || diff > 3 {
		t.Fatalf("frame %d: quoted header differs from the probe's in %d bytes", frame, diff)
	}
	if rest := quoted[len(probeIP):]; !bytes.Equal(rest, probeL4[:len(rest)]) {
		t.Fatalf("frame %d: quoted transport bytes % x, probe % x", frame, rest, probeL4[:len(rest)])
	}
}

func TestTracerouteReproducible(t *testing.T) {
	a, b := collect(t, Traceroute{Seed: 1}), collect(t, Traceroute{Seed: 1})
	c := collect(t, Traceroute{Seed: 2})
	for i := range a.frames {
		if !bytes.Equal(a.frames[i], b.frames[i]) || a.infos[i] != b.infos[i] {
			t.Fatalf("frame %d differs with the same seed", i+1)
		}
	}
	if a.infos[1].Timestamp == c.infos[1].Timestamp && bytes.Equal(a.frames[0], c.frames[0]) {
		t.Fatal("another seed changed nothing")
	}
}

func TestTracerouteConfigErrors(t *testing.T) {
	tests := []struct {
		cfg  Traceroute
		want string
	}{
		{Traceroute{Silent: []int{5}}, "silent hop"},
		{Traceroute{Silent: []int{0}}, "silent hop"},
		{Traceroute{Hops: []netip.Addr{netip.MustParseAddr("::1")}}, "not an IPv4"},
		{Traceroute{Src: netip.MustParseAddr("::1"), Target: netip.MustParseAddr("10.0.0.1")}, "one IP version"},
		{Traceroute{Probes: 11}, "probes"},
		{Traceroute{PayloadLen: 2000}, "payload"},
		{Traceroute{Hops: make([]netip.Addr, 255)}, "254"},
		{Traceroute{VLAN: 5000}, "VLAN"},
	}
	for _, tt := range tests {
		if _, err := tt.cfg.plan(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("error %v, want %q", err, tt.want)
		}
	}
}
