package traceroute

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"golang.org/x/net/ipv4"
)

// Options configure an active trace. Zero values pick defaults.
type Options struct {
	// Target is the traced IPv4 address.
	Target netip.Addr
	// FirstTTL (default 1) and MaxHops (default 30) bound the TTLs sent.
	FirstTTL, MaxHops int
	// Probes per hop (default 3).
	Probes int
	// Timeout is how long to wait for each probe's answer (default 3s).
	Timeout time.Duration
	// Proto is ProtoICMP (echo requests, default) or ProtoUDP (to port
	// Port and up, one port per probe).
	Proto uint8
	// Port is the first UDP destination port (default 33434).
	Port uint16
	// ID is the echo identifier or UDP source port (default: from the
	// process id).
	ID uint16
	// PayloadLen is the probe's data length (default 32).
	PayloadLen int
	// Record, when set, receives every probe sent and every answer
	// received, as raw IPv4 packets with their time (ns since the epoch).
	// The slice is only valid during the call. It is called from two
	// goroutines (sender and receiver), so it must be safe for concurrent use.
	Record func(ts int64, ip []byte)
	// Hop, when set, is called as each hop completes.
	Hop func(Hop)
}

// Run traces the path to o.Target with a raw IPv4 socket (root or
// CAP_NET_RAW): TTL from FirstTTL up, Probes probes per hop sent one after
// the other, until the target answers or MaxHops. It returns the path with
// one Hop per TTL sent.
func Run(ctx context.Context, o Options) (Path, error) {
	if !o.Target.Is4() {
		return Path{}, fmt.Errorf("traceroute: %s: only IPv4 targets are supported", o.Target)
	}
	o.fill()
	src, err := sourceFor(o.Target)
	if err != nil {
		return Path{}, err
	}
	c, err := net.ListenPacket("ip4:icmp", "0.0.0.0")
	if err != nil {
		return Path{}, fmt.Errorf("traceroute: raw ICMP socket: %w (needs root or CAP_NET_RAW)", err)
	}
	defer c.Close()
	rc, err := ipv4.NewRawConn(c)
	if err != nil {
		return Path{}, fmt.Errorf("traceroute: %w", err)
	}
	t := &tracer{o: o, src: src, rc: rc, answers: make(chan answerAt, 64)}
	go t.receive()
	path := Path{Src: src, Dst: o.Target, Proto: o.Proto}
	seq := uint16(0)
	for ttl := o.FirstTTL; ttl <= o.MaxHops; ttl++ {
		hop := Hop{TTL: ttl}
		for i := 0; i < o.Probes; i++ {
			seq++
			pr, err := t.probe(ctx, ttl, seq)
			if err != nil {
				return path, err
			}
			hop.Probes = append(hop.Probes, pr)
		}
		path.Hops = append(path.Hops, hop)
		if o.Hop != nil {
			o.Hop(hop)
		}
		done := false
		for _, pr := range hop.Probes {
			if pr.Kind == Reached || (pr.Kind == Unreachable && pr.From == o.Target) {
				done = true
			}
		}
		if done {
			path.Reached = true
			break
		}
	}
	return path, nil
}

func (o *Options) fill() {
	if o.FirstTTL <= 0 {
		o.FirstTTL = 1
	}
	if o.MaxHops <= 0 {
		o.MaxHops = 30
	}
	if o.Probes <= 0 {
		o.Probes = 3
	}
	if o.Timeout <= 0 {
		o.Timeout = 3 * time.Second
	}
	if o.Proto == 0 {
		o.Proto = ProtoICMP
	}
	if o.Port == 0 {
		o.Port = 33434
	}
	if o.ID == 0 {
		o.ID = uint16(time.Now().UnixNano()>>10) | 0x8000
	}
	if o.PayloadLen <= 0 {
		o.PayloadLen = 32
	}
}

