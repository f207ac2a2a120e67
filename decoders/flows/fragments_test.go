package flows_test

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/decoders/flows"
	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/internal/testcap"
	"github.com/pcapflow/pcapflow/pipeline"
)

// ipv4 returns an IPv4 packet from 10.0.0.1 to 10.0.0.2 with protocol
// proto, identification id and payload l4.
func ipv4(proto uint8, id uint16, l4 []byte) []byte {
	ip := make([]byte, 20, 20+len(l4))
	ip[0], ip[8], ip[9] = 0x45, 64, proto
	binary.BigEndian.PutUint16(ip[2:], uint16(20+len(l4)))
	binary.BigEndian.PutUint16(ip[4:], id)
	copy(ip[12:], []byte{10, 0, 0, 1, 10, 0, 0, 2})
	return append(ip, l4...)
}

// udp4 returns an IPv4 packet from port 5000 to 53 with a UDP payload of n
// bytes and IP identification id.
func udp4(n int, id uint16) []byte {
	u := make([]byte, 8+n)
	binary.BigEndian.PutUint16(u, 5000)
	binary.BigEndian.PutUint16(u[2:], 53)
	binary.BigEndian.PutUint16(u[4:], uint16(8+n))
	return ipv4(17, id, u)
}

// tcp4 returns an IPv4 packet from port 40000 to 80 carrying a TCP segment
// (flags PSH ACK) at seq with n bytes of payload.
func tcp4(n int, id uint16, seq uint32) []byte {
	h := make([]byte, 20+n)
	binary.BigEndian.PutUint16(h, 40000)
	binary.BigEndian.PutUint16(h[2:], 80)
	binary.BigEndian.PutUint32(h[4:], seq)
	binary.BigEndian.PutUint32(h[8:], 1)
	h[12], h[13] = 5<<4, 0x18
	binary.BigEndian.PutUint16(h[14:], 65535)
	return ipv4(6, id, h)
}

// frag4 cuts IPv4 packet ip into fragments of at most size data bytes (a
// multiple of 8) and returns them as Ethernet frames, in order.
func frag4(ip []byte, size int) [][]byte {
	data := ip[20:]
	var out [][]byte
	for off := 0; off < len(data); off += size {
		end := min(off+size, len(data))
		f := append(append([]byte(nil), ip[:20]...), data[off:end]...)
		binary.BigEndian.PutUint16(f[2:], uint16(len(f)))
		fo := uint16(off / 8)
		if end < len(data) {
			fo |= 0x2000
		}
		binary.BigEndian.PutUint16(f[6:], fo)
		out = append(out, ethFrame(0x0800, f))
	}
	return out
}

// frag6 sends IPv4 packet ip's UDP datagram over IPv6 (fe80::1 to fe80::2)
// in fragments of at most size data bytes, as Ethernet frames, in order.
func frag6(ip []byte, size int, id uint32) [][]byte {
	data := ip[20:]
	pkt := make([]byte, 40, 40+len(data))
	pkt[0], pkt[6], pkt[7] = 0x60, 17, 64
	pkt[8], pkt[9], pkt[23] = 0xfe, 0x80, 1
	pkt[24], pkt[25], pkt[39] = 0xfe, 0x80, 2
	binary.BigEndian.PutUint16(pkt[4:], uint16(len(data)))
	pkt = append(pkt, data...)
	var out [][]byte
	for _, f := range testcap.FragmentIPv6(pkt, size, id) {
		out = append(out, ethFrame(0x86dd, f))
	}
	return out
}

func ethFrame(etype uint16, payload []byte) []byte {
	b := binary.BigEndian.AppendUint16(make([]byte, 12), etype)
	return append(b, payload...)
}

