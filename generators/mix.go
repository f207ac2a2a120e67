package generators

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/pcapflow/pcapflow/internal/splitmix"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Mix generates a realistic blend of traffic for benchmarks and tests:
// TCP connections with handshakes and FIN teardowns (bulk downloads with
// full-size segments and ACKs, and request/response exchanges), DNS
// queries and answers over UDP, larger UDP media/QUIC-sized datagrams and
// ICMP echo exchanges. About 10% of address pairs are IPv6 and about 5%
// carry an 802.1Q tag (IPv6Share, VLANShare). Frame sizes run from 60 to 1514 bytes: many
// ACK-sized, many full-size, some in between. Zero fields pick defaults;
// each field maps to one flag of `pcapflow gen mix`.
//
// Connections are interleaved: Concurrent of them are open at any time and
// each packet comes from one picked at random. When a connection ends, a
// new one takes its place in the same slot. Slot s cycles through the
// 5-tuples numbered s, s+Concurrent, s+2·Concurrent... below Flows, so at
// most Flows distinct 5-tuples appear, no 5-tuple ever carries two open
// connections, and a 5-tuple used again starts a new TCP handshake with
// new sequence numbers. Client ports are in Linux's ephemeral range
// 32768..60999. Port-80 request/response connections carry HTTP/1.1
// requests and responses (with Content-Length); other payloads are random
// bytes. State is O(Concurrent), whatever the output size.
type Mix struct {
	// Bytes stops the output once this many bytes were generated (the last
	// frame may cross it).
	Bytes int64
	// Packets stops the output after this many packets. With Bytes, the
	// first target reached ends the output; with neither, 100,000 packets.
	Packets int64
	// Pairs is the number of distinct client/server address pairs (default
	// 20,000; at most 4,000,000). Clients are in 10.0.0.0/8 or
	// 2001:db8:c::/64, servers (one per 16 pairs) in 198.18.0.0/15 or
	// 2001:db8:5::/64.
	Pairs int
	// Flows is the number of distinct 5-tuples (default 100,000; at least
	// Pairs, fewer than 28,232 per pair).
	Flows int
	// Concurrent is the number of connections open at once (default
	// min(Flows, 2,000); more than Flows is lowered to Flows, with a
	// warning, so that no 5-tuple carries two connections at once).
	Concurrent int
	// IPv6Share is the fraction (0..1) of address pairs that use IPv6
	// (default 0.1; negative: none).
	IPv6Share float64
	// VLANShare is the fraction (0..1) of address pairs whose frames carry
	// an 802.1Q tag, VLAN ids 100..163 (default 0.05; negative: none).
	VLANShare float64
	// Rate is the number of packets per second of capture time (default
	// 100,000); timestamps grow by 1/Rate seconds per packet.
	Rate float64
	// Start is the first timestamp (default 2024-01-01T00:00:00Z).
	Start time.Time
	// Seed seeds every choice; the same config gives identical bytes.
	Seed uint64
}

// Kinds of mix connection.
const (
	mixBulk        uint8 = iota // TCP download: request, full-size segments, ACK every 2nd
	mixInteractive              // TCP request/response turns of mixed sizes
	mixDNS                      // UDP query and answer
	mixMedia                    // UDP stream of equal-size datagrams, mostly downstream
	mixEcho                     // ICMP echo request/reply pairs
)

const (
	mixMaxPairs   = 4_000_000
	mixPortsStart = 32768
	mixPorts      = 60999 - 32768 + 1
)

// mixPlan is a Mix with defaults applied and validated.
type mixPlan struct {
	packets, bytes           int64
	pairs, flows, concurrent int
	servers                  int
	clock                    clock
	seed                     uint64
	meanLen                  float64
	serverMAC                [6]byte
	dnsQNames                [][]byte
	// v6Below and vlanBelow are the shares as thresholds over 16 bits of a
	// pair's hash: a pair is IPv6 (tagged) when its bits are below them.
	v6Below, vlanBelow uint32
	warnings           []string
}

