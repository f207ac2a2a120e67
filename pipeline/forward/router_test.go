package forward

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/decoders/filter"
	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/pipeline"
)

func testRouter(t testing.TB, drop ...*filter.Filter) *Router {
	t.Helper()
	r, err := NewRouter(RouterOptions{
		Ports: []Port{
			{Name: "r0", MAC: macR0, Prefixes: []netip.Prefix{netip.MustParsePrefix("10.0.1.1/24")}},
			{Name: "r1", MAC: macR1, Prefixes: []netip.Prefix{netip.MustParsePrefix("10.0.2.1/24")}},
		},
		Routes: []Route{{Dst: netip.MustParsePrefix("172.16.0.0/16"), Gateway: netip.MustParseAddr("10.0.2.254")}},
		Drop:   drop,
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// checkIPv4 fails unless frame holds an IPv4 header with a valid checksum.
func checkIPv4(t *testing.T, f []byte) {
	t.Helper()
	if len(f) < 34 || f[12] != 8 || f[13] != 0 {
		t.Fatalf("not an IPv4 frame: % x", f)
	}
	if c := Checksum(f[14:34]); c != 0 {
		t.Errorf("IPv4 header checksum does not verify (%#04x)", c)
	}
}

func TestRouterCases(t *testing.T) {
	echo := frameIPv4(macA, macR0, "10.0.1.2", "10.0.2.2", 64, 1, 56)
	for _, tc := range []struct {
		name    string
		in      []inFrame
		learn   bool // C's MAC known beforehand
		drop    string
		out     int    // packets left in the batch
		port    uint32 // egress of the first one
		check   func(t *testing.T, r *Router, f []byte)
		counter func(r *Router) int64
	}{
		{name: "forward", in: []inFrame{{0, echo}}, learn: true, out: 1, port: 1,
			check: func(t *testing.T, r *Router, f []byte) {
				checkIPv4(t, f)
				if [6]byte(f[0:6]) != macC || [6]byte(f[6:12]) != macR1 || f[22] != 63 {
					t.Errorf("dst %x src %x ttl %d; want C, R1, 63", f[0:6], f[6:12], f[22])
				}
				if string(f[14+20:]) != string(echo[14+20:]) {
					t.Errorf("payload changed")
				}
			},
			counter: func(r *Router) int64 { return r.Counters(0).Forwarded.Load() }},
		{name: "static route", in: []inFrame{{0, frameIPv4(macA, macR0, "10.0.1.2", "172.16.5.5", 9, 17, 10)}}, out: 1, port: 1,
			check: func(t *testing.T, r *Router, f []byte) {
				if f[12] != 8 || f[13] != 6 || string(f[14+24:14+28]) != string([]byte{10, 0, 2, 254}) {
					t.Errorf("want an ARP request for the gateway 10.0.2.254: % x", f)
				}
			},
			counter: func(r *Router) int64 { return r.Stats().ARPRequests.Load() }},
		{name: "ttl expired", in: []inFrame{{0, frameIPv4(macA, macR0, "10.0.1.2", "10.0.2.2", 1, 17, 20)}}, learn: true, out: 1, port: 0,
			check: func(t *testing.T, r *Router, f []byte) {
				checkIPv4(t, f)
				icmp := f[34:]
				if [6]byte(f[0:6]) != macA || f[23] != 1 || string(f[26:30]) != string([]byte{10, 0, 1, 1}) || icmp[0] != 11 || icmp[1] != 0 {
					t.Errorf("want ICMP time exceeded from 10.0.1.1 to A: % x", f)
				}
				if Checksum(icmp) != 0 {
					t.Errorf("ICMP checksum does not verify")
				}
				if string(icmp[8:8+28]) != string(frameIPv4(macA, macR0, "10.0.1.2", "10.0.2.2", 1, 17, 20)[14:14+28]) {
					t.Errorf("the quote is not the expired packet's header and first 8 bytes")
				}
			},
			counter: func(r *Router) int64 { return r.Stats().TimeExceeded.Load() }},
		{name: "no error for an icmp error", in: []inFrame{{0, func() []byte {
			f := frameIPv4(macA, macR0, "10.0.1.2", "10.0.2.2", 1, 1, 28)
			f[34] = 11
			return f
		}()}}, learn: true, out: 0,
			counter: func(r *Router) int64 { return 1 - r.Stats().TimeExceeded.Load() }},
		{name: "unreachable", in: []inFrame{{1, frameIPv4(macC, macR1, "10.0.2.2", "8.8.8.8", 64, 1, 8)}}, out: 1, port: 1,
			check: func(t *testing.T, r *Router, f []byte) {
				checkIPv4(t, f)
				if f[34] != 3 || f[35] != 0 || string(f[26:30]) != string([]byte{10, 0, 2, 1}) {
					t.Errorf("want net unreachable from 10.0.2.1: % x", f[:40])
				}
			},
			counter: func(r *Router) int64 { return r.Stats().Unreachable.Load() }},
		{name: "not our MAC", in: []inFrame{{0, frameIPv4(macA, macC, "10.0.1.2", "10.0.2.2", 64, 1, 8)}}, learn: true, out: 0,
			counter: func(r *Router) int64 { return r.Stats().Local.Load() }},
		{name: "to the router", in: []inFrame{{0, frameIPv4(macA, macR0, "10.0.1.2", "10.0.2.1", 64, 1, 8)}}, learn: true, out: 0,
			counter: func(r *Router) int64 { return r.Stats().Local.Load() }},
		{name: "subnet broadcast", in: []inFrame{{0, frameIPv4(macA, macR0, "10.0.1.2", "10.0.2.255", 64, 17, 8)}}, learn: true, out: 0,
			counter: func(r *Router) int64 { return r.Stats().Local.Load() }},
		{name: "hairpin", in: []inFrame{{0, frameIPv4(macA, macR0, "10.0.1.2", "10.0.1.3", 64, 1, 8)}}, out: 0,
			counter: func(r *Router) int64 { return r.Counters(0).Dropped.Load() }},
		{name: "drop filter", in: []inFrame{{0, echo}}, learn: true, drop: "icmp", out: 0,
			counter: func(r *Router) int64 { return r.Counters(0).Dropped.Load() }},
		{name: "drop filter other protocol", in: []inFrame{{0, echo}}, learn: true, drop: "udp", out: 1, port: 1,
			counter: func(r *Router) int64 { return r.Counters(0).Forwarded.Load() }},
		{name: "truncated", in: []inFrame{{0, echo[:20]}}, out: 0,
			counter: func(r *Router) int64 { return r.Stats().Local.Load() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var drop []*filter.Filter
			if tc.drop != "" {
				drop = []*filter.Filter{filter.MustCompile(tc.drop)}
			}
			r := testRouter(t, drop...)
			if tc.learn {
				r.Learn(netip.MustParseAddr("10.0.2.2"), macC, 1)
				r.Learn(netip.MustParseAddr("10.0.1.2"), macA, 0)
			}
			b := batchOf(t, tc.in...)
			if err := r.Process(b); err != nil {
				t.Fatal(err)
			}
			if b.Len() != tc.out {
				t.Fatalf("%d packets out, want %d", b.Len(), tc.out)
			}
			if tc.out > 0 && b.Packets[0].Interface != tc.port {
				t.Errorf("egress port %d, want %d", b.Packets[0].Interface, tc.port)
			}
			if tc.check != nil && tc.out > 0 {
				tc.check(t, r, b.Data(0))
			}
			if got := tc.counter(r); got != 1 {
				t.Errorf("counter = %d, want 1", got)
			}
		})
	}
}

// TestRouterHoldsUntilARP: an unknown next hop gets an ARP request; its
// reply releases the held packets, rewritten for it.
func TestRouterHoldsUntilARP(t *testing.T) {
	r := testRouter(t)
	b := batchOf(t,
		inFrame{0, frameIPv4(macA, macR0, "10.0.1.2", "10.0.2.2", 64, 1, 56)},
		inFrame{0, frameIPv4(macA, macR0, "10.0.1.2", "10.0.2.2", 64, 1, 57)})
	r.Process(b)
	if b.Len() != 1 || b.Packets[0].Interface != 1 {
		t.Fatalf("want one ARP request out of port 1, got %d packets", b.Len())
	}
	req := b.Data(0)
	if len(req) != 60 || req[21] != 1 || [6]byte(req[6:12]) != macR1 || string(req[28:32]) != string([]byte{10, 0, 2, 1}) || string(req[38:42]) != string([]byte{10, 0, 2, 2}) {
		t.Errorf("bad ARP request: % x", req)
	}
	if r.Stats().Held.Load() != 2 {
		t.Errorf("held %d, want 2", r.Stats().Held.Load())
	}
	b = batchOf(t, inFrame{1, frameARP(2, macC, macR1, "10.0.2.2", "10.0.2.1")})
	r.Process(b)
	if b.Len() != 2 {
		t.Fatalf("%d packets released, want 2", b.Len())
	}
	for i := 0; i < 2; i++ {
		f := b.Data(i)
		checkIPv4(t, f)
		if b.Packets[i].Interface != 1 || [6]byte(f[0:6]) != macC || f[22] != 63 || len(f) != 14+20+8+56+i {
			t.Errorf("released packet %d: port %d, % x", i, b.Packets[i].Interface, f[:24])
		}
	}
	if got := r.Counters(0).Forwarded.Load(); got != 2 {
		t.Errorf("forwarded %d, want 2", got)
	}
}

// TestRouterKernelTable resolves the next hop from the kernel table.
func TestRouterKernelTable(t *testing.T) {
	calls := 0
	r, err := NewRouter(RouterOptions{
		Ports: []Port{
			{Name: "r0", MAC: macR0, Prefixes: []netip.Prefix{netip.MustParsePrefix("10.0.1.1/24")}},
			{Name: "r1", MAC: macR1, Prefixes: []netip.Prefix{netip.MustParsePrefix("10.0.2.1/24")}},
		},
		Kernel: func() ([]Neighbour, error) {
			calls++
			return ParseProcNetARP(strings.NewReader("IP address       HW type     Flags       HW address            Mask     Device\n" +
				"10.0.2.2         0x1         0x2         02:00:00:00:00:0c     *        r1\n" +
				"10.0.2.3         0x1         0x0         00:00:00:00:00:00     *        r1\n"))
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	b := batchOf(t, inFrame{0, frameIPv4(macA, macR0, "10.0.1.2", "10.0.2.2", 64, 1, 8)})
	r.Process(b)
	if b.Len() != 1 || [6]byte(b.Data(0)[0:6]) != macC || calls != 1 {
		t.Fatalf("not forwarded from the kernel table (%d packets, %d reads)", b.Len(), calls)
	}
	b = batchOf(t, inFrame{0, frameIPv4(macA, macR0, "10.0.1.2", "10.0.2.3", 64, 1, 8)})
	r.Process(b)
	if b.Len() != 1 || b.Data(0)[12] != 8 || b.Data(0)[13] != 6 {
		t.Errorf("an incomplete kernel entry must lead to an ARP request")
	}
}

func TestNewRouterErrors(t *testing.T) {
	p0 := Port{Name: "a", Prefixes: []netip.Prefix{netip.MustParsePrefix("10.0.1.1/24")}}
	for _, tc := range []struct {
		name string
		o    RouterOptions
		want string
	}{
		{"one port", RouterOptions{Ports: []Port{p0}}, "two ports"},
		{"no address", RouterOptions{Ports: []Port{p0, {Name: "b"}}}, "b has no IPv4"},
		{"ipv6", RouterOptions{Ports: []Port{p0, {Name: "b", Prefixes: []netip.Prefix{netip.MustParsePrefix("2001:db8::1/64")}}}}, "not IPv4"},
		{"far gateway", RouterOptions{Ports: []Port{p0, p0}, Routes: []Route{{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParseAddr("192.0.2.1")}}}, "not in a connected"},
	} {
		if _, err := NewRouter(tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestRouterNoAlloc: forwarding allocates nothing per packet.
func TestRouterNoAlloc(t *testing.T) {
	r := testRouter(t)
	r.Learn(netip.MustParseAddr("10.0.2.2"), macC, 1)
	echo := frameIPv4(macA, macR0, "10.0.1.2", "10.0.2.2", 64, 1, 56)
	b := pipeline.NewBatch(64, 1<<16)
	allocs := testing.AllocsPerRun(200, func() {
		b.Reset()
		for i := 0; i < 32; i++ {
			b.AddCopy(pipeline.CaptureInfo{LinkType: 1, Timestamp: 1}, echo)
		}
		r.Process(b)
	})
	if allocs != 0 || b.Len() != 32 {
		t.Errorf("%v allocations per batch of 32 (%d forwarded)", allocs, b.Len())
	}
}

func BenchmarkRouterForward(b *testing.B) {
	r := testRouter(b)
	r.Learn(netip.MustParseAddr("10.0.2.2"), macC, 1)
	echo := frameIPv4(macA, macR0, "10.0.1.2", "10.0.2.2", 64, 1, 56)
	batch := pipeline.NewBatch(256, 1<<20)
	b.ReportAllocs()
	for b.Loop() {
		batch.Reset()
		for i := 0; i < 256; i++ {
			batch.AddCopy(pipeline.CaptureInfo{LinkType: 1, Timestamp: 1}, echo)
		}
		r.Process(batch)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*256), "ns/packet")
}

func FuzzRouter(f *testing.F) {
	f.Add(frameIPv4(macA, macR0, "10.0.1.2", "10.0.2.2", 1, 1, 56), uint8(0))
	f.Add(frameARP(2, macC, macR1, "10.0.2.2", "10.0.2.1"), uint8(1))
	f.Add(frameIPv4(macC, macR1, "10.0.2.2", "8.8.8.8", 64, 17, 8), uint8(1))
	corpus.Seed(func(b []byte) { f.Add(b, uint8(0)) }, 1514)
	f.Fuzz(func(t *testing.T, data []byte, port uint8) {
		r := testRouter(t)
		b := batchOf(t, inFrame{uint32(port % 3), data}, inFrame{uint32(port % 2), data})
		if err := r.Process(b); err != nil {
			t.Fatal(err)
		}
		for i := range b.Packets {
			if b.Packets[i].Interface > 1 {
				t.Fatalf("packet %d left for port %d", i, b.Packets[i].Interface)
			}
		}
	})
}