// TestFragments checks that a fragmented datagram is one packet of its
// flow, counted when whole with the bytes of all its fragments, as tshark
// and Zeek count it.
func TestFragments(t *testing.T) {
	big := frag4(udp4(3000, 7), 1480)  // 3 fragments: 1514, 1514, 82 bytes
	small := frag4(udp4(100, 8), 1480) // not fragmented
	v6 := frag6(udp4(2000, 0), 1232, 0xbeef)
	type want struct {
		flows                       int
		pkts, bytes, ipBytes, frame uint64 // of the flow with ports 5000/53
		stats                       flows.FragmentStats
	}
	tests := []struct {
		name   string
		frames [][]byte
		gap    time.Duration // between frames
		want   want
		// noFlow counts the frames in no flow: fragments that arrive
		// before their datagram's first one.
		noFlow int
	}{
		{"in order", big, 0, want{1, 1, 3000, 3028, 3110, flows.FragmentStats{Reassembled: 1, Held: 3, Counted: 1}}, 0},
		{"with a whole datagram", append(append([][]byte{}, small...), big...), 0,
			want{1, 2, 3100, 3156, 3110 + 142, flows.FragmentStats{Reassembled: 1, Held: 3, Counted: 1}}, 0},
		{"last before middle", [][]byte{big[0], big[2], big[1]}, 0,
			want{1, 1, 3000, 3028, 3110, flows.FragmentStats{Reassembled: 1, Held: 3, Counted: 1}}, 0},
		{"a fragment twice", [][]byte{big[0], big[1], big[1], big[2]}, 0,
			want{1, 1, 3000 + 1480, 3028 + 1480, 3110 + 1514, flows.FragmentStats{Reassembled: 1, Held: 4, Counted: 1}}, 0},
		{"a fragment again when whole", [][]byte{big[0], big[1], big[2], big[2]}, 0,
			want{1, 1, 3000, 3028, 3110 + 82, flows.FragmentStats{Reassembled: 1, Held: 4, Counted: 1}}, 0},
		{"middle lost", [][]byte{big[0], big[2]}, 0,
			want{1, 0, 0, 0, 0, flows.FragmentStats{Incomplete: 1, Held: 2}}, 0},
		// The last fragment comes after the datagram timed out: it starts
		// another, which never gets its first fragment (nor a flow).
		{"too slow", big, flows.FragmentTimeout / 2,
			want{1, 0, 0, 0, 0, flows.FragmentStats{Incomplete: 2, Held: 2}}, 1},
		// Fragments before the first wait in their datagram, in no flow,
		// and count with it in the first one's flow.
		{"first last", [][]byte{big[1], big[2], big[0]}, 0,
			want{1, 1, 3000, 3028, 3110, flows.FragmentStats{Reassembled: 1, Held: 1, Counted: 1}}, 2},
		{"first in the middle", [][]byte{big[2], big[0], big[1]}, 0,
			want{1, 1, 3000, 3028, 3110, flows.FragmentStats{Reassembled: 1, Held: 2, Counted: 1}}, 1},
		// Without its first fragment a datagram is never counted: not in
		// a flow of its own either.
		{"first lost", [][]byte{big[1], big[2], small[0]}, 0,
			want{1, 1, 100, 128, 142, flows.FragmentStats{Incomplete: 1}}, 2},
		{"ipv6", v6, 0, want{1, 1, 2000, 40 + 2008, 2*(14+48) + 2008, flows.FragmentStats{Reassembled: 1, Held: 2, Counted: 1}}, 0},
		{"ipv6 first last", [][]byte{v6[1], v6[0]}, 0,
			want{1, 1, 2000, 40 + 2008, 2*(14+48) + 2008, flows.FragmentStats{Reassembled: 1, Held: 1, Counted: 1}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var recs []flows.Record
			tab := flows.NewTable(flows.Options{Emit: func(r *flows.Record) { recs = append(recs, *r) }})
			dec := decoders.NewDecoder(decoders.Options{})
			ts := int64(1_700_000_000_000_000_000)
			var withFlow int
			for i, f := range tt.frames {
				var p pipeline.Packet
				p.Timestamp, p.Frame = ts+int64(i)*int64(tt.gap+time.Millisecond), uint64(i+1)
				p.OrigLen, p.CapLen = uint32(len(f)), uint32(len(f))
				dec.Decode(f, decoders.LinkEthernet, p.OrigLen, &p.Decoded)
				if id, _ := tab.Observe(&p, f); id != 0 {
					withFlow++
				}
			}
			if withFlow != len(tt.frames)-tt.noFlow {
				t.Errorf("%d of %d frames got a flow, want %d", withFlow, len(tt.frames), len(tt.frames)-tt.noFlow)
			}
			tab.Flush()
			if len(recs) != tt.want.flows {
				t.Fatalf("%d flows, want %d: %+v", len(recs), tt.want.flows, recs)
			}
			var r *flows.Record
			for i := range recs {
				if recs[i].OrigPort == 5000 {
					r = &recs[i]
				}
			}
			if r == nil {
				t.Fatalf("no flow from port 5000: %+v", recs)
			}
			s := r.OrigSide
			if s.Packets != tt.want.pkts || s.Bytes != tt.want.bytes || s.IPBytes != tt.want.ipBytes || s.FrameBytes != tt.want.frame {
				t.Errorf("packets %d, bytes %d, ip bytes %d, frame bytes %d; want %d, %d, %d, %d",
					s.Packets, s.Bytes, s.IPBytes, s.FrameBytes, tt.want.pkts, tt.want.bytes, tt.want.ipBytes, tt.want.frame)
			}
			if got := tab.Fragments(); got != tt.want.stats {
				t.Errorf("fragment stats %+v, want %+v", got, tt.want.stats)
			}
		})
	}
}