func (c Mix) plan() (mixPlan, error) {
	p := mixPlan{packets: c.Packets, bytes: c.Bytes, pairs: c.Pairs, flows: c.Flows, concurrent: c.Concurrent, seed: c.Seed}
	if p.packets < 0 || p.bytes < 0 || p.pairs < 0 || p.flows < 0 || p.concurrent < 0 {
		return p, errors.New("mix: targets and counts must not be negative")
	}
	if p.packets == 0 && p.bytes == 0 {
		p.packets = 100_000
	}
	if p.pairs == 0 {
		p.pairs = 20_000
	}
	if p.flows == 0 {
		p.flows = max(100_000, p.pairs)
	}
	if p.pairs > mixMaxPairs {
		return p, fmt.Errorf("mix: %d pairs is more than %d", p.pairs, mixMaxPairs)
	}
	if p.flows < p.pairs {
		return p, fmt.Errorf("mix: %d flows cannot cover %d pairs", p.flows, p.pairs)
	}
	if p.flows/p.pairs >= mixPorts {
		return p, fmt.Errorf("mix: %d flows over %d pairs needs more than %d ports per pair", p.flows, p.pairs, mixPorts)
	}
	if p.concurrent == 0 {
		p.concurrent = min(p.flows, 2000)
	}
	if p.concurrent > p.flows {
		p.warnings = append(p.warnings, fmt.Sprintf("mix: %d concurrent connections but only %d 5-tuples: using %d concurrent connections", p.concurrent, p.flows, p.flows))
		p.concurrent = p.flows
	}
	var err error
	if p.v6Below, err = shareThreshold("IPv6", c.IPv6Share, 0.1); err != nil {
		return p, err
	}
	if p.vlanBelow, err = shareThreshold("VLAN", c.VLANShare, 0.05); err != nil {
		return p, err
	}
	rate, ok := checkRate(c.Rate, 100_000)
	if !ok {
		return p, fmt.Errorf("mix: rate %v must be positive", c.Rate)
	}
	p.clock = newClock(c.Start, rate)
	p.servers = max(1, p.pairs/16)
	// Aim for every 5-tuple to be used about once: the mean connection
	// length is the expected packet count over Flows (~800 bytes a frame).
	est := float64(p.packets)
	if p.bytes > 0 && (p.packets == 0 || float64(p.bytes)/800 < est) {
		est = float64(p.bytes) / 800
	}
	p.meanLen = max(est/float64(p.flows), 8)
	p.serverMAC = [6]byte{0x02, 0xfe, 0, 0, 0, 1}
	for _, n := range dnsNames {
		p.dnsQNames = append(p.dnsQNames, encodeName(n))
	}
	p.warnings = append(p.warnings, p.shareWarnings()...)
	return p, nil
}

// shareThreshold turns a share (0 picks def, negative means none) into a
// threshold over 16 hash bits.
func shareThreshold(what string, share, def float64) (uint32, error) {
	switch {
	case share == 0:
		share = def
	case share < 0:
		return 0, nil
	case share > 1 || math.IsNaN(share):
		return 0, fmt.Errorf("mix: %s share %v outside 0..1", what, share)
	}
	return uint32(math.Round(share * 65536)), nil
}

// mixShareScan is the most pairs shareWarnings checks one by one.
const mixShareScan = 1 << 16

// shareWarnings reports an IPv6 or VLAN share that no pair gets (few
// pairs and a small share), so the user is not surprised by an output
// without IPv6 or VLAN tags. Beyond mixShareScan pairs a non-zero share
// always gets some pairs in practice, so they are not checked.
func (p *mixPlan) shareWarnings() []string {
	if p.pairs > mixShareScan {
		return nil
	}
	g := mixGen{p: p}
	v6, vlan := 0, 0
	for pair := range uint32(p.pairs) {
		if g.pairV6(pair) {
			v6++
		}
		if g.pairVLAN(pair) {
			vlan++
		}
	}
	var w []string
	if p.v6Below > 0 && v6 == 0 {
		w = append(w, fmt.Sprintf("mix: none of the %d address pairs drew IPv6 (share %.3g): raise --pairs or --ipv6-share", p.pairs, float64(p.v6Below)/65536))
	}
	if p.vlanBelow > 0 && vlan == 0 {
		w = append(w, fmt.Sprintf("mix: none of the %d address pairs drew a VLAN tag (share %.3g): raise --pairs or --vlan-share", p.pairs, float64(p.vlanBelow)/65536))
	}
	return w
}

// Warnings reports configuration facts the user should know: a
// Concurrent above Flows (lowered), or an IPv6 or VLAN share no address
// pair draws. An invalid config has no warnings (Validate reports it).
func (c Mix) Warnings() []string {
	p, err := c.plan()
	if err != nil {
		return nil
	}
	return p.warnings
}

