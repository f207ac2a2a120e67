package generators

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// sessionView is one session reconstructed from the capture by a test.
type sessionView struct {
	cISN, sISN    uint32
	response      []byte // reassembled from server data, by sequence number
	have          []bool
	request       []byte
	maxEnd        uint32 // highest server data end seen (relative)
	outOfOrder    int    // server data segments starting below maxEnd
	duplicates    int    // server data segments seen before
	seen          map[uint32]bool
	lastClientAck uint32
	lastServerAck uint32
	flags         []string
}

func flagString(t *layers.TCP) string {
	var b strings.Builder
	for _, f := range []struct {
		on bool
		c  byte
	}{{t.SYN, 'S'}, {t.FIN, 'F'}, {t.PSH, 'P'}, {t.ACK, '.'}} {
		if f.on {
			b.WriteByte(f.c)
		}
	}
	return b.String()
}

// viewSessions decodes every frame of a tcp-session capture and checks
// sequence/ack invariants that hold even with loss and reordering.
func viewSessions(t *testing.T, c *collected, p *sessPlan) map[uint16]*sessionView {
	t.Helper()
	views := map[uint16]*sessionView{}
	for i, f := range c.frames {
		reserialize(t, f)
		pk := decode(t, f)
		tcp := pk.Layer(layers.LayerTypeTCP).(*layers.TCP)
		toServer := tcp.DstPort == layers.TCPPort(p.ServerPort)
		port := uint16(tcp.SrcPort)
		if !toServer {
			port = uint16(tcp.DstPort)
		}
		v := views[port]
		if v == nil {
			if !tcp.SYN || tcp.ACK || !toServer {
				t.Fatalf("frame %d: session on port %d does not start with a SYN", i+1, port)
			}
			v = &sessionView{cISN: tcp.Seq, response: make([]byte, len(p.response)), have: make([]bool, len(p.response)), seen: map[uint32]bool{}}
			views[port] = v
		}
		v.flags = append(v.flags, fmt.Sprintf("%v%s", map[bool]string{true: ">", false: "<"}[toServer], flagString(tcp)))
		if toServer {
			if tcp.ACK {
				ack := tcp.Ack - v.sISN
				if ack < v.lastClientAck || int(ack) > int(v.maxEnd)+2 {
					t.Fatalf("frame %d: client ack %d after %d (server sent up to %d)", i+1, ack, v.lastClientAck, v.maxEnd)
				}
				v.lastClientAck = ack
			}
			rel := tcp.Seq - v.cISN
			if len(tcp.Payload) > 0 {
				if rel != 1 {
					t.Fatalf("frame %d: request at relative seq %d", i+1, rel)
				}
				v.request = append(v.request, tcp.Payload...)
			}
			continue
		}
		if tcp.SYN {
			if !tcp.ACK || tcp.Ack != v.cISN+1 {
				t.Fatalf("frame %d: bad SYN-ACK %+v", i+1, tcp)
			}
			v.sISN = tcp.Seq
			continue
		}
		if want := v.cISN + 1 + uint32(len(p.request)); tcp.Ack != want && tcp.Ack != want+1 {
			t.Fatalf("frame %d: server ack %d, want %d", i+1, tcp.Ack-v.cISN, want-v.cISN)
		}
		rel := tcp.Seq - v.sISN - 1
		if n := len(tcp.Payload); n > 0 {
			if n > p.MSS || int(rel)+n > len(p.response) {
				t.Fatalf("frame %d: segment %d+%d outside the %d-byte response (MSS %d)", i+1, rel, n, len(p.response), p.MSS)
			}
			if rel < v.maxEnd {
				v.outOfOrder++
			}
			if v.seen[rel] {
				v.duplicates++
			}
			v.seen[rel] = true
			copy(v.response[rel:], tcp.Payload)
			for j := range n {
				v.have[int(rel)+j] = true
			}
			v.maxEnd = max(v.maxEnd, rel+uint32(n))
		}
	}
	for port, v := range views {
		if !bytes.Equal(v.request, p.request) {
			t.Errorf("port %d: request %q, want %q", port, v.request, p.request)
		}
		if !bytes.Equal(v.response, p.response) || bytes.Contains(boolBytes(v.have), []byte{0}) {
			t.Errorf("port %d: reassembled response differs or has holes", port)
		}
		if v.lastClientAck != uint32(len(p.response))+2 {
			t.Errorf("port %d: last client ack %d, want %d", port, v.lastClientAck, len(p.response)+2)
		}
		fl := v.flags
		if n := len(fl); n < 9 || strings.Join(fl[:4], " ") != ">S <S. >. >P." || strings.Join(fl[n-3:], " ") != "<F. >F. <." {
			t.Errorf("port %d: flag sequence %v", port, fl)
		}
	}
	return views
}

func boolBytes(b []bool) []byte {
	out := make([]byte, len(b))
	for i, v := range b {
		if v {
			out[i] = 1
		}
	}
	return out
}

func planFor(t *testing.T, c TCPSession) *sessPlan {
	t.Helper()
	p, err := c.plan()
	if err != nil {
		t.Fatal(err)
	}
	return &p
}