// TestFragmentPiecesBounded sends a datagram as 200 separate 8-byte pieces
// with holes between them, then fills the holes: the datagram holds at
// most maxFragmentRanges pieces, so it never becomes whole.
func TestFragmentPiecesBounded(t *testing.T) {
	ip := udp4(8*400, 9)
	var frames [][]byte
	all := frag4(ip, 8)
	for i := 0; i < len(all); i += 2 {
		frames = append(frames, all[i])
	}
	for i := 1; i < len(all); i += 2 {
		frames = append(frames, all[i])
	}
	var recs []flows.Record
	tab := flows.NewTable(flows.Options{Emit: func(r *flows.Record) { recs = append(recs, *r) }})
	dec := decoders.NewDecoder(decoders.Options{})
	for i, f := range frames {
		var p pipeline.Packet
		p.Timestamp = int64(i) * 1e3
		p.OrigLen, p.CapLen = uint32(len(f)), uint32(len(f))
		dec.Decode(f, decoders.LinkEthernet, p.OrigLen, &p.Decoded)
		tab.Observe(&p, f)
	}
	tab.Flush()
	if st := tab.Fragments(); st.Reassembled != 0 || st.Incomplete != 1 {
		t.Errorf("fragment stats %+v, want 0 reassembled and 1 incomplete", st)
	}
	if len(recs) != 1 || recs[0].OrigSide.Packets != 0 {
		t.Errorf("records %+v, want one flow without a counted packet", recs)
	}
}

// TestFragmentedTCPAnalysis sends a TCP segment of 3000 bytes in three IP
// fragments, then the next segment whole: the analysis sees the first
// segment at its full length when its last fragment arrives, so the second
// one is in order (counted per fragment, it would look like a segment
// after a gap, and the first fragment's length would be wrong).
func TestFragmentedTCPAnalysis(t *testing.T) {
	frames := append(frag4(tcp4(3000, 1, 1000), 1480), ethFrame(0x0800, tcp4(100, 2, 4000)))
	var rec flows.Record
	tab := flows.NewTable(flows.Options{Emit: func(r *flows.Record) { rec = *r }})
	dec := decoders.NewDecoder(decoders.Options{})
	for i, f := range frames {
		var p pipeline.Packet
		p.Timestamp = int64(i+1) * 1e6
		p.OrigLen, p.CapLen = uint32(len(f)), uint32(len(f))
		dec.Decode(f, decoders.LinkEthernet, p.OrigLen, &p.Decoded)
		tab.Observe(&p, f)
	}
	tab.Flush()
	s := rec.OrigSide
	if s.Packets != 2 || s.Bytes != 3100 || s.Retransmissions+s.OutOfOrder+s.DupAcks != 0 {
		t.Errorf("packets %d, bytes %d, retransmissions %d, out of order %d, dup acks %d; want 2, 3100, 0, 0, 0",
			s.Packets, s.Bytes, s.Retransmissions, s.OutOfOrder, s.DupAcks)
	}
	if rec.Timeline.Gaps[0] != 0 {
		t.Errorf("gaps %d, want 0", rec.Timeline.Gaps[0])
	}
}