// Run generates the mix into em's graph. It implements pipeline.Source.
func (c Mix) Run(ctx context.Context, em *pipeline.Emitter) error {
	p, err := c.plan()
	if err != nil {
		return err
	}
	return run(ctx, em, "mix", newMixGen(&p))
}

// Expect returns what an analysis of the mix must find. It generates the
// whole mix internally (without keeping it), so it costs about as much
// as Run. An invalid config gives a zero Expectation.
func (c Mix) Expect() Expectation {
	p, err := c.plan()
	if err != nil {
		return Expectation{Generator: "mix"}
	}
	g := newMixGen(&p)
	e := dryRun("mix", g)
	g.finishExpect(&e)
	e.Warnings = p.warnings
	return e
}

// mixFlow is one open connection.
type mixFlow struct {
	k           uint64 // connection number, 0 = slot never used
	uses        uint32 // connections this slot has opened (kept across connections)
	first       bool   // the connection is the first on its 5-tuple
	tuple       uint32 // 5-tuple number
	kind        uint8
	step, total uint32
	cseq, sseq  uint32
	size        uint16 // media datagram payload
}

// mixPacket is the packet announced by next and written by fill.
type mixPacket struct {
	f        *mixFlow
	n        int
	toServer bool
	flags    uint8
	seq, ack uint32
	syn      bool // carries SYN options
	payload  int
	dnsReply bool
}

type mixGen struct {
	p     *mixPlan
	rng   rng
	slots []mixFlow
	nextK uint64
	i     int64
	bytes int64
	pool  *payloadPool
	cur   mixPacket
}

func newMixGen(p *mixPlan) *mixGen {
	r := newRNG(p.seed, 10)
	return &mixGen{p: p, rng: newRNG(p.seed, 11), slots: make([]mixFlow, p.concurrent), pool: newPayloadPool(64<<10, &r)}
}

// pair helpers: every property of a pair or 5-tuple is a hash of its
// number, so nothing per pair is stored.
func (g *mixGen) pairHash(pair uint32) uint64 {
	return splitmix.Mix(g.p.seed ^ uint64(pair)*0x9e3779b97f4a7c15)
}
func (g *mixGen) tupleHash(t uint32) uint64 {
	return splitmix.Mix(g.p.seed ^ 0x5bd1e995 ^ uint64(t)*0xc2b2ae3d27d4eb4f)
}

// tupleOf returns the pair and client port of 5-tuple t.
func (g *mixGen) tupleOf(t uint32) (pair uint32, sport uint16) {
	pair = t % uint32(g.p.pairs)
	j := t / uint32(g.p.pairs)
	off := uint32(g.pairHash(pair) >> 40)
	return pair, uint16(mixPortsStart + (j+off)%mixPorts)
}

// kindOf returns the kind of connection 5-tuple t carries. ICMP is only
// used by a pair's first tuple (ICMP has no ports to tell tuples apart).
func (g *mixGen) kindOf(t uint32) uint8 {
	h := g.tupleHash(t)
	if t < uint32(g.p.pairs) && h>>56 < 40 { // ~15% of first tuples
		return mixEcho
	}
	switch r := h % 100; {
	case r < 45:
		return mixBulk
	case r < 82:
		return mixInteractive
	case r < 94:
		return mixDNS
	default:
		return mixMedia
	}
}

// pairV6 reports whether pair uses IPv6 (IPv6Share of the pairs).
func (g *mixGen) pairV6(pair uint32) bool { return uint32(g.pairHash(pair)>>48) < g.p.v6Below }

// pairVLAN reports whether pair's frames are tagged (VLANShare of the pairs).
func (g *mixGen) pairVLAN(pair uint32) bool {
	return uint32(g.pairHash(pair)>>32)&0xffff < g.p.vlanBelow
}

// rdataLen is the DNS answer's address length: A or AAAA.
func rdataLen(v6 bool) int {
	if v6 {
		return 16
	}
	return 4
}

