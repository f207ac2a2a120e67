package generators

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"time"

	"github.com/pcapflow/pcapflow/pipeline"
)

// Traceroute generates a traceroute as seen on the probing host: probes
// with TTL (hop limit) 1, 2, ... each sent Probes times, an ICMP time
// exceeded from the router at each hop quoting the probe, and the target's
// answer at the last hop: an echo reply to ICMP echo probes, or a port
// unreachable to UDP probes (ports 33434 and up, one per probe). Both
// IPv4 (ICMP) and IPv6 (ICMPv6) are supported. Zero fields pick defaults;
// each maps to one flag of `pcapflow gen traceroute`.
type Traceroute struct {
	// Src is the probing host (default 192.168.1.10, or 2001:db8:1::10
	// with IPv6).
	Src netip.Addr
	// Target is the traced destination (default 198.51.100.7, or
	// 2001:db8:2::7 with IPv6). It answers the probes whose TTL is
	// len(Hops)+1.
	Target netip.Addr
	// Hops are the routers on the way, nearest first (default 192.168.1.1,
	// 10.0.0.1, 10.0.1.1, 203.0.113.1, or 2001:db8:1::1, 2001:db8:a::1,
	// 2001:db8:b::1, 2001:db8:c::1 with IPv6); at most 254.
	Hops []netip.Addr
	// IPv6 switches the default addresses to IPv6.
	IPv6 bool
	// Probes is the number of probes per hop (default 3, at most 10).
	Probes int
	// UDP sends UDP probes (to port 33434 for the first probe, one more
	// for each next probe) instead of ICMP echo requests.
	UDP bool
	// Silent lists hop numbers (1-based; routers only, not the target)
	// that never answer, shown by traceroute as "* * *".
	Silent []int
	// RTT is the round-trip time to the first router (default 1ms); each
	// further hop adds HopRTT (default 5ms). Each answer varies by up to
	// ±10%, from Seed.
	RTT, HopRTT time.Duration
	// Timeout is how long the prober waits for an answer that never comes
	// before the next probe (default 3s).
	Timeout time.Duration
	// ID is the ICMP echo identifier or the UDP source port (default
	// chosen from Seed: 1024..65535).
	ID uint16
	// PayloadLen is the probe's data length after the ICMP or UDP header
	// (default 32, at most 1400).
	PayloadLen int
	// Start is the first timestamp (default 2024-01-01T00:00:00Z).
	Start time.Time
	// Seed seeds the RTT variation and the default ID.
	Seed uint64
	// VLAN, when not 0, tags every frame with this 802.1Q id.
	VLAN uint16
	// SrcMAC and GatewayMAC are the prober's and its first router's
	// Ethernet addresses (defaults 00:00:01:00:00:01 and 00:00:01:00:00:02).
	SrcMAC, GatewayMAC net.HardwareAddr
}

// Kinds of traceroute packet.
const (
	trProbe = iota
	trTimeExceeded
	trEchoReply
	trUnreachable
)

// Traceroute constants.
const (
	trBasePort  = 33434
	trProbeTurn = 50 * time.Microsecond // between an answer and the next probe
)

type trPlan struct {
	Traceroute
	silent  []bool // by hop index (0-based)
	out     path   // prober to gateway
	payload []byte
}

type trRec struct {
	t    int64
	kind uint8
	hop  int    // 0-based hop that sent the answer (len(Hops) = target)
	ttl  uint8  // probe's TTL
	seq  uint16 // probe number from 1
}