// TestGeneratedUserPlaneFragments runs a generated mobile core capture
// whose transport network MTU fragments the larger G-PDUs (IPv4 and IPv6
// outer headers): every G-PDU counts once in the tunnel's flow and once in
// its tunnelled flow, and every fragmented datagram is reassembled.
func TestGeneratedUserPlaneFragments(t *testing.T) {
	for _, v6 := range []bool{false, true} {
		sc := generators.PFCPScenario{Sessions: 8, UserPlane: 24, IPv6: v6, MTU: 576, Seed: 2}
		var c collectedPackets
		g := &pipeline.Graph{Source: sc, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{})}, Sinks: []pipeline.Sink{&c}, Workers: 2}
		if _, err := g.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		var tunnel, inner uint64
		tab := flows.NewTable(flows.Options{Emit: func(r *flows.Record) {
			n := r.OrigSide.Packets + r.RespSide.Packets
			switch {
			case r.TunnelParent != 0:
				inner += n
			case r.OrigPort == 2152:
				tunnel += n
			}
		}})
		var firsts uint64
		for i := range c.pkts {
			p := &c.pkts[i]
			d := &p.Decoded
			if d.Layers.Has(pipeline.LayerFragment) && d.FragOffset == 0 && d.MoreFragments {
				firsts++
			}
			id, _ := tab.Observe(p, c.data[i])
			tab.ObserveInner(p, c.data[i], id)
		}
		tab.Flush()
		e := sc.Expect()
		if tunnel != uint64(e.GPDUs) || inner != uint64(e.GPDUs) {
			t.Errorf("v6=%v: tunnel flow %d packets, tunnelled flows %d, want the %d G-PDUs", v6, tunnel, inner, e.GPDUs)
		}
		if st := tab.Fragments(); firsts == 0 || st.Reassembled != firsts || st.Incomplete != 0 {
			t.Errorf("v6=%v: fragment stats %+v, %d first fragments", v6, st, firsts)
		}
	}
}

// collectedPackets keeps the decoded packets of a run and copies of their
// bytes.
type collectedPackets struct {
	pkts []pipeline.Packet
	data [][]byte
}

func (c *collectedPackets) Name() string { return "collect" }

func (c *collectedPackets) Consume(_ context.Context, b *pipeline.Batch) error {
	for i := range b.Packets {
		c.pkts = append(c.pkts, b.Packets[i])
		c.data = append(c.data, append([]byte(nil), b.Bytes(&b.Packets[i])...))
	}
	return nil
}

func (c *collectedPackets) Close(bool) error { return nil }

// FuzzFragments feeds arbitrary sequences of IPv4 fragments (each from 4
// fuzz bytes: datagram, offset, length, flags) of a few UDP datagrams
// between two hosts, with time jumps, and checks that nothing panics, that
// every first fragment gets a flow (a later one may wait for it in none),
// and that the records hold one packet per packet counted on its own plus
// one per whole datagram.
func FuzzFragments(f *testing.F) {
	f.Add([]byte{0, 0, 4, 1, 0, 4, 4, 0})                         // two fragments in order
	f.Add([]byte{0, 4, 4, 0, 0, 0, 4, 1})                         // last one first
	f.Add([]byte{0, 0, 4, 1, 0, 0, 4, 1, 0, 4, 4, 0, 0, 4, 4, 0}) // everything twice
	f.Add([]byte{1, 0, 8, 1, 2, 0, 8, 3, 1, 8, 2, 0, 2, 8, 2, 2}) // two datagrams interleaved, a timeout
	f.Fuzz(func(t *testing.T, in []byte) {
		var total uint64
		tab := flows.NewTable(flows.Options{Emit: func(r *flows.Record) { total += r.OrigSide.Packets + r.RespSide.Packets }})
		dec := decoders.NewDecoder(decoders.Options{})
		var withFlow uint64
		ts := int64(1e18)
		for len(in) >= 4 {
			dg, off, n, fl := in[0]%4, int(in[1]%64)*8, int(in[2]%32+1)*8, in[3]
			in = in[4:]
			if fl&2 != 0 {
				ts += int64(flows.FragmentTimeout) // the datagrams waiting time out
			}
			ts += 1e6
			data := make([]byte, n)
			if off == 0 && n >= 8 {
				binary.BigEndian.PutUint16(data, 5000)
				binary.BigEndian.PutUint16(data[2:], 53)
				binary.BigEndian.PutUint16(data[4:], uint16(n+64))
			}
			ip := ipv4(17, uint16(dg), data)
			fo := uint16(off / 8)
			if fl&1 != 0 {
				fo |= 0x2000
			}
			binary.BigEndian.PutUint16(ip[6:], fo)
			frame := ethFrame(0x0800, ip)
			var p pipeline.Packet
			p.Timestamp = ts
			p.OrigLen, p.CapLen = uint32(len(frame)), uint32(len(frame))
			dec.Decode(frame, decoders.LinkEthernet, p.OrigLen, &p.Decoded)
			if id, _ := tab.Observe(&p, frame); id != 0 {
				withFlow++
			} else if off == 0 {
				t.Fatalf("first fragment (%d bytes) got no flow", n)
			}
		}
		tab.Flush()
		fs := tab.Fragments()
		if total != withFlow-fs.Held+fs.Counted {
			t.Errorf("records hold %d packets, %d packets had a flow (fragments: %+v)", total, withFlow, fs)
		}
	})
}