// path returns the addressing of pair in one direction.
func (g *mixGen) path(pair uint32, toServer bool) path {
	h := g.pairHash(pair)
	var p path
	p.v6 = g.pairV6(pair)
	if g.pairVLAN(pair) {
		p.vlan = uint16(100 + (h>>16)%64)
	}
	client := pair + 1
	server := uint32((h>>24)%uint64(g.p.servers)) + 1
	var cMAC [6]byte
	cMAC[0] = 0x02
	binary.BigEndian.PutUint32(cMAC[2:], client)
	var c, s [16]byte
	if p.v6 {
		copy(c[:], []byte{0x20, 0x01, 0x0d, 0xb8, 0, 0x0c})
		binary.BigEndian.PutUint32(c[12:], client)
		copy(s[:], []byte{0x20, 0x01, 0x0d, 0xb8, 0, 0x05})
		binary.BigEndian.PutUint32(s[12:], server)
	} else {
		binary.BigEndian.PutUint32(c[:], 10<<24|client)
		binary.BigEndian.PutUint32(s[:], 198<<24|18<<16|server)
	}
	if toServer {
		p.srcMAC, p.dstMAC, p.src, p.dst, p.ttl = cMAC, g.p.serverMAC, c, s, 64
	} else {
		p.srcMAC, p.dstMAC, p.src, p.dst, p.ttl = g.p.serverMAC, cMAC, s, c, 52
	}
	return p
}

// expLen draws a length of mean about mean (at least 1), exponentially
// distributed so a few connections are much longer than most.
func (g *mixGen) expLen(mean float64) uint32 {
	v := -math.Log(1-g.rng.float()) * mean
	return uint32(min(1+v, 1e6))
}

// slotTuples is the number of 5-tuples slot s cycles through: those
// numbered s, s+Concurrent... below Flows.
func (g *mixGen) slotTuples(s int) uint32 {
	return uint32((g.p.flows - s + g.p.concurrent - 1) / g.p.concurrent)
}

// start opens connection number g.nextK in f, which is slot s.
func (g *mixGen) start(f *mixFlow, s int) {
	g.nextK++
	n := g.slotTuples(s)
	*f = mixFlow{k: g.nextK, uses: f.uses + 1, first: f.uses < n,
		tuple: uint32(s) + uint32(g.p.concurrent)*(f.uses%n)}
	f.kind = g.kindOf(f.tuple)
	m := g.p.meanLen
	switch f.kind {
	case mixBulk:
		f.total = 6 + g.expLen(2*m-6)
	case mixInteractive:
		f.total = 6 + 2*g.expLen(m/4)
	case mixDNS:
		f.total = 2
	case mixMedia:
		f.total = g.expLen(m)
		f.size = 160 + 12
		if g.rng.intn(2) == 0 {
			f.size = uint16(1200 + g.rng.intn(150))
		}
	case mixEcho:
		f.total = 2 * g.expLen(m/8)
	}
	f.cseq, f.sseq = g.rng.uint32(), g.rng.uint32()
}

func (g *mixGen) done() bool {
	return (g.p.packets > 0 && g.i >= g.p.packets) || (g.p.bytes > 0 && g.bytes >= g.p.bytes)
}

func (g *mixGen) next() (int, int64, bool) {
	if g.done() {
		return 0, 0, false
	}
	s := g.rng.intn(len(g.slots))
	f := &g.slots[s]
	if f.k == 0 || f.step >= f.total {
		g.start(f, s)
	}
	c := &g.cur
	*c = mixPacket{f: f}
	switch f.kind {
	case mixBulk, mixInteractive:
		g.planTCP(f, c)
	case mixDNS:
		c.toServer = f.step == 0
		c.dnsReply = !c.toServer
		qn := g.p.dnsQNames[g.tupleHash(f.tuple)%uint64(len(g.p.dnsQNames))]
		pair, _ := g.tupleOf(f.tuple)
		c.payload = 8 + dnsLen(qn, c.dnsReply, rdataLen(g.pairV6(pair)))
	case mixMedia:
		c.toServer = g.rng.intn(5) == 0
		c.payload = 8 + int(f.size)
	case mixEcho:
		c.toServer = f.step%2 == 0
		c.payload = 8 + 56
	}
	f.step++
	pair, _ := g.tupleOf(f.tuple)
	pth := g.path(pair, c.toServer)
	c.n = pth.frameLen(c.payload)
	ts := g.p.clock.at(g.i)
	g.i++
	g.bytes += int64(c.n)
	return c.n, ts, true
}