func TestTCPSession(t *testing.T) {
	tests := []struct {
		name       string
		cfg        TCPSession
		retrans    bool // retransmissions must appear
		outOfOrder bool // segments below the highest seen must appear
	}{
		{name: "default", cfg: TCPSession{}},
		{name: "large-body", cfg: TCPSession{BodySize: 200_000, Seed: 1}},
		{name: "ipv6-vlan", cfg: TCPSession{IPv6: true, VLAN: 12, BodySize: 10_000}},
		{name: "small-mss", cfg: TCPSession{MSS: 536, BodySize: 6000, DelayedACK: 40 * time.Millisecond}},
		{name: "loss", cfg: TCPSession{BodySize: 100_000, Loss: 0.1, Seed: 7}, retrans: true, outOfOrder: true},
		{name: "reorder", cfg: TCPSession{BodySize: 50_000, Reorder: 0.3, Seed: 2}, outOfOrder: true},
		{name: "delayed-ack-beyond-rto", cfg: TCPSession{BodySize: 1000, DelayedACK: 400 * time.Millisecond, RTO: 100 * time.Millisecond}, retrans: true},
		{name: "sessions", cfg: TCPSession{Sessions: 5, ClientPort: 60998, Loss: 0.05, BodySize: 20_000}, retrans: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := planFor(t, tt.cfg)
			c := collect(t, tt.cfg)
			checkCapture(t, c, "tcp-session")
			views := viewSessions(t, c, p)
			if len(views) != p.Sessions {
				t.Fatalf("%d sessions in the capture, want %d", len(views), p.Sessions)
			}
			for i := range p.Sessions {
				if views[p.port(i)] == nil {
					t.Fatalf("no session from port %d", p.port(i))
				}
			}
			ooo, dups := 0, 0
			for _, v := range views {
				ooo += v.outOfOrder
				dups += v.duplicates
			}
			e := tt.cfg.Expect()
			if got := tallyAll(c); got.Packets != e.Packets || got.Bytes != e.Bytes || got.SYN != int64(p.Sessions) || got.SYNACK != int64(p.Sessions) || got.FIN != 2*int64(p.Sessions) {
				t.Fatalf("expectation %+v does not match output %+v", e, got)
			}
			if tt.retrans != (e.Retransmissions > 0) || (tt.cfg.Loss == 0) != (e.Lost == 0) {
				t.Fatalf("retransmissions %d, lost %d", e.Retransmissions, e.Lost)
			}
			if tt.outOfOrder && ooo == 0 {
				t.Fatal("no segment arrived below the highest sequence seen")
			}
			if tt.cfg.Loss == 0 && tt.cfg.Reorder == 0 && !tt.retrans && ooo != 0 {
				t.Fatalf("%d out-of-order segments without impairments", ooo)
			}
			if e.Lost == 0 && tt.retrans && dups == 0 {
				t.Fatal("spurious retransmissions expected as duplicate segments")
			}
		})
	}
}

// The trace shape of a short exchange, with timestamps relative to the SYN.
func TestTCPSessionTimeline(t *testing.T) {
	cfg := TCPSession{BodySize: 1500, RTT: 10 * time.Millisecond}
	c := collect(t, cfg)
	var lines []string
	t0 := c.infos[0].Timestamp
	for i, f := range c.frames {
		tcp := decode(t, f).Layer(layers.LayerTypeTCP).(*layers.TCP)
		lines = append(lines, fmt.Sprintf("%d %s len=%d", (c.infos[i].Timestamp-t0)/1000, flagString(tcp), len(tcp.Payload)))
	}
	p := planFor(t, cfg)
	resp := len(p.response)
	// RTT 10ms: the server sends 100µs after the GET reaches it, segments
	// 12µs apart; the client answers after 30µs.
	want := []string{
		"0 S len=0",
		"10000 S. len=0",
		"10030 . len=0",
		fmt.Sprintf("10060 P. len=%d", len(p.request)),
		"20160 . len=1460",
		fmt.Sprintf("20172 P. len=%d", resp-1460),
		"20190 . len=0",
		"20202 . len=0",
		"30202 F. len=0",
		"30232 F. len=0",
		"40232 . len=0",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("timeline:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestTCPSessionReproducible(t *testing.T) {
	cfg := TCPSession{Sessions: 3, Loss: 0.1, Reorder: 0.1, BodySize: 30_000, Seed: 4}
	a, b := collect(t, cfg), collect(t, cfg)
	cfg.Seed = 5
	c := collect(t, cfg)
	if len(a.frames) != len(b.frames) {
		t.Fatal("same seed, different frame counts")
	}
	for i := range a.frames {
		if !bytes.Equal(a.frames[i], b.frames[i]) || a.infos[i] != b.infos[i] {
			t.Fatalf("frame %d differs with the same seed", i+1)
		}
	}
	if len(a.frames) == len(c.frames) && bytes.Equal(a.frames[0], c.frames[0]) {
		t.Fatal("another seed gave the same first frame")
	}
}

func TestTCPSessionConfigErrors(t *testing.T) {
	tests := []struct {
		cfg  TCPSession
		want string
	}{
		{TCPSession{Sessions: -1}, "sessions"},
		{TCPSession{Sessions: 30000}, "sessions"},
		{TCPSession{Client: netip.MustParseAddr("10.0.0.1"), Server: netip.MustParseAddr("::1")}, "one IP version"},
		{TCPSession{Path: "no-slash"}, "path"},
		{TCPSession{Host: "a b"}, "host"},
		{TCPSession{MSS: 10}, "MSS"},
		{TCPSession{IPv6: true, MSS: 1460}, "MSS"},
		{TCPSession{Loss: 1}, "loss"},
		{TCPSession{Reorder: -0.1}, "reorder"},
		{TCPSession{RTT: -time.Second}, "negative"},
		{TCPSession{BodySize: -1}, "body"},
		{TCPSession{ClientPort: 65530, Sessions: 10}, "past 65535"},
	}
	for _, tt := range tests {
		if _, err := tt.cfg.plan(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: error %v, want %q", tt.cfg, err, tt.want)
		}
	}
}
