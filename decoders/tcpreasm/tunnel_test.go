package tcpreasm

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/generators"
)

const (
	tunReq = "GET /dns-query HTTP/1.1\r\nHost: dns.example\r\n\r\n"
	tunEnd = "tail"
)

// tunResp is a response larger than one outer MTU.
var tunResp = strings.Repeat("0123456789abcdef", 190) // 3040 bytes

// tunSession is a connection: handshake, request, a large response, a
// short second response segment and the closing FINs.
func tunSession() []useg {
	r := uint32(len(tunReq))
	s := uint32(len(tunResp))
	e := uint32(len(tunEnd))
	return []useg{
		{flags: syn, seq: 100},
		{down: true, flags: synack, seq: 500, ack: 101},
		{flags: ack, seq: 101, ack: 501},
		{flags: psh | ack, seq: 101, ack: 501, data: tunReq},
		{down: true, flags: psh | ack, seq: 501, ack: 101 + r, data: tunResp},
		{down: true, flags: psh | ack, seq: 501 + s, ack: 101 + r, data: tunEnd},
		{flags: fin | ack, seq: 101 + r, ack: 501 + s + e},
		{down: true, flags: fin | ack, seq: 501 + s + e, ack: 102 + r},
		{flags: ack, seq: 102 + r, ack: 502 + s + e},
	}
}

// tunnelled is the frame of s sent through the tunnel; split > 0
// fragments the outer datagram into pieces of that size.
func tunnelled(t *testing.T, n ipNet, s useg, id uint16, split int) []frame {
	pkt := outerPacket(t, n, s.down, s.innerPacket(t, n, id), id)
	if split == 0 {
		return []frame{{data: ethernet(pkt)}}
	}
	var out []frame
	for _, f := range fragments(pkt, split) {
		out = append(out, frame{data: ethernet(f)})
	}
	return out
}

// innerSplit is the frames of s whose inner IPv4 packet was fragmented
// into pieces of size before entering the tunnel (each piece a G-PDU,
// outer-fragmented by outer when > 0).
func innerSplit(t *testing.T, n ipNet, s useg, id uint16, size, outer int) []frame {
	var out []frame
	for i, f := range fragments(s.innerPacket(t, n, id), size) {
		pkt := outerPacket(t, n, s.down, f, id+uint16(i)+100)
		if outer == 0 {
			out = append(out, frame{data: ethernet(pkt)})
			continue
		}
		for _, o := range fragments(pkt, outer) {
			out = append(out, frame{data: ethernet(o)})
		}
	}
	return out
}

