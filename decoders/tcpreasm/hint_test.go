package tcpreasm

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/pipeline"
)

// TestHint feeds random traffic on a few tuples to an assembler with
// Observe and to one with ObserveHinted, whose hints are kept per client
// port modulo a few, so that tuples share them and they are often stale
// or wrong: both must see the same connections, bytes and ends, and a
// hint must name the connection its last packet went to.
func TestHint(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			o := Options{Idle: 100 * time.Millisecond, ClosedIdle: 20 * time.Millisecond, MaxConns: 5, MaxBuffered: 64}
			plain, hinted, hp, hh := leanPair(o, func(c *Conn) bool { return c.Client.Port()%2 == 0 })
			plain.noLean, hinted.noLean = false, false
			hints := make([]Hint, 3)
			isn := map[uint16]uint32{}
			now := int64(1e9)
			for n := range 20000 {
				now += int64(rng.IntN(3)) * 1e6
				port := uint16(2000 + rng.IntN(10))
				cl := netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 1}), port)
				src, dst := cl, srv
				if rng.IntN(2) == 0 {
					src, dst = srv, cl
				}
				flags := []uint16{syn, synack, ack, ack, ack, ack, ack | fin, rst}[rng.IntN(8)]
				if flags == syn && rng.IntN(2) == 0 {
					isn[port] = rng.Uint32()
				}
				data := ""
				if flags == ack && rng.IntN(2) == 0 {
					data = "GET / HTTP/1.1\r\n"[:1+rng.IntN(15)]
				}
				p := pipeline.Packet{CaptureInfo: pipeline.CaptureInfo{Timestamp: now, Frame: uint64(n + 1),
					CapLen: uint32(len(data)), OrigLen: uint32(len(data))}}
				p.Decoded = pipeline.Decoded{Layers: pipeline.LayerIPv4 | pipeline.LayerTCP,
					IP:       pipeline.Flow{Src: src.Addr(), Dst: dst.Addr(), SrcPort: src.Port(), DstPort: dst.Port(), Proto: 6},
					TCPFlags: flags, TCPSeq: isn[port] + uint32(rng.IntN(40)), TCPAck: rng.Uint32(), TCPWindow: 100,
					PayloadLen: uint32(len(data))}
				plain.Observe(&p, []byte(data))
				h := &hints[int(port)%len(hints)]
				// Touching (stale hints too) must change nothing.
				hinted.Touch(h)
				hinted.ObserveHinted(&p, []byte(data), h)
				k, _ := tuplekeyOf(&p)
				if h.ref <= 0 || !hinted.slab.at(h.ref-1).k.Eq(&k) {
					t.Fatalf("packet %d: hint %d does not name the packet's connection", n, h.ref)
				}
			}
			for _, h := range []*Hint{nil, {}, {ref: -1}, {ref: hinted.slab.n + 1}} {
				if got := hinted.Touch(h); got != 0 {
					t.Errorf("Touch(%v) = %d, want 0 (no connection)", h, got)
				}
			}
			plain.Flush()
			hinted.Flush()
			sameEnds(t, hinted, plain, hh, hp)
		})
	}
}

// tuplekeyOf returns the connection key of p's outer TCP segment.
func tuplekeyOf(p *pipeline.Packet) (key, bool) {
	v, _ := viewOf(&p.Decoded)
	return keyOf(&v)
}

// TestHintNoAllocs checks that hinted packets of lean connections, one
// connection after another on a tuple, cost no allocation once warm.
func TestHintNoAllocs(t *testing.T) {
	const c, s = 1000, 5000
	segs := append(handshake(c, s),
		tseg{flags: ack, seq: c + 1, ack: s + 1, data: "abcd", t: 30},
		tseg{fromServer: true, flags: ack, seq: s + 1, ack: c + 5, data: "1234", t: 31},
		tseg{flags: ack | fin, seq: c + 5, ack: s + 5, t: 33},
		tseg{fromServer: true, flags: ack | fin, seq: s + 5, ack: c + 6, t: 34},
	)
	pkts := make([]pipeline.Packet, len(segs))
	data := make([][]byte, len(segs))
	for i, sg := range segs {
		pkts[i], data[i] = sg.packet(uint64(i + 1))
	}
	a := New(Options{Handler: &ignoreAll{}, ClosedIdle: time.Millisecond})
	var hint Hint
	round := 0
	run := func() {
		for i := range pkts {
			p := &pkts[i]
			p.Timestamp = int64(round)*int64(time.Second) + segs[i].t*1e6
			p.Decoded.TCPSeq = segs[i].seq + uint32(round)*100_000
			if p.Decoded.TCPFlags&ack != 0 {
				p.Decoded.TCPAck = segs[i].ack + uint32(round)*100_000
			}
			a.ObserveHinted(p, data[i], &hint)
		}
		round++
	}
	run()
	if n := testing.AllocsPerRun(50, run); n != 0 {
		t.Errorf("%.1f allocations per connection, want 0", n)
	}
}

// ignoreOnData ignores both directions of a connection at its first bytes
// (as the HTTP parser does with a stream that is not HTTP).
type ignoreOnData struct{}

func (ignoreOnData) Open(*Conn) {}
func (ignoreOnData) Data(c *Conn, _ Dir, _ []byte, _ Chunk) {
	c.Ignore(ClientToServer)
	c.Ignore(ServerToClient)
}
func (ignoreOnData) Gap(*Conn, Dir, uint64, Chunk) {}
func (ignoreOnData) Close(*Conn)                   {}

// TestHintLean checks that a hint reports its connection lean once the
// handler ignores both directions (from the start, or at its first bytes),
// and not for a connection that still wants bytes, nor for the new
// connection of a reused tuple.
func TestHintLean(t *testing.T) {
	const c, s = 1000, 5000
	first := append(handshake(c, s),
		tseg{flags: ack, seq: c + 1, ack: s + 1, data: "abcd", t: 30},
		tseg{fromServer: true, flags: ack, seq: s + 1, ack: c + 5, data: "1234", t: 31},
	)
	second := handshake(c+100_000, s+100_000) // the tuple again, a new ISN
	tests := []struct {
		name    string
		handler Handler
		segs    []tseg
		want    []bool // Lean after each segment
	}{
		{"ignored from the start", &ignoreAll{}, first, []bool{true, true, true, true, true}},
		{"ignored at the first bytes", ignoreOnData{}, first, []bool{false, false, false, true, true}},
		{"reassembled", newRecorder(), first, []bool{false, false, false, false, false}},
		{"reused", ignoreOnData{}, append(append([]tseg{}, first...), second...), []bool{false, false, false, true, true, false, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := New(Options{Handler: tt.handler})
			var hint Hint
			for i, sg := range tt.segs {
				p, data := sg.packet(uint64(i + 1))
				p.Timestamp = int64(i+1) * int64(time.Millisecond)
				a.ObserveHinted(&p, data, &hint)
				if hint.Lean() != tt.want[i] {
					t.Errorf("after segment %d: Lean() = %v, want %v", i, hint.Lean(), tt.want[i])
				}
			}
		})
	}
}
