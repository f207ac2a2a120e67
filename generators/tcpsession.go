package generators

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/pcapflow/pcapflow/pipeline"
)

// TCPSession generates complete HTTP/1.0 exchanges over TCP as a capture on
// the client would show them: a three-way handshake with Linux SYN options,
// a GET request, the response split at the MSS and sent under a slow-start
// window, and a FIN teardown started by the server. Optional impairments
// cause what real traces show: lost server segments (never captured, since
// the capture is on the client) resent after a retransmission timeout or
// three duplicate ACKs, reordered segments, and delayed client ACKs that can
// make the server time out and resend data the client already has.
// Sequence and acknowledgement numbers are consistent throughout. Zero
// fields pick defaults; each maps to one flag of `pcapflow gen tcp-session`.
type TCPSession struct {
	// Sessions is the number of sessions, one after another, each from its
	// own ephemeral port (default 1; at most 28,232).
	Sessions int
	// Client and Server are the endpoints (defaults 192.168.1.180 and
	// 203.0.113.80, or 2001:db8:1::180 and 2001:db8:2::80 with IPv6).
	Client, Server netip.Addr
	// IPv6 switches the default addresses to IPv6.
	IPv6 bool
	// ClientPort is the first session's source port; later sessions use
	// the next ports, wrapping inside 32768..60999. 0 picks a random one
	// from Seed.
	ClientPort uint16
	// ServerPort is the server's port (default 80).
	ServerPort uint16
	// Host and Path form the request line and Host header (defaults
	// "example.com" and "/index.html").
	Host, Path string
	// BodySize is the length of the response body in bytes (default 4000).
	BodySize int
	// MSS caps the segment payload (default 1460, or 1440 with IPv6; at
	// least 64).
	MSS int
	// RTT is the round-trip time between client and server (default 20ms).
	RTT time.Duration
	// RTO is the server's first retransmission timeout, doubled on each
	// timeout in a row (default RTT+200ms).
	RTO time.Duration
	// InitCwnd is the server's initial window in segments (default 10);
	// it grows by one per acknowledging ACK (slow start), up to 64.
	InitCwnd int
	// Loss is the probability (0..0.9) that one transmission of a server
	// data segment is lost. A segment is never lost more than 8 times.
	Loss float64
	// Reorder is the probability (0..1) that a server data segment is
	// delayed behind the one sent after it.
	Reorder float64
	// DelayedACK, when not 0, makes the client acknowledge every second
	// in-order segment, or a lone one after this delay (Linux uses 40ms;
	// a delay above RTO makes the server resend). Out-of-order data is
	// always acknowledged at once.
	DelayedACK time.Duration
	// Gap is the idle time between the end of one session and the next
	// SYN (default 100ms).
	Gap time.Duration
	// Start is the first timestamp (default 2024-01-01T00:00:00Z).
	Start time.Time
	// Seed seeds every choice (ISNs, ports, losses, reordering).
	Seed uint64
	// VLAN, when not 0, tags every frame with this 802.1Q id.
	VLAN uint16
	// ClientMAC and ServerMAC are the Ethernet addresses (defaults
	// 00:00:01:00:00:01 and 00:00:01:00:00:02).
	ClientMAC, ServerMAC net.HardwareAddr
}

// Timing constants of the session model.
const (
	sessGap        = 12 * time.Microsecond  // between back-to-back server segments (1 Gbit/s)
	sessClientTurn = 30 * time.Microsecond  // client's reaction time
	sessServerTurn = 100 * time.Microsecond // server's reaction time
	sessMaxLosses  = 8
	sessPorts      = 60999 - 32768 + 1
)

// sessPlan is a TCPSession with defaults applied and validated.
type sessPlan struct {
	TCPSession
	request, response []byte
	client, server    path
	start             int64
	firstPort         uint16
}