func (c Traceroute) plan() (trPlan, error) {
	p := trPlan{Traceroute: c}
	s := &p.Traceroute
	v6 := s.IPv6 || (s.Src.IsValid() && s.Src.Unmap().Is6()) || (s.Target.IsValid() && s.Target.Unmap().Is6())
	if len(s.Hops) == 0 {
		def := []string{"192.168.1.1", "10.0.0.1", "10.0.1.1", "203.0.113.1"}
		if v6 {
			def = []string{"2001:db8:1::1", "2001:db8:a::1", "2001:db8:b::1", "2001:db8:c::1"}
		}
		s.Hops = nil
		for _, h := range def {
			s.Hops = append(s.Hops, netip.MustParseAddr(h))
		}
	} else {
		s.Hops = slices.Clone(s.Hops)
	}
	var err error
	if s.Src, s.Target, err = endpoints(s.Src, s.Target, v6, "192.168.1.10", "198.51.100.7", "2001:db8:1::10", "2001:db8:2::7"); err != nil {
		return p, fmt.Errorf("traceroute: %w", err)
	}
	if len(s.Hops) > 254 {
		return p, fmt.Errorf("traceroute: %d hops is more than 254", len(s.Hops))
	}
	for i, h := range s.Hops {
		s.Hops[i] = h.Unmap()
		if !h.IsValid() || s.Hops[i].Is6() != v6 {
			return p, fmt.Errorf("traceroute: hop %d (%v) is not an IPv%d address", i+1, h, map[bool]int{false: 4, true: 6}[v6])
		}
	}
	p.silent = make([]bool, len(s.Hops))
	for _, h := range s.Silent {
		if h < 1 || h > len(s.Hops) {
			return p, fmt.Errorf("traceroute: silent hop %d is not a router hop (1..%d)", h, len(s.Hops))
		}
		p.silent[h-1] = true
	}
	if s.Probes == 0 {
		s.Probes = 3
	}
	if s.PayloadLen == 0 {
		s.PayloadLen = 32
	}
	if s.RTT == 0 {
		s.RTT = time.Millisecond
	}
	if s.HopRTT == 0 {
		s.HopRTT = 5 * time.Millisecond
	}
	if s.Timeout == 0 {
		s.Timeout = 3 * time.Second
	}
	if s.Probes < 0 || s.Probes > 10 || s.PayloadLen < 0 || s.PayloadLen > 1400 || s.RTT < 0 || s.HopRTT < 0 || s.Timeout < 0 {
		return p, errors.New("traceroute: probes must be 1..10, payload 0..1400 bytes, times not negative")
	}
	if s.ID == 0 {
		r := newRNG(s.Seed, 30)
		s.ID = uint16(1024 + r.intn(65536-1024))
	}
	if s.VLAN > 4094 {
		return p, fmt.Errorf("traceroute: VLAN id %d out of range 1..4094", s.VLAN)
	}
	sm, err := macOr(s.SrcMAC, defaultSrcMAC)
	if err != nil {
		return p, fmt.Errorf("traceroute: source MAC: %w", err)
	}
	gm, err := macOr(s.GatewayMAC, defaultDstMAC)
	if err != nil {
		return p, fmt.Errorf("traceroute: gateway MAC: %w", err)
	}
	p.out = newPath(sm, gm, s.VLAN, s.Src, s.Target, 0)
	p.payload = make([]byte, s.PayloadLen)
	for i := range p.payload {
		p.payload[i] = byte(0x40 + i%64) // like traceroute's fill pattern
	}
	return p, nil
}

// schedule lays out every probe and answer in capture order.
func (p *trPlan) schedule() []trRec {
	r := newRNG(p.Seed, 31)
	t := newClock(p.Start, 1).start
	var recs []trRec
	seq := uint16(0)
	for hop := 0; hop <= len(p.Hops); hop++ {
		for range p.Probes {
			seq++
			recs = append(recs, trRec{t: t, kind: trProbe, hop: hop, ttl: uint8(hop + 1), seq: seq})
			if hop < len(p.Hops) && p.silent[hop] {
				t += int64(p.Timeout)
				continue
			}
			rtt := float64(p.RTT + time.Duration(hop)*p.HopRTT)
			t += int64(rtt * (0.9 + 0.2*r.float()))
			kind := uint8(trTimeExceeded)
			switch {
			case hop < len(p.Hops):
			case p.UDP:
				kind = trUnreachable
			default:
				kind = trEchoReply
			}
			recs = append(recs, trRec{t: t, kind: kind, hop: hop, ttl: uint8(hop + 1), seq: seq})
			t += int64(trProbeTurn)
		}
	}
	return recs
}

// Run generates the traceroute into em's graph. It implements pipeline.Source.
func (c Traceroute) Run(ctx context.Context, em *pipeline.Emitter) error {
	p, err := c.plan()
	if err != nil {
		return err
	}
	return run(ctx, em, "traceroute", &trGen{p: &p, recs: p.schedule()})
}

// Expect returns what an analysis of the traceroute must find. An invalid
// config gives a zero Expectation.
func (c Traceroute) Expect() Expectation {
	p, err := c.plan()
	if err != nil {
		return Expectation{Generator: "traceroute"}
	}
	g := &trGen{p: &p, recs: p.schedule()}
	e := dryRun("traceroute", g)
	e.Hops = len(p.Hops) + 1
	e.Sessions, e.DistinctSources = 1, 1
	answering := int64(0)
	for _, s := range p.silent {
		if !s {
			answering++
		}
	}
	e.IPPairs = 1 + answering
	e.Flows = 1 + answering // echo requests and replies share one ICMP flow
	for _, r := range g.recs {
		switch r.kind {
		case trProbe:
			e.Probes++
		case trTimeExceeded:
			e.TimeExceeded++
		case trEchoReply:
			e.EchoReplies++
		case trUnreachable:
			e.PortUnreachable++
		}
	}
	e.Connections = e.Probes
	if p.UDP {
		// One UDP flow per probe (distinct ports), one ICMP flow per
		// answering router and one from the target.
		e.Flows = e.Probes + answering + 1
	}
	return e
}