// sourceFor returns the local address the kernel would use towards dst.
func sourceFor(dst netip.Addr) (netip.Addr, error) {
	c, err := net.DialUDP("udp4", nil, net.UDPAddrFromAddrPort(netip.AddrPortFrom(dst, 33434)))
	if err != nil {
		return netip.Addr{}, fmt.Errorf("traceroute: no route to %s: %w", dst, err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).AddrPort().Addr().Unmap(), nil
}

type answerAt struct {
	a  Answer
	ts int64
}

type tracer struct {
	o       Options
	src     netip.Addr
	rc      *ipv4.RawConn
	answers chan answerAt
	ipID    uint16
}

// receive reads ICMP until the socket is closed, passing answers on.
func (t *tracer) receive() {
	buf := make([]byte, 1500)
	for {
		h, p, _, err := t.rc.ReadFrom(buf)
		if err != nil {
			close(t.answers)
			return
		}
		ts := time.Now().UnixNano()
		ip := buf[:h.Len+len(p)]
		if t.o.Record != nil {
			t.o.Record(ts, ip)
		}
		if a := Classify(ip); a.Kind != NotAnswer {
			t.answers <- answerAt{a, ts}
		}
	}
}

// build returns the probe packet (IPv4 header and ICMP or UDP) for ttl and seq.
func (t *tracer) build(ttl int, seq uint16) ([]byte, Key) {
	n := 20 + 8 + t.o.PayloadLen
	b := make([]byte, n)
	t.ipID++
	b[0] = 0x45
	binary.BigEndian.PutUint16(b[2:4], uint16(n))
	binary.BigEndian.PutUint16(b[4:6], t.ipID)
	b[8], b[9] = byte(ttl), t.o.Proto
	s, d := t.src.As4(), t.o.Target.As4()
	copy(b[12:16], s[:])
	copy(b[16:20], d[:])
	binary.BigEndian.PutUint16(b[10:12], checksum(b[:20], 0))
	m := b[20:]
	for i := 8; i < len(m); i++ {
		m[i] = byte(0x40 + i%32)
	}
	k := Key{Src: t.src, Dst: t.o.Target, Proto: t.o.Proto}
	if t.o.Proto == ProtoUDP {
		k.A, k.B = t.o.ID, t.o.Port+seq-1
		binary.BigEndian.PutUint16(m[0:2], k.A)
		binary.BigEndian.PutUint16(m[2:4], k.B)
		binary.BigEndian.PutUint16(m[4:6], uint16(len(m)))
		// Checksum over the pseudo-header: addresses, protocol, length.
		ps := sum(b[12:20], uint32(ProtoUDP)+uint32(len(m)))
		c := checksum(m, ps)
		if c == 0 {
			c = 0xffff
		}
		binary.BigEndian.PutUint16(m[6:8], c)
	} else {
		k.A, k.B = t.o.ID, seq
		m[0] = 8
		binary.BigEndian.PutUint16(m[4:6], k.A)
		binary.BigEndian.PutUint16(m[6:8], k.B)
		binary.BigEndian.PutUint16(m[2:4], checksum(m, 0))
	}
	return b, k
}

// probe sends one probe and waits for its answer or the timeout.
func (t *tracer) probe(ctx context.Context, ttl int, seq uint16) (Probe, error) {
	pkt, key := t.build(ttl, seq)
	h, err := ipv4.ParseHeader(pkt)
	if err != nil {
		return Probe{}, err
	}
	sent := time.Now()
	if err := t.rc.WriteTo(h, pkt[20:], nil); err != nil {
		return Probe{}, fmt.Errorf("traceroute: send TTL %d: %w", ttl, err)
	}
	if t.o.Record != nil {
		t.o.Record(sent.UnixNano(), pkt)
	}
	pr := Probe{TTL: uint8(ttl), Sent: sent.UnixNano()}
	timer := time.NewTimer(t.o.Timeout)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return pr, context.Cause(ctx)
		case <-timer.C:
			return pr, nil
		case a, ok := <-t.answers:
			if !ok {
				return pr, errors.New("traceroute: socket closed")
			}
			if a.a.Probe != key {
				continue // a late answer to an earlier probe, or not ours
			}
			pr.Kind, pr.From, pr.RTT, pr.Code = a.a.Kind, a.a.From, time.Duration(a.ts-pr.Sent), a.a.Code
			return pr, nil
		}
	}
}

// sum adds b's 16-bit big-endian words to s.
func sum(b []byte, s uint32) uint32 {
	for len(b) >= 2 {
		s += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		s += uint32(b[0]) << 8
	}
	return s
}

// checksum returns the Internet checksum of b with s already summed.
func checksum(b []byte, s uint32) uint16 {
	s = sum(b, s)
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}