// planTCP decides the flags, sequence numbers and payload of the next
// segment of a TCP connection (payload here is the whole segment length).
func (g *mixGen) planTCP(f *mixFlow, c *mixPacket) {
	mss := 1460
	if pair, _ := g.tupleOf(f.tuple); g.pairV6(pair) {
		mss = 1440 // so that IPv6 full-size frames are 1514 bytes too
	}
	data := 0
	switch s := f.step; {
	case s == 0:
		c.toServer, c.flags, c.syn = true, tcpSyn, true
	case s == 1:
		c.flags, c.syn = tcpSyn|tcpAck, true
	case s == 2:
		c.toServer, c.flags = true, tcpAck
	case s == f.total-3:
		c.toServer, c.flags = true, tcpFin|tcpAck
	case s == f.total-2:
		c.flags = tcpFin | tcpAck
	case s == f.total-1:
		c.toServer, c.flags = true, tcpAck
	default:
		j := s - 3
		c.flags = tcpAck
		if f.kind == mixBulk {
			switch {
			case j == 0:
				c.toServer, data = true, 200+g.rng.intn(400)
			case (j-1)%3 == 2:
				c.toServer = true
			default:
				data = mss
			}
		} else {
			c.toServer = j%2 == 0
			if c.toServer {
				data = 20 + g.rng.intn(400)
				if g.isHTTP(f) {
					data = max(data, httpMinRequest)
				}
			} else {
				data = 100 + g.rng.intn(mss-99)
			}
		}
		if data > 0 && data < mss {
			c.flags |= tcpPsh
		}
	}
	if c.toServer {
		c.seq, c.ack = f.cseq, f.sseq
		f.cseq += uint32(data)
	} else {
		c.seq, c.ack = f.sseq, f.cseq
		f.sseq += uint32(data)
	}
	if c.flags&(tcpSyn|tcpFin) != 0 {
		if c.toServer {
			f.cseq++
		} else {
			f.sseq++
		}
	}
	if c.flags == tcpSyn {
		c.ack = 0
	}
	c.payload = 20 + data
	if c.syn {
		c.payload += 20
	}
}

func (g *mixGen) fill(dst []byte) {
	c := &g.cur
	f := c.f
	pair, sport := g.tupleOf(f.tuple)
	pth := g.path(pair, c.toServer)
	h := g.tupleHash(f.tuple)
	switch f.kind {
	case mixBulk, mixInteractive:
		dport := uint16(443)
		if g.isHTTP(f) {
			dport = 80
		}
		g.fillTCP(dst, &pth, c, sport, dport)
	case mixDNS:
		g.fillDNS(dst, &pth, c, sport, uint16(h>>16))
	case mixMedia:
		g.fillMedia(dst, &pth, c, sport, 5004)
	case mixEcho:
		g.fillEcho(dst, &pth, c, uint16(h>>16), uint16((f.step+1)/2))
	}
}

// ports orders client and server ports for the packet's direction.
func ports(c *mixPacket, client, server uint16) (uint16, uint16) {
	if c.toServer {
		return client, server
	}
	return server, client
}

func (g *mixGen) fillTCP(dst []byte, pth *path, c *mixPacket, client, server uint16) {
	_, l4 := pth.put(dst, protoTCP, uint32(g.rng.uint32()), c.payload)
	sp, dp := ports(c, client, server)
	var opts []byte
	var ob [20]byte
	if c.syn {
		mss := uint16(1460)
		if pth.v6 {
			mss = 1440
		}
		opts = synOptions(ob[:], mss, uint32(c.seq*7+1), 0, 7)
		if c.flags&tcpAck != 0 {
			binary.BigEndian.PutUint32(opts[12:], c.ack*3) // TSecr echoes something
		}
	}
	win := uint16(502)
	if c.syn {
		win = 64240
	}
	hl := putTCP(dst[l4:], sp, dp, c.seq, c.ack, c.flags, win, opts)
	data := c.payload - hl
	if data > 0 && server == 80 {
		seg := dst[l4+hl : l4+c.payload]
		if c.toServer {
			putHTTPRequest(seg, g.pool.data[g.pool.offset(&g.rng, len(seg)):])
		} else {
			putHTTPResponse(seg, g.pool.data[g.pool.offset(&g.rng, len(seg)):])
		}
		pth.finishAll(dst[l4:l4+c.payload], protoTCP)
		return
	}
	var rest uint64
	if data > 0 {
		off := g.pool.offset(&g.rng, data)
		copy(dst[l4+hl:], g.pool.data[off:off+data])
		rest = g.pool.sum(off, data)
	}
	pth.finish(dst[l4:l4+c.payload], protoTCP, hl, rest)
}