type trGen struct {
	p    *trPlan
	recs []trRec
	pos  int
	cur  *trRec
}

// probeLen is the transport length of a probe.
func (p *trPlan) probeLen() int { return 8 + len(p.payload) }

// quoteLen is how much of the probe an ICMP error quotes: the IP header
// and 8 bytes (RFC 792) for IPv4; the whole probe for IPv6 (RFC 4443
// quotes as much as fits in the minimum MTU).
func (p *trPlan) quoteLen() int {
	if p.out.v6 {
		return 40 + p.probeLen()
	}
	return 20 + 8
}

func (g *trGen) l4Len(r *trRec) int {
	switch r.kind {
	case trProbe, trEchoReply:
		return g.p.probeLen()
	default:
		return 8 + g.p.quoteLen()
	}
}

func (g *trGen) next() (int, int64, bool) {
	if g.pos >= len(g.recs) {
		return 0, 0, false
	}
	g.cur = &g.recs[g.pos]
	g.pos++
	pth := g.p.out
	return pth.frameLen(g.l4Len(g.cur)), g.cur.t, true
}

// answerPath is the path of an answer from hop (len(Hops) = the target).
func (g *trGen) answerPath(hop int) path {
	back := g.p.out.reverse(uint8(64 - hop))
	from := g.p.Target
	if hop < len(g.p.Hops) {
		from = g.p.Hops[hop]
	}
	putAddr(back.src[:], from)
	return back
}

// probeProto is the IP protocol of the probes.
func (p *trPlan) probeProto() uint8 {
	switch {
	case p.UDP:
		return protoUDP
	case p.out.v6:
		return protoICMPv6
	default:
		return protoICMP
	}
}

// putProbe writes probe r (IP header onwards) into frame with path pth
// and returns the offset of its transport header.
func (g *trGen) putProbe(frame []byte, pth *path, r *trRec) int {
	p := g.p
	n := p.probeLen()
	proto := p.probeProto()
	_, off := pth.put(frame, proto, uint32(r.seq), n)
	b := frame[off : off+n]
	copy(b[8:], p.payload)
	switch proto {
	case protoUDP:
		putUDP(b, p.ID, trBasePort+r.seq-1, n)
	case protoICMPv6:
		putICMP(b, 128, 0, p.ID, r.seq)
	default:
		putICMP(b, 8, 0, p.ID, r.seq)
	}
	pth.finishAll(b, proto)
	return off
}

func (g *trGen) fill(dst []byte) {
	r := g.cur
	p := g.p
	l4 := g.l4Len(r)
	if r.kind == trProbe {
		out := p.out
		out.ttl = r.ttl
		g.putProbe(dst, &out, r)
		return
	}
	back := g.answerPath(r.hop)
	proto := uint8(protoICMP)
	if back.v6 {
		proto = protoICMPv6
	}
	_, off := back.put(dst, proto, uint32(r.seq)+0x8000, l4)
	seg := dst[off : off+l4]
	if r.kind == trEchoReply {
		typ := uint8(0)
		if back.v6 {
			typ = 129
		}
		putICMP(seg, typ, 0, p.ID, r.seq)
		copy(seg[8:], p.payload)
		back.finishAll(seg, proto)
		return
	}
	typ, code := uint8(11), uint8(0) // time exceeded in transit
	switch {
	case r.kind == trUnreachable && back.v6:
		typ, code = 1, 4 // destination unreachable: port unreachable
	case r.kind == trUnreachable:
		typ, code = 3, 3
	case back.v6:
		typ = 3
	}
	putICMP(seg, typ, code, 0, 0)
	g.quote(seg[8:], r)
	back.finishAll(seg, proto)
}

// quote writes the start of probe r as it reached the answering node:
// with TTL 1 (and, for IPv4, the header checksum for that TTL).
func (g *trGen) quote(b []byte, r *trRec) {
	p := g.p
	q := p.out
	q.ttl = 1
	q.vlan = 0
	var full [14 + 40 + 8 + 1400]byte
	g.putProbe(full[:], &q, r)
	copy(b, full[14:14+p.quoteLen()])
}