// TestTunnelled follows TCP inside GTP-U: inner and outer IPv4/IPv6, the
// same connection seen inside and outside the tunnel, outer and inner
// fragmentation (in and out of order), snap-length cuts and lost fragments.
func TestTunnelled(t *testing.T) {
	v4 := ipNet{}
	big := 4 // index of the large response in tunSession
	tests := []struct {
		name string
		// frames builds the capture from the session's segments.
		frames   func(t *testing.T, segs []useg) []frame
		c2s, s2c string
		// tunnelled, reassembled: expected Stats.Tunnelled and
		// Stats.Reassembled; unacked: sizes of gaps never acknowledged.
		tunnelled, reassembled uint64
		unacked                []uint64
		retrans                uint64 // c2s retransmitted bytes
	}{
		{name: "v4-in-v4", frames: each(v4, 0), c2s: tunReq, s2c: tunResp + tunEnd, tunnelled: 9},
		{name: "v6-in-v6", frames: each(ipNet{inner6: true, outer6: true}, 0), c2s: tunReq, s2c: tunResp + tunEnd, tunnelled: 9},
		{name: "v4-in-v6", frames: each(ipNet{outer6: true}, 0), c2s: tunReq, s2c: tunResp + tunEnd, tunnelled: 9},
		{name: "v6-in-v4", frames: each(ipNet{inner6: true}, 0), c2s: tunReq, s2c: tunResp + tunEnd, tunnelled: 9},
		{
			// Each segment captured on the tunnel (S1-U) and after
			// the UPF (SGi): one connection, the second copy is a
			// retransmission.
			name: "inside-and-outside",
			frames: func(t *testing.T, segs []useg) []frame {
				var out []frame
				for i, s := range segs {
					out = append(out, tunnelled(t, v4, s, uint16(i), 0)...)
					out = append(out, frame{data: ethernet(s.innerPacket(t, v4, uint16(i)))})
				}
				return out
			},
			c2s: tunReq, s2c: tunResp + tunEnd, tunnelled: 9, retrans: uint64(len(tunReq)),
		},
		{name: "outer-fragments", frames: each(v4, 1024), c2s: tunReq, s2c: tunResp + tunEnd, tunnelled: 9, reassembled: 1},
		{
			name: "outer-fragments-reversed",
			frames: func(t *testing.T, segs []useg) []frame {
				var out []frame
				for i, s := range segs {
					fs := tunnelled(t, v4, s, uint16(i), 1024)
					slices.Reverse(fs)
					out = append(out, fs...)
				}
				return out
			},
			c2s: tunReq, s2c: tunResp + tunEnd, tunnelled: 9, reassembled: 1,
		},
		{
			name: "inner-fragments",
			frames: func(t *testing.T, segs []useg) []frame {
				var out []frame
				for i, s := range segs {
					out = append(out, innerSplit(t, v4, s, uint16(i), 1400, 0)...)
				}
				return out
			},
			c2s: tunReq, s2c: tunResp + tunEnd, tunnelled: 9, reassembled: 1,
		},
		{name: "outer-v6-fragments", frames: each(ipNet{outer6: true}, 1024), c2s: tunReq, s2c: tunResp + tunEnd, tunnelled: 9, reassembled: 1},
		{
			name: "inner-v6-fragments",
			frames: func(t *testing.T, segs []useg) []frame {
				var out []frame
				for i, s := range segs {
					out = append(out, innerSplit(t, ipNet{inner6: true}, s, uint16(i), 1400, 0)...)
				}
				return out
			},
			c2s: tunReq, s2c: tunResp + tunEnd, tunnelled: 9, reassembled: 1,
		},
		{
			// Every outer packet with an IPv6 fragment header that
			// fragments nothing (offset 0, no more fragments).
			name: "outer-v6-atomic-fragments",
			frames: func(t *testing.T, segs []useg) []frame {
				var out []frame
				for i, s := range segs {
					pkt := fragments6(outerPacket(t, ipNet{outer6: true}, s.down, s.innerPacket(t, v4, uint16(i)), 0), 1<<16)[0]
					f := append(append(append([]byte(nil), pkt[:40]...), pkt[6], 0, 0, 0, 0, 0, 0, 1), pkt[40:]...)
					f[6] = 44
					binary.BigEndian.PutUint16(f[4:], uint16(len(f)-40))
					out = append(out, frame{data: ethernet(f)})
				}
				return out
			},
			c2s: tunReq, s2c: tunResp + tunEnd, tunnelled: 9,
		},
		// Not tunnelled: the segment's own IP packet in fragments.
		{name: "plain-v4-fragments", frames: plain(v4, 1024), c2s: tunReq, s2c: tunResp + tunEnd, reassembled: 1},
		{name: "plain-v6-fragments", frames: plain(ipNet{inner6: true}, 1024), c2s: tunReq, s2c: tunResp + tunEnd, reassembled: 1},
		{
			name: "inner-in-outer-fragments",
			frames: func(t *testing.T, segs []useg) []frame {
				var out []frame
				for i, s := range segs {
					out = append(out, innerSplit(t, v4, s, uint16(i), 2000, 800)...)
				}
				return out
			},
			// The response: two inner fragments, each outer-split
			// in three; the request fits in one G-PDU.
			c2s: tunReq, s2c: tunResp + tunEnd, tunnelled: 9, reassembled: 3,
		},
		{
			name: "snaplen-cut",
			frames: func(t *testing.T, segs []useg) []frame {
				out := each(v4, 0)(t, segs)
				f := &out[big]
				f.origLen = len(f.data)
				f.data = f.data[:300]
				return out
			},
			c2s: tunReq, s2c: tunResp[:300-14-20-8-8-20-20] + fmt.Sprintf("<gap %d>", len(tunResp)-(300-90)) + tunEnd, tunnelled: 9,
		},
		{
			name: "lost-fragment",
			frames: func(t *testing.T, segs []useg) []frame {
				var out []frame
				for i, s := range segs {
					fs := tunnelled(t, v4, s, uint16(i), 1024)
					if i == big {
						fs = slices.Delete(fs, 1, 2)
					}
					if i > big {
						// The client never acknowledges the lost response.
						s.ack = min(s.ack, 501)
						fs = tunnelled(t, v4, s, uint16(i), 0)
					}
					out = append(out, fs...)
				}
				return out
			},
			c2s: tunReq, s2c: fmt.Sprintf("<gap %d>", len(tunResp)) + tunEnd, tunnelled: 8, unacked: []uint64{uint64(len(tunResp))},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &gapRecorder{recorder: newRecorder()}
			a := New(Options{Handler: r})
			feedFrames(a, tt.frames(t, tunSession()), 1000)
			a.Flush()
			st := a.Stats()
			if len(r.closed) != 1 {
				t.Fatalf("%d connections, want 1 (stats %+v)", len(r.closed), st)
			}
			c := r.closed[0]
			if c.Client.Addr().String() != "10.45.0.2" && c.Client.Addr().String() != "2001:db8:45::2" || c.Client.Port() != uePrt {
				t.Errorf("client %v, want the UE", c.Client)
			}
			if got := r.stream(0, ClientToServer); got != tt.c2s {
				t.Errorf("c2s %q, want %q", got, tt.c2s)
			}
			if got := r.stream(0, ServerToClient); got != tt.s2c {
				t.Errorf("s2c (%d bytes) %.80q..., want %d bytes %.80q...", len(got), got, len(tt.s2c), tt.s2c)
			}
			if st.Tunnelled != tt.tunnelled || st.Reassembled != tt.reassembled {
				t.Errorf("tunnelled %d reassembled %d, want %d and %d", st.Tunnelled, st.Reassembled, tt.tunnelled, tt.reassembled)
			}
			if !slices.Equal(r.unacked, tt.unacked) {
				t.Errorf("unacknowledged gaps %v, want %v", r.unacked, tt.unacked)
			}
			if got := c.Stats[ClientToServer].Retransmitted; got != tt.retrans {
				t.Errorf("c2s retransmitted %d, want %d", got, tt.retrans)
			}
			if c.SynTime == 0 || c.HandshakeRTT() <= 0 {
				t.Errorf("handshake not seen: %+v", c)
			}
			for _, l := range r.log {
				t.Error(l)
			}
		})
	}
}