func (c TCPSession) plan() (sessPlan, error) {
	p := sessPlan{TCPSession: c}
	s := &p.TCPSession
	if s.Sessions == 0 {
		s.Sessions = 1
	}
	if s.Sessions < 0 || s.Sessions > sessPorts {
		return p, fmt.Errorf("tcp-session: sessions %d outside 1..%d", s.Sessions, sessPorts)
	}
	var err error
	if s.Client, s.Server, err = endpoints(s.Client, s.Server, s.IPv6, "192.168.1.180", "203.0.113.80", "2001:db8:1::180", "2001:db8:2::80"); err != nil {
		return p, fmt.Errorf("tcp-session: %w", err)
	}
	if s.ServerPort == 0 {
		s.ServerPort = 80
	}
	if s.Host == "" {
		s.Host = "example.com"
	}
	if s.Path == "" {
		s.Path = "/index.html"
	}
	if strings.ContainsAny(s.Host+s.Path, " \r\n") || !strings.HasPrefix(s.Path, "/") {
		return p, errors.New("tcp-session: host and path must have no spaces or line breaks, and the path must start with /")
	}
	if s.BodySize == 0 {
		s.BodySize = 4000
	}
	if s.BodySize < 0 || s.BodySize > 64<<20 {
		return p, fmt.Errorf("tcp-session: body size %d outside 0..64MiB", s.BodySize)
	}
	if s.MSS == 0 {
		s.MSS = 1460
		if s.Client.Is6() {
			s.MSS = 1440
		}
	}
	if s.MSS < 64 || s.MSS > 1460 || (s.Client.Is6() && s.MSS > 1440) {
		return p, fmt.Errorf("tcp-session: MSS %d outside 64..%d", s.MSS, map[bool]int{false: 1460, true: 1440}[s.Client.Is6()])
	}
	if s.RTT == 0 {
		s.RTT = 20 * time.Millisecond
	}
	if s.RTO == 0 {
		s.RTO = s.RTT + 200*time.Millisecond
	}
	if s.InitCwnd == 0 {
		s.InitCwnd = 10
	}
	if s.Gap == 0 {
		s.Gap = 100 * time.Millisecond
	}
	if s.RTT < 0 || s.RTO <= 0 || s.InitCwnd < 1 || s.Gap < 0 || s.DelayedACK < 0 {
		return p, errors.New("tcp-session: RTT, RTO, gap and delayed ACK must not be negative, the initial window at least 1")
	}
	if !(s.Loss >= 0 && s.Loss <= 0.9) || !(s.Reorder >= 0 && s.Reorder <= 1) {
		return p, fmt.Errorf("tcp-session: loss %v must be in 0..0.9 and reorder %v in 0..1", s.Loss, s.Reorder)
	}
	if s.VLAN > 4094 {
		return p, fmt.Errorf("tcp-session: VLAN id %d out of range 1..4094", s.VLAN)
	}
	cm, err := macOr(s.ClientMAC, defaultSrcMAC)
	if err != nil {
		return p, fmt.Errorf("tcp-session: client MAC: %w", err)
	}
	sm, err := macOr(s.ServerMAC, defaultDstMAC)
	if err != nil {
		return p, fmt.Errorf("tcp-session: server MAC: %w", err)
	}
	p.client = newPath(cm, sm, s.VLAN, s.Client, s.Server, 64)
	p.server = p.client.reverse(55)
	p.start = newClock(s.Start, 1).start
	p.firstPort = s.ClientPort
	if p.firstPort == 0 {
		r := newRNG(s.Seed, 20)
		p.firstPort = uint16(32768 + r.intn(sessPorts))
	}
	if (p.firstPort < 32768 || p.firstPort > 60999) && int(p.firstPort)+s.Sessions > 65536 {
		return p, fmt.Errorf("tcp-session: %d sessions from port %d run past 65535", s.Sessions, p.firstPort)
	}
	p.request = []byte("GET " + s.Path + " HTTP/1.0\r\nHost: " + s.Host + "\r\nUser-Agent: pcapflow\r\nAccept: */*\r\n\r\n")
	p.response = httpResponse(s.BodySize)
	return p, nil
}

// port returns the client port of session i: the next ports after
// firstPort, wrapping inside the ephemeral range 32768..60999 when the
// first port is in it.
func (p *sessPlan) port(i int) uint16 {
	if p.firstPort >= 32768 && p.firstPort <= 60999 {
		return uint16(32768 + (int(p.firstPort)-32768+i)%sessPorts)
	}
	return p.firstPort + uint16(i)
}

// endpoints applies default addresses and checks both are of one family.
func endpoints(a, b netip.Addr, v6 bool, a4, b4, a6, b6 string) (netip.Addr, netip.Addr, error) {
	a, b = a.Unmap(), b.Unmap()
	v6 = v6 || (a.IsValid() && a.Is6()) || (b.IsValid() && b.Is6())
	if !a.IsValid() {
		a = netip.MustParseAddr(map[bool]string{false: a4, true: a6}[v6])
	}
	if !b.IsValid() {
		b = netip.MustParseAddr(map[bool]string{false: b4, true: b6}[v6])
	}
	if a.Is6() != v6 || b.Is6() != v6 {
		return a, b, fmt.Errorf("addresses %v and %v must be of one IP version", a, b)
	}
	return a, b, nil
}