func (g *mixGen) fillDNS(dst []byte, pth *path, c *mixPacket, client, id uint16) {
	_, l4 := pth.put(dst, protoUDP, g.rng.uint32(), c.payload)
	sp, dp := ports(c, client, 53)
	putUDP(dst[l4:], sp, dp, c.payload)
	qn := g.p.dnsQNames[g.tupleHash(c.f.tuple)%uint64(len(g.p.dnsQNames))]
	qtype := uint16(1) // A
	if pth.v6 {
		qtype = 28 // AAAA
	}
	var rd []byte
	if c.dnsReply {
		var b [16]byte
		h := g.tupleHash(c.f.tuple)
		binary.BigEndian.PutUint64(b[:], h)
		binary.BigEndian.PutUint64(b[8:], ^h)
		rd = b[:rdataLen(pth.v6)]
	}
	putDNS(dst[l4+8:], id, qn, qtype, rd)
	pth.finishAll(dst[l4:l4+c.payload], protoUDP)
}

// fillMedia writes an RTP datagram (version 2, payload type 0 for
// voice-sized and 96 for video-sized packets, sequence number and
// timestamp counting up per datagram, SSRC per 5-tuple) with random
// payload bytes.
func (g *mixGen) fillMedia(dst []byte, pth *path, c *mixPacket, client, server uint16) {
	_, l4 := pth.put(dst, protoUDP, g.rng.uint32(), c.payload)
	sp, dp := ports(c, client, server)
	putUDP(dst[l4:], sp, dp, c.payload)
	rtp := dst[l4+8 : l4+8+12]
	rtp[0], rtp[1] = 0x80, 0
	if c.f.size > 200 {
		rtp[1] = 96
	}
	binary.BigEndian.PutUint16(rtp[2:], uint16(c.f.step))
	binary.BigEndian.PutUint32(rtp[4:], c.f.step*160)
	binary.BigEndian.PutUint32(rtp[8:], uint32(g.tupleHash(c.f.tuple)))
	data := c.payload - 8 - 12
	off := g.pool.offset(&g.rng, data)
	copy(dst[l4+8+12:], g.pool.data[off:off+data])
	pth.finish(dst[l4:l4+c.payload], protoUDP, 8+12, g.pool.sum(off, data))
}

func (g *mixGen) fillEcho(dst []byte, pth *path, c *mixPacket, id, seq uint16) {
	proto, typ := uint8(protoICMP), uint8(8) // echo request
	switch {
	case pth.v6 && c.toServer:
		proto, typ = protoICMPv6, 128
	case pth.v6:
		proto, typ = protoICMPv6, 129
	case !c.toServer:
		typ = 0 // echo reply
	}
	_, l4 := pth.put(dst, proto, g.rng.uint32(), c.payload)
	putICMP(dst[l4:], typ, 0, id, seq)
	// The reply echoes the request's data: take it from a place fixed by
	// the exchange.
	off := int(uint32(id)^uint32(seq)) % (len(g.pool.data) - 64) &^ 1
	copy(dst[l4+8:], g.pool.data[off:off+56])
	pth.finish(dst[l4:l4+c.payload], proto, 8, g.pool.sum(off, 56))
}

// finishExpect adds the mix's flow-level counts to an expectation
// computed by dryRun (g must have run to the end).
func (g *mixGen) finishExpect(e *Expectation) {
	e.Connections = int64(g.nextK)
	pairs := make([]uint64, (g.p.pairs+63)/64)
	for s := range g.slots {
		f := &g.slots[s]
		used := min(f.uses, g.slotTuples(s))
		e.Flows += int64(used)
		for m := range used {
			pair, _ := g.tupleOf(uint32(s) + uint32(g.p.concurrent)*m)
			if pairs[pair/64]&(1<<(pair%64)) == 0 {
				pairs[pair/64] |= 1 << (pair % 64)
				e.IPPairs++
			}
		}
		if f.k != 0 && f.first && (f.kind == mixBulk || f.kind == mixInteractive) && f.step == 1 {
			e.HalfOpen++
		}
	}
	e.DistinctSources = e.IPPairs
}

// isHTTP reports whether connection f is an HTTP request/response
// exchange on port 80 (a share of the interactive connections).
func (g *mixGen) isHTTP(f *mixFlow) bool {
	return f.kind == mixInteractive && g.tupleHash(f.tuple)&0x100 != 0
}
