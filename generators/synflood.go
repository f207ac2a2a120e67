package generators

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/pcapflow/pcapflow/pipeline"
)

// SynFlood generates TCP SYNs from many sources to one server port, as a
// SYN flood looks on the wire: no SYN-ACK ever answers them. Zero fields
// pick the documented defaults. Each field maps to one flag of
// `pcapflow gen synflood`.
type SynFlood struct {
	// Count is the number of SYNs (default 100).
	Count int
	// Src is the source range, walked one address per SYN starting at the
	// prefix's address (default 192.168.0.1/16, or 2001:db8:1::1/64 with
	// IPv6). The walk skips the IPv4 network and broadcast addresses (for
	// prefixes up to /30) and the IPv6 subnet-router anycast address; other
	// addresses, including x.x.x.0 and x.x.x.255 inside a larger prefix, are
	// used. After the last address it wraps to the first usable one and
	// Warnings reports it. IPv6 prefixes shorter than /64 use their lowest
	// 2^64-1 host numbers.
	Src netip.Prefix
	// RandomSrc visits the same addresses in a seeded random order without
	// repeating one until the range is exhausted.
	RandomSrc bool
	// SPort is the source port of every SYN (default 60001).
	SPort uint16
	// RandomSPort picks a random source port in 1024..65535 per SYN instead.
	RandomSPort bool
	// Dst is the target address (default 172.16.0.1, or 2001:db8:2::1 with IPv6).
	Dst netip.Addr
	// DPort is the target port (default 80).
	DPort uint16
	// IPv6 switches the default addresses to IPv6. Src and Dst, when set,
	// must be of one family, and IPv6 must agree with them.
	IPv6 bool
	// Rate is the number of SYNs per second of capture time (default 1000).
	Rate float64
	// Start is the first timestamp (default 2024-01-01T00:00:00Z).
	Start time.Time
	// Seed seeds every random choice (ISNs, IP ids, TCP timestamps, random
	// sources and ports); the same config always gives identical bytes.
	Seed uint64
	// VLAN, when not 0, adds an 802.1Q tag with this id (1..4094).
	VLAN uint16
	// SrcMAC and DstMAC are the Ethernet addresses (defaults
	// 00:00:01:00:00:01 and 00:00:01:00:00:02).
	SrcMAC, DstMAC net.HardwareAddr
	// TCPOptions adds the options of a Linux SYN: MSS 1460 (1440 over
	// IPv6), SACK permitted, timestamps (random TSval) and window scale 7.
	TCPOptions bool
	// TTL is the IPv4 TTL or IPv6 hop limit (default 64).
	TTL uint8
	// Window is the TCP window (default 64240, Linux's SYN window).
	Window uint16
}

// synPlan is a SynFlood with defaults applied and validated.
type synPlan struct {
	count          int
	hosts          hostRange
	random         bool
	sport          uint16
	randomSPort    bool
	dst            netip.Addr
	dport          uint16
	clock          clock
	seed           uint64
	srcMAC, dstMAC [6]byte
	vlan           uint16
	options        bool
	ttl            uint8
	window         uint16
}

