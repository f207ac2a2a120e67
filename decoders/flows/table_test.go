package flows

import (
	"net/netip"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/pipeline"
)

func TestCommunityID(t *testing.T) {
	// Published baseline values of the Community ID specification.
	tests := []struct {
		src, dst     string
		proto        uint8
		sport, dport uint16
		want         string
	}{
		{"128.232.110.120", "66.35.250.204", 6, 34855, 80, "1:LQU9qZlK+B5F3KDmev6m5PMibrg="},
		{"66.35.250.204", "128.232.110.120", 6, 80, 34855, "1:LQU9qZlK+B5F3KDmev6m5PMibrg="},
		{"192.168.1.52", "8.8.8.8", 17, 54585, 53, "1:d/FP5EW3wiY1vCndhwleRRKHowQ="},
		{"8.8.8.8", "192.168.1.52", 17, 53, 54585, "1:d/FP5EW3wiY1vCndhwleRRKHowQ="},
		{"192.168.170.8", "192.168.170.56", 132, 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="},
		{"192.168.0.89", "192.168.0.1", 1, 8, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="},
		{"192.168.0.1", "192.168.0.89", 1, 0, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="}, // the echo reply
		{"fe80::260:97ff:fe07:69ea", "ff02::1", 58, 134, 0, "1:pkvHqCL88/tg1k4cPigmZXUtL00="},
	}
	for _, tt := range tests {
		got := CommunityID(0, netip.MustParseAddr(tt.src), netip.MustParseAddr(tt.dst), tt.proto, tt.sport, tt.dport)
		if got != tt.want {
			t.Errorf("%s:%d -> %s:%d/%d = %s, want %s", tt.src, tt.sport, tt.dst, tt.dport, tt.proto, got, tt.want)
		}
	}
}

func TestReuseStartsNewFlow(t *testing.T) {
	ms := time.Millisecond
	conn := func(isn uint32) []seg {
		return []seg{
			{flags: S, seq: isn, win: 1000, dt: ms},
			{fromB: true, flags: SA, seq: 900, ack: isn + 1, win: 1000, dt: ms},
			{flags: A, seq: isn + 1, ack: 901, win: 1000, dt: ms},
			{flags: FA, seq: isn + 1, ack: 901, win: 1000, dt: ms},
			{fromB: true, flags: FA, seq: 901, ack: isn + 2, win: 1000, dt: ms},
			{flags: A, seq: isn + 2, ack: 902, win: 1000, dt: ms},
		}
	}
	recs := run(Options{}, append(conn(100), conn(5000)...))
	if len(recs) != 2 {
		t.Fatalf("got %d records, want 2", len(recs))
	}
	for i, r := range recs {
		if r.ID != uint64(i+1) || r.ConnState != StateSF || r.History != "ShAFf" || r.OrigSide.Packets != 4 || r.RespSide.Packets != 2 {
			t.Errorf("record %d: id %d state %s history %q packets %d/%d", i, r.ID, r.ConnState, r.History, r.OrigSide.Packets, r.RespSide.Packets)
		}
	}
	if recs[0].EndReason != EndReuse || recs[1].EndReason != EndFlush {
		t.Errorf("end reasons %s, %s", recs[0].EndReason, recs[1].EndReason)
	}
	if recs[0].CommunityID != recs[1].CommunityID {
		t.Errorf("community ids differ for one tuple")
	}
}

func TestUDPAndTimeouts(t *testing.T) {
	query := []byte{0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w', 0, 0, 1, 0, 1}
	base := int64(1_000_000_000_000)
	type pkt struct {
		fromB bool
		dport uint16
		at    time.Duration
		data  []byte
	}
	tests := []struct {
		name    string
		opts    Options
		pkts    []pkt
		records int
		states  []string
		service string
		reasons []string
	}{
		{"dns query and answer", Options{}, []pkt{{false, 53, 0, query}, {true, 53, time.Millisecond, query}}, 1, []string{StateSF}, SvcDNS, []string{EndFlush}},
		{"unanswered", Options{}, []pkt{{false, 9999, 0, []byte("x")}}, 1, []string{StateS0}, "", []string{EndFlush}},
		{"dns sniffed on other port", Options{}, []pkt{{false, 9999, 0, query}}, 1, []string{StateS0}, SvcDNS, []string{EndFlush}},
		{"idle timeout splits", Options{}, []pkt{{false, 53, 0, query}, {false, 53, 2 * time.Minute, query}}, 2, []string{StateS0, StateS0}, SvcDNS, []string{EndIdle, EndFlush}},
		{"custom idle keeps", Options{UDPIdle: 3 * time.Minute}, []pkt{{false, 53, 0, query}, {false, 53, 2 * time.Minute, query}}, 1, []string{StateS0}, SvcDNS, []string{EndFlush}},
		{"active timeout splits", Options{Active: 30 * time.Second}, []pkt{{false, 53, 0, query}, {false, 53, 20 * time.Second, query}, {false, 53, 40 * time.Second, query}}, 2, []string{StateS0, StateS0}, SvcDNS, []string{EndActive, EndFlush}},
		{"response first is flipped", Options{}, []pkt{{true, 53, 0, query}}, 1, []string{StateSHR}, SvcDNS, []string{EndFlush}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var recs []Record
			tt.opts.Emit = func(r *Record) { recs = append(recs, *r) }
			tab := NewTable(tt.opts)
			for _, k := range tt.pkts {
				p, data := udpPacket(k.fromB, k.dport, k.data, base+int64(k.at))
				id, dir := tab.Observe(&p, data)
				if id == 0 || dir == DirNone {
					t.Fatalf("no flow for a UDP packet")
				}
			}
			tab.Flush()
			if len(recs) != tt.records {
				t.Fatalf("got %d records, want %d", len(recs), tt.records)
			}
			for i, r := range recs {
				if r.ConnState != tt.states[i] || r.Service != tt.service || r.EndReason != tt.reasons[i] {
					t.Errorf("record %d: state %s service %q reason %s", i, r.ConnState, r.Service, r.EndReason)
				}
				if n := r.OrigSide.Packets + r.RespSide.Packets; len(tt.pkts[0].data) == len(query) && r.OrigSide.IPBytes+r.RespSide.IPBytes != n*uint64(28+len(query)) {
					t.Errorf("record %d: ip bytes %d+%d for %d packets", i, r.OrigSide.IPBytes, r.RespSide.IPBytes, n)
				}
			}
			if tt.name == "response first is flipped" && (recs[0].Orig != hostA || recs[0].RespPort != 53 || recs[0].History != "^d") {
				t.Errorf("flip: orig %v resp port %d history %q", recs[0].Orig, recs[0].RespPort, recs[0].History)
			}
		})
	}
}

func TestNonIPAndEviction(t *testing.T) {
	var recs []Record
	tab := NewTable(Options{MaxFlows: 2, Emit: func(r *Record) { recs = append(recs, *r) }})
	var p pipeline.Packet
	p.Decoded.Layers = pipeline.LayerEthernet | pipeline.LayerARP
	if id, dir := tab.Observe(&p, nil); id != 0 || dir != DirNone {
		t.Errorf("ARP got flow %d %v", id, dir)
	}
	for i := 0; i < 3; i++ {
		p, data := udpPacket(false, uint16(100+i), nil, int64(i))
		tab.Observe(&p, data)
	}
	if tab.Active() != 2 || len(recs) != 1 || recs[0].EndReason != EndEvicted || recs[0].RespPort != 100 {
		t.Errorf("active %d, records %+v", tab.Active(), recs)
	}
}

func TestObserveAllocs(t *testing.T) {
	tab := NewTable(Options{Emit: func(*Record) {}})
	segs := with(handshake, seg{flags: PA, seq: 101, ack: 501, win: 1000, payload: 100})
	pkts := make([]pipeline.Packet, len(segs))
	for i, s := range segs {
		pkts[i] = tcpPacket(s, int64(i), uint64(i))
	}
	for i := range pkts {
		tab.Observe(&pkts[i], nil)
	}
	allocs := testing.AllocsPerRun(1000, func() {
		for i := range pkts {
			tab.Observe(&pkts[i], nil)
		}
	})
	if allocs != 0 {
		t.Errorf("Observe on an existing flow allocates %.1f times per packet batch", allocs)
	}
}

func BenchmarkObserveExisting(b *testing.B) {
	tab := NewTable(Options{Emit: func(*Record) {}})
	udp, data := udpPacket(false, 53, []byte{0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1}, 0)
	tcp := tcpPacket(seg{flags: PA, seq: 101, ack: 501, win: 1000, payload: 100}, 0, 1)
	tab.Observe(&udp, data)
	tab.Observe(&tcp, nil)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tcp.Timestamp = int64(i)
		tcp.Decoded.TCPSeq += 100
		tab.Observe(&tcp, nil)
	}
}

func BenchmarkObserveNewFlows(b *testing.B) {
	tab := NewTable(Options{Emit: func(*Record) {}, MaxFlows: 1 << 16})
	p, data := udpPacket(false, 53, nil, 0)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p.Decoded.IP.SrcPort = uint16(i)
		p.Decoded.IP.Src = netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), 1})
		p.Timestamp = int64(i)
		tab.Observe(&p, data)
	}
}

// BenchmarkObserveManyOpen observes packets of 20,000 open TCP flows in a
// scattered order, as a capture with that many concurrent connections
// does: the flow's map entry and state are rarely in cache.
func BenchmarkObserveManyOpen(b *testing.B) {
	const flows = 20_000
	tab := NewTable(Options{Emit: func(*Record) {}})
	pkts := make([]pipeline.Packet, flows)
	for i := range pkts {
		pkts[i] = tcpPacket(seg{flags: PA, seq: 101, ack: 501, win: 1000, payload: 100}, 0, uint64(i))
		d := &pkts[i].Decoded
		d.IP.Src = netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		d.IP.SrcPort = uint16(32768 + i%20000)
		tab.Observe(&pkts[i], nil)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p := &pkts[(i*7919)%flows]
		p.Timestamp = int64(i)
		p.Decoded.TCPSeq += 100
		tab.Observe(p, nil)
	}
}
