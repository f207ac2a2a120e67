package tcpreasm

import (
	"testing"
	"time"
)

func handshake(cisn, sisn uint32) []tseg {
	return []tseg{
		{flags: syn, seq: cisn, t: 1},
		{fromServer: true, flags: synack, seq: sisn, ack: cisn + 1, t: 10},
		{flags: ack, seq: cisn + 1, ack: sisn + 1, t: 20},
	}
}

func TestReassembly(t *testing.T) {
	const c, s = 1000, 5000
	hs := handshake(c, s)
	tests := []struct {
		name     string
		segs     []tseg
		c2s, s2c string
		check    func(t *testing.T, st [2]DirStats)
	}{
		{"in-order", append(hs,
			tseg{flags: ack | psh, seq: c + 1, ack: s + 1, data: "GET / HTTP/1.0\r\n\r\n", t: 30},
			tseg{fromServer: true, flags: ack, seq: s + 1, ack: c + 19, data: "HTTP/1.0 200 OK\r\n", t: 40},
			tseg{fromServer: true, flags: ack | fin, seq: s + 18, ack: c + 19, data: "\r\nbody", t: 41},
			tseg{flags: ack | fin, seq: c + 19, ack: s + 25, t: 50},
		), "GET / HTTP/1.0\r\n\r\n", "HTTP/1.0 200 OK\r\n\r\nbody", nil},
		{"out-of-order", append(hs,
			tseg{flags: ack, seq: c + 5, ack: s + 1, data: "efgh", t: 30},
			tseg{flags: ack, seq: c + 9, ack: s + 1, data: "ijkl", t: 31},
			tseg{flags: ack, seq: c + 1, ack: s + 1, data: "abcd", t: 32},
		), "abcdefghijkl", "", func(t *testing.T, st [2]DirStats) {
			if st[0].OutOfOrder != 2 || st[0].Gaps != 0 {
				t.Errorf("out of order %d gaps %d, want 2 and 0", st[0].OutOfOrder, st[0].Gaps)
			}
		}},
		{"retransmission-first-copy-wins", append(hs,
			tseg{flags: ack, seq: c + 1, ack: s + 1, data: "abcd", t: 30},
			tseg{flags: ack, seq: c + 1, ack: s + 1, data: "abcd", t: 31},
			tseg{flags: ack, seq: c + 3, ack: s + 1, data: "XYef", t: 32},
		), "abcdef", "", func(t *testing.T, st [2]DirStats) {
			if st[0].RetransSegments != 1 || st[0].Overlaps != 1 || st[0].Conflicts != 1 || st[0].Retransmitted != 6 {
				t.Errorf("stats %+v: want 1 retransmitted segment, 1 overlap, 1 conflict, 6 bytes resent", st[0])
			}
		}},
		{"buffered-overlap-conflict", append(hs,
			tseg{flags: ack, seq: c + 5, ack: s + 1, data: "efgh", t: 30},
			tseg{flags: ack, seq: c + 3, ack: s + 1, data: "cdEFghij", t: 31},
			tseg{flags: ack, seq: c + 1, ack: s + 1, data: "ab", t: 32},
		), "abcdefghij", "", func(t *testing.T, st [2]DirStats) {
			if st[0].Conflicts != 1 || st[0].Overlaps != 1 {
				t.Errorf("stats %+v: want 1 overlap with 1 conflict", st[0])
			}
		}},
		{"gap-acknowledged-by-peer", append(hs,
			tseg{flags: ack, seq: c + 1, ack: s + 1, data: "abcd", t: 30},
			tseg{flags: ack, seq: c + 9, ack: s + 1, data: "ijkl", t: 31},
			tseg{fromServer: true, flags: ack, seq: s + 1, ack: c + 13, t: 40},
			tseg{flags: ack, seq: c + 13, ack: s + 1, data: "mn", t: 41},
		), "abcd<gap 4>ijklmn", "", func(t *testing.T, st [2]DirStats) {
			if st[0].Gaps != 1 || st[0].GapBytes != 4 || st[0].TruncatedBytes != 0 {
				t.Errorf("stats %+v: want one 4-byte gap", st[0])
			}
		}},
		{"hole-open-at-end", append(hs,
			tseg{flags: ack, seq: c + 1, ack: s + 1, data: "ab", t: 30},
			tseg{flags: ack, seq: c + 6, ack: s + 1, data: "fg", t: 31},
		), "ab<gap 3>fg", "", nil},
		{"snaplen-cut", append(hs,
			tseg{flags: ack, seq: c + 1, ack: s + 1, data: "abcdefgh", cut: 5, t: 30},
			tseg{flags: ack, seq: c + 9, ack: s + 1, data: "ij", t: 31},
		), "abc<gap 5>ij", "", func(t *testing.T, st [2]DirStats) {
			if st[0].TruncatedBytes != 5 {
				t.Errorf("truncated %d, want 5", st[0].TruncatedBytes)
			}
		}},
		{"mid-stream-start", []tseg{
			{fromServer: true, flags: ack, seq: 777, ack: 99, data: "tail of", t: 0},
			{flags: ack, seq: 99, ack: 784, data: "more", t: 1},
			{fromServer: true, flags: ack, seq: 784, ack: 103, data: " a reply", t: 2},
		}, "tail of a reply", "more", nil},
		{"sequence-wraparound", []tseg{
			{flags: syn, seq: 0xfffffffd, t: 0},
			{flags: ack, seq: 0xfffffffe, data: "wxyz", t: 1},
			{flags: ack, seq: 0x00000002, data: "AB", t: 2},
		}, "wxyzAB", "", nil},
		{"rst-payload-ignored", append(hs,
			tseg{flags: ack, seq: c + 1, ack: s + 1, data: "hi", t: 30},
			tseg{fromServer: true, flags: rst | ack, seq: s + 1, ack: c + 3, data: "reset reason", t: 31},
		), "hi", "", func(t *testing.T, st [2]DirStats) {
			if !st[1].RST {
				t.Error("RST not recorded")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRecorder()
			a := New(Options{Handler: r})
			feed(a, tt.segs)
			a.Flush()
			if len(r.closed) != 1 {
				t.Fatalf("%d connections closed, want 1", len(r.closed))
			}
			if got := r.stream(0, ClientToServer); got != tt.c2s {
				t.Errorf("c2s = %q, want %q", got, tt.c2s)
			}
			if got := r.stream(0, ServerToClient); got != tt.s2c {
				t.Errorf("s2c = %q, want %q", got, tt.s2c)
			}
			for _, l := range r.log {
				t.Error(l)
			}
			if tt.check != nil {
				tt.check(t, r.closed[0].Stats)
			}
			if st := a.Stats(); st.Memory != 0 || st.Active != 0 {
				t.Errorf("after Flush: memory %d, active %d, want 0", st.Memory, st.Active)
			}
		})
	}
}

func TestLifecycle(t *testing.T) {
	const c, s = 100, 900
	segs := append(handshake(c, s),
		tseg{flags: ack, seq: c + 1, ack: s + 1, data: "one", t: 30},
		tseg{flags: ack | fin, seq: c + 4, ack: s + 1, t: 31},
		tseg{fromServer: true, flags: ack | fin, seq: s + 1, ack: c + 5, t: 32},
		tseg{flags: ack, seq: c + 5, ack: s + 2, t: 33},
	)
	// Port reuse: a new SYN with another ISN on the closed tuple.
	for _, x := range handshake(7000, 8000) {
		x.t += 1000
		segs = append(segs, x)
	}
	segs = append(segs, tseg{flags: ack, seq: 7001, ack: 8001, data: "two", t: 1030})
	// After the idle timeout the tuple starts a third connection mid-stream.
	segs = append(segs, tseg{flags: ack, seq: 7004, ack: 8001, data: "three", t: 1030 + int64(DefaultIdle/time.Millisecond) + 1})
	r := newRecorder()
	a := New(Options{Handler: r})
	feed(a, segs)
	a.Flush()
	if len(r.closed) != 3 {
		t.Fatalf("%d connections, want 3", len(r.closed))
	}
	wantReason := []string{EndReuse, EndIdle, EndFlush}
	wantData := []string{"one", "two", "three"}
	for i, c := range r.closed {
		if c.ID != uint64(i) || c.EndReason != wantReason[i] || r.stream(c.ID, ClientToServer) != wantData[i] {
			t.Errorf("connection %d: id %d reason %q data %q, want %d %q %q", i, c.ID, c.EndReason, r.stream(c.ID, ClientToServer), i, wantReason[i], wantData[i])
		}
	}
	if rtt := r.closed[0].HandshakeRTT(); rtt != 19e6 {
		t.Errorf("handshake RTT %d, want 19ms", rtt)
	}
	if r.closed[0].Client != cli || r.closed[0].Server != srv {
		t.Errorf("endpoints %v > %v, want %v > %v", r.closed[0].Client, r.closed[0].Server, cli, srv)
	}
}

func TestSynAckFirstMarksServer(t *testing.T) {
	r := newRecorder()
	a := New(Options{Handler: r})
	feed(a, []tseg{{fromServer: true, flags: synack, seq: 1, ack: 2, t: 0}, {flags: ack, seq: 2, ack: 2, data: "x", t: 1}})
	a.Flush()
	if c := r.closed[0]; c.Client != cli || r.stream(0, ClientToServer) != "x" {
		t.Errorf("client %v data %q: want %v and \"x\"", c.Client, r.stream(0, ClientToServer), cli)
	}
}

func TestBufferBound(t *testing.T) {
	r := newRecorder()
	a := New(Options{Handler: r, MaxBuffered: 8})
	feed(a, []tseg{
		{flags: syn, seq: 0, t: 0},
		{flags: ack, seq: 3, data: "cdef", t: 1},
		{flags: ack, seq: 9, data: "ijkl", t: 2}, // 8 bytes buffered: full
		{flags: ack, seq: 15, data: "op", t: 3},  // forces the first hole out
	})
	a.Flush()
	if got, want := r.stream(0, ClientToServer), "<gap 2>cdef<gap 2>ijkl<gap 2>op"; got != want {
		t.Errorf("stream %q, want %q", got, want)
	}
	if st := a.Stats(); st.PeakMemory > connCost+DefaultHistory+2*256 {
		t.Errorf("peak memory %d above the bound", st.PeakMemory)
	}
}

func TestTimeline(t *testing.T) {
	const c, s = 1, 1
	segs := append(handshake(c, s),
		tseg{flags: ack, seq: c + 1, ack: s + 1, data: "GET", t: 30},
		tseg{fromServer: true, flags: ack, seq: s + 1, ack: c + 4, data: "aaaa", t: 40},
		tseg{fromServer: true, flags: ack, seq: s + 5, ack: c + 4, data: "bbbb", t: 41},
		// The client stalls, then the server times out and resends.
		tseg{fromServer: true, flags: ack, seq: s + 1, ack: c + 4, data: "aaaa", t: 1000},
		tseg{flags: ack, seq: c + 4, ack: s + 9, zeroWin: true, t: 1001},
		tseg{flags: ack, seq: c + 4, ack: s + 9, win: 500, t: 1100},
		tseg{fromServer: true, flags: ack, seq: s + 9, ack: c + 4, data: "cc", t: 1101},
	)
	r := newRecorder()
	a := New(Options{Handler: r, Timeline: true})
	feed(a, segs)
	a.Flush()
	tl := r.closed[0].Timeline
	kinds := map[string]int{}
	for _, e := range tl.Events {
		kinds[e.Kind]++
	}
	for _, k := range []string{EventHandshake, EventStall, EventRetransmit, EventZeroWindow, EventWindowOpen} {
		if kinds[k] != 1 {
			t.Errorf("%d %s events, want 1 (%+v)", kinds[k], k, tl.Events)
		}
	}
	if tl.MaxInFlight[ServerToClient] != 8 {
		t.Errorf("max in flight %d, want 8", tl.MaxInFlight[ServerToClient])
	}
}

func TestInOrderNoAllocs(t *testing.T) {
	a := New(Options{Handler: discard{}})
	segs := handshake(1, 1)
	feed(a, segs)
	seq := uint32(2)
	data := make([]byte, 1000)
	allocs := testing.AllocsPerRun(1000, func() {
		p, _ := tseg{flags: ack, seq: seq, ack: 2, t: 30}.packet(9)
		p.Decoded.PayloadLen = uint32(len(data))
		a.Observe(&p, data)
		seq += uint32(len(data))
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per in-order segment, want 0", allocs)
	}
}

type discard struct{}

func (discard) Open(*Conn)                     {}
func (discard) Data(*Conn, Dir, []byte, Chunk) {}
func (discard) Gap(*Conn, Dir, uint64, Chunk)  {}
func (discard) Close(*Conn)                    {}

func BenchmarkInOrder(b *testing.B) {
	a := New(Options{Handler: discard{}})
	feed(a, handshake(1, 1))
	data := make([]byte, 1448)
	p, _ := tseg{flags: ack, seq: 2, ack: 2, t: 30}.packet(9)
	p.Decoded.PayloadLen = uint32(len(data))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		a.Observe(&p, data)
		p.Decoded.TCPSeq += uint32(len(data))
	}
}

func BenchmarkOutOfOrder(b *testing.B) {
	a := New(Options{Handler: discard{}})
	feed(a, handshake(1, 1))
	data := make([]byte, 1448)
	p, _ := tseg{flags: ack, seq: 2, ack: 2, t: 30}.packet(9)
	p.Decoded.PayloadLen = uint32(len(data))
	b.SetBytes(2 * int64(len(data)))
	b.ReportAllocs()
	seq := uint32(2)
	for i := 0; i < b.N; i++ {
		// The second segment arrives first and waits in the buffer.
		p.Decoded.TCPSeq = seq + uint32(len(data))
		a.Observe(&p, data)
		p.Decoded.TCPSeq = seq
		a.Observe(&p, data)
		seq += 2 * uint32(len(data))
	}
}