func (c SynFlood) plan() (synPlan, error) {
	p := synPlan{
		count: c.Count, random: c.RandomSrc, sport: c.SPort, randomSPort: c.RandomSPort,
		dst: c.Dst, dport: c.DPort, seed: c.Seed, vlan: c.VLAN, options: c.TCPOptions,
		ttl: c.TTL, window: c.Window,
	}
	if p.count == 0 {
		p.count = 100
	}
	if p.count < 0 {
		return p, errors.New("synflood: count must not be negative")
	}
	src := c.Src
	v6 := c.IPv6
	if src.IsValid() {
		v6 = v6 || src.Addr().Unmap().Is6()
	}
	if p.dst.IsValid() {
		p.dst = p.dst.Unmap()
		v6 = v6 || p.dst.Is6()
	}
	if !src.IsValid() {
		src = netip.MustParsePrefix("192.168.0.1/16")
		if v6 {
			src = netip.MustParsePrefix("2001:db8:1::1/64")
		}
	}
	if !p.dst.IsValid() {
		p.dst = netip.MustParseAddr("172.16.0.1")
		if v6 {
			p.dst = netip.MustParseAddr("2001:db8:2::1")
		}
	}
	if src.Addr().Unmap().Is6() != v6 || p.dst.Is6() != v6 {
		return p, fmt.Errorf("synflood: source %v and destination %v must both be IPv%s", src, p.dst, map[bool]string{false: "4", true: "6"}[v6])
	}
	var err error
	if p.hosts, err = newHostRange(src); err != nil {
		return p, fmt.Errorf("synflood: source: %w", err)
	}
	if p.sport == 0 {
		p.sport = 60001
	}
	if p.dport == 0 {
		p.dport = 80
	}
	rate, ok := checkRate(c.Rate, 1000)
	if !ok {
		return p, fmt.Errorf("synflood: rate %v must be positive", c.Rate)
	}
	p.clock = newClock(c.Start, rate)
	if p.vlan > 4094 {
		return p, fmt.Errorf("synflood: VLAN id %d out of range 1..4094", p.vlan)
	}
	if p.srcMAC, err = macOr(c.SrcMAC, defaultSrcMAC); err != nil {
		return p, fmt.Errorf("synflood: source MAC: %w", err)
	}
	if p.dstMAC, err = macOr(c.DstMAC, defaultDstMAC); err != nil {
		return p, fmt.Errorf("synflood: destination MAC: %w", err)
	}
	if p.ttl == 0 {
		p.ttl = 64
	}
	if p.window == 0 {
		p.window = 64240
	}
	return p, nil
}

// macOr returns m as an array, or def when m is empty.
func macOr(m net.HardwareAddr, def [6]byte) ([6]byte, error) {
	if len(m) == 0 {
		return def, nil
	}
	if len(m) != 6 {
		return def, fmt.Errorf("%v is not a 6-byte Ethernet address", m)
	}
	return [6]byte(m), nil
}

// Run generates the SYNs into em's graph. It implements pipeline.Source.
func (c SynFlood) Run(ctx context.Context, em *pipeline.Emitter) error {
	p, err := c.plan()
	if err != nil {
		return err
	}
	return run(ctx, em, "synflood", newSynGen(&p))
}

// Warnings reports configuration facts the user should know, such as the
// source range being too small for Count (addresses then repeat).
func (c SynFlood) Warnings() []string {
	p, err := c.plan()
	if err != nil {
		return nil
	}
	return p.warnings()
}

func (p *synPlan) warnings() []string {
	if uint64(p.count) > p.hosts.n {
		return []string{fmt.Sprintf("synflood: %d SYNs but only %d usable source addresses: sources wrap around and repeat", p.count, p.hosts.n)}
	}
	return nil
}

// Expect returns what an analysis of the flood must find: every SYN is
// half-open (never answered). It generates the flood internally, so it
// costs about as much as Run. An invalid config gives a zero Expectation.
func (c SynFlood) Expect() Expectation {
	p, err := c.plan()
	if err != nil {
		return Expectation{Generator: "synflood"}
	}
	e := dryRun("synflood", newSynGen(&p))
	distinct := min(uint64(p.count), p.hosts.n)
	e.DistinctSources = int64(distinct)
	e.IPPairs = int64(distinct)
	tuples := int64(distinct)
	if !p.randomSPort && uint64(p.count) > p.hosts.n {
		tuples = int64(p.hosts.n)
	} else if p.randomSPort {
		tuples = p.countTuples()
	}
	e.Flows, e.Connections, e.HalfOpen = tuples, tuples, tuples
	e.Warnings = p.warnings()
	return e
}

// countTuples counts distinct (source, source port) pairs when ports are
// random: exact, by replaying the random choices.
func (p *synPlan) countTuples() int64 {
	if uint64(p.count) <= p.hosts.n {
		return int64(p.count) // sources alone are distinct
	}
	g := newSynGen(p)
	seen := make(map[[2]uint64]struct{}, p.count)
	for range p.count {
		idx, sport := g.choose()
		seen[[2]uint64{idx, uint64(sport)}] = struct{}{}
		g.i++
	}
	return int64(len(seen))
}