// each returns a frames builder that tunnels every segment, outer
// fragments of at most split bytes.
func each(n ipNet, split int) func(t *testing.T, segs []useg) []frame {
	return func(t *testing.T, segs []useg) []frame {
		var out []frame
		for i, s := range segs {
			out = append(out, tunnelled(t, n, s, uint16(i), split)...)
		}
		return out
	}
}

// plain returns a frames builder that sends every segment untunnelled,
// in IP fragments of at most split bytes when larger.
func plain(n ipNet, split int) func(t *testing.T, segs []useg) []frame {
	return func(t *testing.T, segs []useg) []frame {
		var out []frame
		for i, s := range segs {
			for _, f := range fragments(s.innerPacket(t, n, uint16(i)), split) {
				out = append(out, frame{data: ethernet(f)})
			}
		}
		return out
	}
}

// TestTunnelStreamNumbers checks that connections are numbered in order of
// first appearance whether they start inside or outside a tunnel, and that
// a tuple keeps its number when it moves between the two.
func TestTunnelStreamNumbers(t *testing.T) {
	v4 := ipNet{}
	r := newRecorder()
	a := New(Options{Handler: r})
	var frames []frame
	frames = append(frames, tunnelled(t, v4, useg{flags: syn, seq: 100}, 1, 0)...) // conn 0, in the tunnel
	feedFrames(a, frames, 0)
	p, data := tseg{flags: syn, seq: 7}.packet(2) // conn 1, outside (10.0.0.1 → 10.0.0.2)
	p.Timestamp = 2e6
	a.Observe(&p, data)
	feedFrames(a, []frame{{data: ethernet(useg{down: true, flags: synack, seq: 500, ack: 101}.innerPacket(t, v4, 3))}}, 3) // conn 0, outside
	a.Flush()
	if st := a.Stats(); st.Conns != 2 || st.Tunnelled != 1 || st.Packets != 3 {
		t.Fatalf("stats %+v, want 2 connections from 3 packets, 1 tunnelled", st)
	}
	if r.closed[0].ID != 0 || r.closed[0].Client.Port() != uePrt || !r.closed[0].Stats[ServerToClient].SYN {
		t.Errorf("conn 0 %+v: want the UE's, with the SYN+ACK seen outside the tunnel", r.closed[0])
	}
	if r.closed[1].ID != 1 || r.closed[1].Client != cli {
		t.Errorf("conn 1 %+v, want the plain one", r.closed[1])
	}
}