// httpResponse returns an HTTP/1.0 response with an HTML body of n bytes.
func httpResponse(n int) []byte {
	body := make([]byte, 0, n)
	const head, tail = "<html>\n<body>\n", "</body>\n</html>\n"
	line := "<p>pcapflow generated this response body to fill the requested size.</p>\n"
	if n >= len(head)+len(tail) {
		body = append(body, head...)
		for len(body)+len(tail) < n {
			body = append(body, line[:min(len(line), n-len(tail)-len(body))]...)
		}
		body = append(body, tail...)
	}
	for len(body) < n {
		body = append(body, '.')
	}
	hdr := "HTTP/1.0 200 OK\r\nServer: pcapflow\r\nContent-Type: text/html\r\nContent-Length: " + strconv.Itoa(n) + "\r\nConnection: close\r\n\r\n"
	return append([]byte(hdr), body...)
}

// Run generates the sessions into em's graph. It implements pipeline.Source.
func (c TCPSession) Run(ctx context.Context, em *pipeline.Emitter) error {
	p, err := c.plan()
	if err != nil {
		return err
	}
	return run(ctx, em, "tcp-session", newSessGen(&p))
}

// Expect returns what an analysis of the sessions must find, including
// retransmissions and lost segments. It generates the sessions internally.
// An invalid config gives a zero Expectation.
func (c TCPSession) Expect() Expectation {
	p, err := c.plan()
	if err != nil {
		return Expectation{Generator: "tcp-session"}
	}
	g := newSessGen(&p)
	e := dryRun("tcp-session", g)
	e.Sessions = int64(p.Sessions)
	e.Connections, e.Flows = e.Sessions, e.Sessions
	e.IPPairs, e.DistinctSources = 1, 1
	e.Retransmissions, e.Lost = g.retrans, g.lost
	return e
}

// sessGen emits the sessions one after another: each is simulated into
// recs, then written out.
type sessGen struct {
	p       *sessPlan
	rng     rng
	sim     sessSim
	recs    []segRec
	pos     int
	session int
	next0   int64 // start time of the next session
	retrans int64
	lost    int64
	cur     *segRec
}

func newSessGen(p *sessPlan) *sessGen {
	return &sessGen{p: p, rng: newRNG(p.Seed, 21), next0: p.start}
}

func (g *sessGen) next() (int, int64, bool) {
	for g.pos >= len(g.recs) {
		if g.session >= g.p.Sessions {
			return 0, 0, false
		}
		g.simulate()
	}
	g.cur = &g.recs[g.pos]
	g.pos++
	pth := &g.p.client
	if !g.cur.toServer {
		pth = &g.p.server
	}
	return pth.frameLen(g.cur.l4Len()), g.cur.t, true
}

func (g *sessGen) fill(dst []byte) {
	r := g.cur
	pth, data := &g.p.client, g.p.request
	if !r.toServer {
		pth, data = &g.p.server, g.p.response
	}
	_, l4 := pth.put(dst, protoTCP, r.ipid, r.l4Len())
	var opts []byte
	var ob [20]byte
	win := uint16(502)
	if !r.toServer {
		win = 509
	}
	if r.flags&tcpSyn != 0 {
		opts = synOptions(ob[:], uint16(g.p.MSS), r.tsval, r.tsecr, 7)
		win = 64240
	}
	sp, dp := r.port, g.p.ServerPort
	if !r.toServer {
		sp, dp = dp, sp
	}
	hl := putTCP(dst[l4:], sp, dp, r.seq, r.ack, r.flags, win, opts)
	copy(dst[l4+hl:], data[r.off:r.off+r.n])
	pth.finishAll(dst[l4:l4+hl+r.n], protoTCP)
}

// simulate runs the next session into g.recs.
func (g *sessGen) simulate() {
	g.recs = g.sim.run(g.p, &g.rng, g.next0, g.p.port(g.session), g.recs[:0])
	g.pos = 0
	g.session++
	g.retrans += g.sim.retrans
	g.lost += g.sim.lost
	g.next0 = g.recs[len(g.recs)-1].t + int64(g.p.Gap)
}