// synGen builds SYNs by copying a template and patching the varying fields,
// with checksums from precomputed sums of the constant parts.
type synGen struct {
	p      *synPlan
	rng    rng
	perm   permutation
	i      int
	tmpl   []byte
	ipOff  int
	tcpOff int
	tsOff  int    // offset of TSval in the frame, 0 without options
	ipBase uint64 // IPv4 header sum without id, source and checksum
	l4Base uint64 // pseudo-header + TCP header sum without the varying fields
	// Current packet's choices.
	seq, tsval uint32
	ipid       uint16
}

func newSynGen(p *synPlan) *synGen {
	g := &synGen{p: p, rng: newRNG(p.seed, 1)}
	permRNG := newRNG(p.seed, 2)
	g.perm = newPermutation(p.hosts.n, &permRNG)
	src, dst := netip.Addr{}, p.dst
	if dst.Is4() {
		src = netip.IPv4Unspecified()
	} else {
		src = netip.IPv6Unspecified()
	}
	path := newPath(p.srcMAC, p.dstMAC, p.vlan, src, dst, p.ttl)
	var optBuf [20]byte
	var opts []byte
	if p.options {
		mss := uint16(1460)
		if path.v6 {
			mss = 1440
		}
		opts = synOptions(optBuf[:], mss, 0, 0, 7)
	}
	l4 := 20 + len(opts)
	g.tmpl = make([]byte, path.frameLen(l4))
	g.ipOff, g.tcpOff = path.put(g.tmpl, protoTCP, 0, l4)
	putTCP(g.tmpl[g.tcpOff:], 0, p.dport, 0, 0, tcpSyn, p.window, opts)
	if p.options {
		g.tsOff = g.tcpOff + 20 + synOptTSval
	}
	if !path.v6 {
		h := g.tmpl[g.ipOff : g.ipOff+20]
		h[10], h[11] = 0, 0
		g.ipBase = sum(0, h)
	}
	// Source address, ports, seq and TSval are zero in the template, so
	// these sums leave them out.
	g.l4Base = path.pseudoSum(protoTCP, l4) + sum(0, g.tmpl[g.tcpOff:g.tcpOff+l4])
	return g
}

// choose draws the random values of SYN number g.i and returns its source
// index and port.
func (g *synGen) choose() (idx uint64, sport uint16) {
	p := g.p
	n := uint64(g.i) % p.hosts.n
	if p.random {
		idx = g.perm.at(n)
	} else {
		idx = (p.hosts.start + n) % p.hosts.n
	}
	sport = p.sport
	if p.randomSPort {
		sport = uint16(1024 + g.rng.intn(65536-1024))
	}
	g.seq = g.rng.uint32()
	g.ipid = uint16(g.rng.uint32())
	if p.options {
		g.tsval = g.rng.uint32()
	}
	return idx, sport
}

func (g *synGen) next() (int, int64, bool) {
	if g.i >= g.p.count {
		return 0, 0, false
	}
	return len(g.tmpl), g.p.clock.at(int64(g.i)), true
}

func (g *synGen) fill(dst []byte) {
	idx, sport := g.choose()
	g.i++
	copy(dst, g.tmpl)
	ip, tcp := dst[g.ipOff:], dst[g.tcpOff:]
	var srcSum uint64
	if g.p.hosts.v6 {
		g.p.hosts.put(ip[8:24], idx)
		srcSum = sum(0, ip[8:24])
	} else {
		g.p.hosts.put(ip[12:16], idx)
		srcSum = sum(0, ip[12:16])
		binary.BigEndian.PutUint16(ip[4:], g.ipid)
		binary.BigEndian.PutUint16(ip[10:], checksum(g.ipBase+srcSum+uint64(g.ipid)))
	}
	binary.BigEndian.PutUint16(tcp[0:], sport)
	binary.BigEndian.PutUint32(tcp[4:], g.seq)
	acc := g.l4Base + srcSum + uint64(sport) + uint64(g.seq>>16) + uint64(g.seq&0xffff)
	if g.tsOff != 0 {
		binary.BigEndian.PutUint32(dst[g.tsOff:], g.tsval)
		acc += uint64(g.tsval>>16) + uint64(g.tsval&0xffff)
	}
	binary.BigEndian.PutUint16(tcp[16:], checksum(acc))
}