// TestFragmentBounds checks that fragments waiting for the rest of their
// packet are bounded in number and in packet time, and counted when given
// up.
func TestFragmentBounds(t *testing.T) {
	v4 := ipNet{}
	var frames []frame
	for i := range maxFragDatagrams + 10 {
		// Only the first of three fragments of each datagram.
		fs := tunnelled(t, v4, useg{down: true, flags: ack, seq: 1, ack: 1, data: tunResp}, uint16(i), 1024)
		frames = append(frames, fs[0])
	}
	a := New(Options{Handler: newRecorder()})
	feedFrames(a, frames, 0)
	st := a.Stats()
	if len(a.defrag.pending) != maxFragDatagrams || st.FragmentsDropped != 10 || st.Fragments != uint64(len(frames)) {
		t.Errorf("%d pending, stats %+v: want %d pending, 10 dropped", len(a.defrag.pending), st, maxFragDatagrams)
	}
	// A fragment long after: every waiting one has timed out.
	late := tunnelled(t, v4, useg{down: true, flags: ack, seq: 1, ack: 1, data: tunResp}, 9999, 1024)[:1]
	feedFrames(a, late, fragTimeout/1e6+10_000)
	if st := a.Stats(); len(a.defrag.pending) != 1 || st.FragmentsDropped != uint64(len(frames)) || st.Packets != 0 {
		t.Errorf("%d pending, stats %+v after the timeout", len(a.defrag.pending), st)
	}
}

// TestAckedGapFlag checks Chunk.Unacked: a hole the peer acknowledged is
// not flagged, one reported at the end is.
func TestAckedGapFlag(t *testing.T) {
	r := &gapRecorder{recorder: newRecorder()}
	a := New(Options{Handler: r})
	segs := append(handshake(1, 1),
		tseg{fromServer: true, flags: ack, seq: 2, ack: 2, data: "aaaa", t: 10},
		tseg{fromServer: true, flags: ack, seq: 10, ack: 2, data: "cccc", t: 11}, // "bbbb" lost
		tseg{flags: ack, seq: 2, ack: 14, t: 12},                                 // ...but acknowledged
		tseg{fromServer: true, flags: ack, seq: 20, ack: 2, data: "eeee", t: 13}, // 6 bytes lost, never acked
	)
	feed(a, segs)
	a.Flush()
	if got, want := r.stream(0, ServerToClient), "aaaa<gap 4>cccc<gap 6>eeee"; got != want {
		t.Errorf("s2c %q, want %q", got, want)
	}
	if !slices.Equal(r.unacked, []uint64{6}) {
		t.Errorf("unacknowledged gaps %v, want [6]", r.unacked)
	}
}

// TestGeneratedUserPlane runs the PFCP scenario generator's user plane
// (G-PDUs carrying UDP, TCP and ICMP) through the decode stage: every TCP
// G-PDU is followed as a tunnelled segment of its UE's connection.
func TestGeneratedUserPlane(t *testing.T) {
	const sessions, perSession = 4, 12
	r := newRecorder()
	a := New(Options{Handler: r})
	runSource(t, generators.PFCPScenario{Sessions: sessions, UserPlane: perSession, Seed: 5, QFI: 9}, a)
	st := a.Stats()
	// G-PDU n of a session carries TCP when n%3 == 1: n = 1, 4, 7, 10.
	if st.Tunnelled != sessions*4 || st.Packets != st.Tunnelled {
		t.Fatalf("stats %+v: want %d tunnelled TCP segments", st, sessions*4)
	}
	if len(r.closed) != sessions {
		t.Fatalf("%d connections, want one per UE (%d)", len(r.closed), sessions)
	}
	for _, c := range r.closed {
		// Mid-stream: the first G-PDU's sender is the client (tshark's
		// node 0), here the server's downlink segment.
		if c.Client.Port() != 443 && c.Server.Port() != 443 {
			t.Errorf("conn %d: %v - %v, want port 443 on one side", c.ID, c.Client, c.Server)
		}
		for d := ClientToServer; d <= ServerToClient; d++ {
			if c.Stats[d].Segments != 2 || c.Stats[d].Bytes == 0 {
				t.Errorf("conn %d %s: %+v, want 2 segments with bytes", c.ID, d, c.Stats[d])
			}
		}
	}
	for _, l := range r.log {
		t.Error(l)
	}
}

func TestTunnelledNoAllocs(t *testing.T) {
	v4 := ipNet{}
	a := New(Options{Handler: discard{}})
	feedFrames(a, each(v4, 0)(t, tunSession()[:3]), 0)
	data := strings.Repeat("x", 1000)
	seq := uint32(101)
	var frames [][]byte
	for range 64 {
		frames = append(frames, ethernet(outerPacket(t, v4, false, useg{flags: ack, seq: seq, ack: 501, data: data}.innerPacket(t, v4, 1), 1)))
		seq += uint32(len(data))
	}
	fd := &feeder{dec: decoders.NewDecoder(decoders.Options{})}
	fs := make([]frame, 1)
	i := 0
	allocs := testing.AllocsPerRun(50, func() {
		fs[0] = frame{data: frames[i%len(frames)]}
		i++
		fd.feed(a, fs, 10)
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per in-order tunnelled segment, want 0", allocs)
	}
}

// BenchmarkTunnelledInOrder decodes and reassembles in-order 1000-byte
// segments inside GTP-U (the decoder's cost included).
func BenchmarkTunnelledInOrder(b *testing.B) {
	v4 := ipNet{}
	a := New(Options{Handler: discard{}})
	fd := &feeder{dec: decoders.NewDecoder(decoders.Options{})}
	var hs []frame
	for i, s := range tunSession()[:3] {
		hs = append(hs, frame{data: ethernet(outerPacket(b, v4, s.down, s.innerPacket(b, v4, uint16(i)), uint16(i)))})
	}
	fd.feed(a, hs, 0)
	data := strings.Repeat("x", 1000)
	frames := make([]frame, 0, 256)
	seq := uint32(101)
	for range cap(frames) {
		frames = append(frames, frame{data: ethernet(outerPacket(b, v4, false, useg{flags: ack, seq: seq, ack: 501, data: data}.innerPacket(b, v4, 1), 1))})
		seq += uint32(len(data))
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(frames[0].data)))
	fs := make([]frame, 1)
	for i := 0; b.Loop(); i++ {
		fs[0] = frames[i%len(frames)]
		fd.feed(a, fs, 10)
	}
}
