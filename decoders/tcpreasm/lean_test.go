package tcpreasm

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/pcapflow/pcapflow/pipeline"
)

// sniffer records like recorder and ignores streams the way sinks/httpx
// does: the client's stream when its first bytes do not start like a
// request, then the server's when its first bytes do not start like a
// response; the connections ignoreAtOpen picks are ignored whole from
// their Open.
type sniffer struct {
	*recorder
	ignoreAtOpen func(*Conn) bool
	ends         []string
}

func (r *sniffer) Open(c *Conn) {
	r.recorder.Open(c)
	if r.ignoreAtOpen != nil && r.ignoreAtOpen(c) {
		c.Ignore(ClientToServer)
		c.Ignore(ServerToClient)
	}
}

func (r *sniffer) Data(c *Conn, d Dir, data []byte, at Chunk) {
	if c.Ignored(d) {
		r.log = append(r.log, "data for an ignored direction")
	}
	r.recorder.Data(c, d, data, at)
	if at.Offset != 0 {
		return
	}
	switch {
	case d == ClientToServer && !strings.HasPrefix(string(data), "GET "):
		c.Ignore(ClientToServer)
	case d == ServerToClient && c.Ignored(ClientToServer) && !strings.HasPrefix(string(data), "HTTP/"):
		c.Ignore(ServerToClient)
	}
}

func (r *sniffer) Gap(c *Conn, d Dir, n uint64, at Chunk) {
	if c.Ignored(d) {
		r.log = append(r.log, "gap for an ignored direction")
	}
	r.recorder.Gap(c, d, n, at)
}

// Close records everything the handler can see of the connection.
func (r *sniffer) Close(c *Conn) {
	r.recorder.Close(c)
	cc := *c
	cc.User = nil
	r.ends = append(r.ends, fmt.Sprintf("%+v c2s %q s2c %q", cc, r.stream(c.ID, ClientToServer), r.stream(c.ID, ServerToClient)))
}

// leanPair returns two assemblers with options o and a sniffer each: the
// first takes the lean path for connections ignored both ways, the second
// never does.
func leanPair(o Options, ignoreAtOpen func(*Conn) bool) (lean, full *Assembler, hl, hf *sniffer) {
	hl = &sniffer{recorder: newRecorder(), ignoreAtOpen: ignoreAtOpen}
	hf = &sniffer{recorder: newRecorder(), ignoreAtOpen: ignoreAtOpen}
	o.Handler = hl
	lean = New(o)
	o.Handler = hf
	full = New(o)
	full.noLean = true
	return lean, full, hl, hf
}

// sameEnds fails unless both sniffers saw the same connections end alike
// and the assemblers' totals agree.
func sameEnds(t *testing.T, lean, full *Assembler, hl, hf *sniffer) {
	t.Helper()
	for _, l := range append(hl.log, hf.log...) {
		t.Error(l)
	}
	if len(hl.ends) != len(hf.ends) {
		t.Fatalf("%d connections ended, want %d", len(hl.ends), len(hf.ends))
	}
	for i := range hl.ends {
		if hl.ends[i] != hf.ends[i] {
			t.Fatalf("connection %d ended as\n%s\nwant\n%s", i, hl.ends[i], hf.ends[i])
		}
	}
	if sl, sf := lean.Stats(), full.Stats(); sl != sf {
		t.Errorf("stats %+v, want %+v", sl, sf)
	}
}

// TestLeanReusedTuple checks that a connection the handler ignores both
// ways (it carries no HTTP), followed on the same tuple by one that does,
// ends exactly as without the lean path, and that the second connection's
// streams are seen whole from its SYN: after FINs, after a RST, after the
// idle timeout, and when a new SYN takes over a tuple still open.
func TestLeanReusedTuple(t *testing.T) {
	const req, resp = "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
	other := func(c, s uint32, t0 int64) []tseg {
		return []tseg{
			{flags: syn, seq: c, t: t0 + 1},
			{fromServer: true, flags: synack, seq: s, ack: c + 1, t: t0 + 2},
			{flags: ack, seq: c + 1, ack: s + 1, t: t0 + 3},
			{flags: ack, seq: c + 1, ack: s + 1, data: "\x16\x03\x01 hello there", t: t0 + 4},
			{fromServer: true, flags: ack, seq: s + 1, ack: c + 17, data: "\x16\x03\x03 server hello", t: t0 + 5},
			// Out of order, then the hole filled: nothing may be kept.
			{flags: ack, seq: c + 27, ack: s + 18, data: "later", t: t0 + 6},
			{flags: ack, seq: c + 17, ack: s + 18, data: "0123456789", t: t0 + 7},
			{fromServer: true, flags: ack, seq: s + 18, ack: c + 32, win: 0, zeroWin: true, t: t0 + 8},
			{fromServer: true, flags: ack, seq: s + 18, ack: c + 32, data: "more bytes", t: t0 + 9},
		}
	}
	http := func(c, s uint32, t0 int64) []tseg {
		return []tseg{
			{flags: syn, seq: c, t: t0 + 1},
			{fromServer: true, flags: synack, seq: s, ack: c + 1, t: t0 + 2},
			{flags: ack, seq: c + 1, ack: s + 1, t: t0 + 3},
			{flags: ack, seq: c + 1, ack: s + 1, data: req, t: t0 + 4},
			{fromServer: true, flags: ack, seq: s + 1, ack: c + 1 + uint32(len(req)), data: resp, t: t0 + 5},
			{flags: ack | fin, seq: c + 1 + uint32(len(req)), ack: s + 1 + uint32(len(resp)), t: t0 + 6},
			{fromServer: true, flags: ack | fin, seq: s + 1 + uint32(len(resp)), ack: c + 2 + uint32(len(req)), t: t0 + 7},
		}
	}
	const c, s = 1000, 5000
	end := func(flags uint16, fromServer bool, seq, ack uint32, t int64) tseg {
		return tseg{fromServer: fromServer, flags: flags, seq: seq, ack: ack, t: t}
	}
	tests := []struct {
		name          string
		first, second []tseg
	}{
		{"fins", append(other(c, s, 0), end(ack|fin, false, c+32, s+28, 10), end(ack|fin, true, s+28, c+33, 11),
			end(ack, false, c+33, s+29, 12)), http(c+100_000, s+100_000, 20)},
		{"rst", append(other(c, s, 0), end(rst, true, s+28, 0, 10)), http(c+100_000, s+100_000, 20)},
		{"idle", other(c, s, 0), http(c+100_000, s+100_000, 10_000)},
		{"syn-while-open", other(c, s, 0), http(c+100_000, s+100_000, 20)},
		{"retransmitted-syn", append(other(c, s, 0), end(syn, false, c, 0, 10)), http(c+100_000, s+100_000, 20)},
		// First seen mid-stream: the SYN that comes later is the one a
		// retransmitted copy must match, and a new one must not.
		{"late-syn", append(other(c, s, 0)[3:], end(syn, false, c+50_000, 0, 10), end(syn, false, c+50_000, 0, 11)),
			http(c+100_000, s+100_000, 20)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lean, full, hl, hf := leanPair(Options{Idle: time.Second, ClosedIdle: 5 * time.Second}, nil)
			feed(lean, tc.first)
			feed(full, tc.first)
			if lean.Stats().Active != 1 || lean.slab.at(0).lean == 0 {
				t.Fatal("the first connection did not take the lean path")
			}
			for i, sg := range tc.second {
				p, data := sg.packet(uint64(len(tc.first) + i + 1))
				lean.Observe(&p, data)
				p, data = sg.packet(uint64(len(tc.first) + i + 1))
				full.Observe(&p, data)
			}
			lean.Flush()
			full.Flush()
			sameEnds(t, lean, full, hl, hf)
			last := uint64(len(hl.opened) - 1)
			if got := hl.stream(last, ClientToServer); got != req {
				t.Errorf("last connection's request %q, want %q", got, req)
			}
			if got := hl.stream(last, ServerToClient); got != resp {
				t.Errorf("last connection's response %q, want %q", got, resp)
			}
		})
	}
}

// TestLeanRandom feeds random traffic on a few tuples (handshakes, data in
// and out of order, retransmissions, FINs, RSTs, new SYNs, idle times,
// with small connection, buffer and memory bounds) to an assembler with
// the lean path and one without: every connection must end alike, bytes,
// counters, times and reasons.
func TestLeanRandom(t *testing.T) {
	for seed := range uint64(8) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 99))
			o := Options{Idle: 200 * time.Millisecond, ClosedIdle: 50 * time.Millisecond, MaxConns: 6,
				MaxBuffered: 64, MaxTotal: 4 * connCost, History: 32}
			var pick func(*Conn) bool
			if seed%2 == 1 {
				pick = func(c *Conn) bool { return c.Client.Port()%3 == 0 }
			}
			lean, full, hl, hf := leanPair(o, pick)
			type side struct{ isn, off uint32 }
			state := map[netip.AddrPort]*[2]side{}
			payloads := []string{"GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n", "\x16\x03\x01 not http", "0123456789abcdef"}
			now := int64(1e9)
			for n := range 20000 {
				now += int64(rng.IntN(4)) * 1e6
				if rng.IntN(500) == 0 {
					now += int64(rng.IntN(400)) * 1e6
				}
				cl := netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 1}), uint16(1000+rng.IntN(9)))
				st := state[cl]
				if st == nil {
					st = &[2]side{{isn: rng.Uint32()}, {isn: rng.Uint32()}}
					state[cl] = st
				}
				fromServer := rng.IntN(2) == 1
				d := 0
				if fromServer {
					d = 1
				}
				var flags uint16
				var data string
				seq := st[d].isn + 1 + st[d].off
				switch r := rng.IntN(100); {
				case r < 4:
					if !fromServer && rng.IntN(2) == 0 {
						*st = [2]side{{isn: rng.Uint32()}, {isn: rng.Uint32()}}
					}
					flags, seq = syn, st[d].isn
					if fromServer {
						flags = synack
					}
				case r < 7:
					flags = ack | fin
				case r < 9:
					flags = rst
				case r < 40:
					flags = ack
				default:
					flags = ack
					data = payloads[rng.IntN(len(payloads))]
					switch k := rng.IntN(10); {
					case k == 0 && st[d].off > 8:
						seq -= uint32(rng.IntN(8)) // retransmitted or overlapping
					case k == 1:
						seq += uint32(rng.IntN(40)) // ahead of a hole
					default:
						st[d].off += uint32(len(data))
					}
				}
				src, dst := cl, srv
				if fromServer {
					src, dst = srv, cl
				}
				p := pipeline.Packet{CaptureInfo: pipeline.CaptureInfo{Timestamp: now, Frame: uint64(n + 1),
					CapLen: uint32(len(data)), OrigLen: uint32(len(data))}}
				p.Decoded = pipeline.Decoded{Layers: pipeline.LayerIPv4 | pipeline.LayerTCP,
					IP:       pipeline.Flow{Src: src.Addr(), Dst: dst.Addr(), SrcPort: src.Port(), DstPort: dst.Port(), Proto: 6},
					TCPFlags: flags, TCPSeq: seq, TCPAck: st[1-d].isn + 1 + st[1-d].off, TCPWindow: uint16(rng.IntN(3)),
					PayloadLen: uint32(len(data))}
				lean.Observe(&p, []byte(data))
				full.Observe(&p, []byte(data))
			}
			lean.Flush()
			full.Flush()
			leans := 0
			for _, e := range hl.ends {
				if strings.Contains(e, "ignored:[true true]") {
					leans++
				}
			}
			if leans == 0 {
				t.Fatal("no connection was ignored both ways")
			}
			sameEnds(t, lean, full, hl, hf)
		})
	}
}

// TestConnLines checks that connections fill whole cache lines, so that
// each one in the slab starts a line (see conn).
func TestConnLines(t *testing.T) {
	if n := unsafe.Sizeof(conn{}); n%64 != 0 {
		t.Errorf("conn is %d bytes, not a multiple of 64: adjust its padding", n)
	}
	var c conn
	if end := unsafe.Offsetof(c.Conn) + unsafe.Offsetof(c.Conn.Last) + unsafe.Sizeof(c.Last); end > 64 {
		t.Errorf("conn's first line ends at %d, before Conn.Last: a lean packet reads two lines", end)
	}
	var s connSlab
	s.grow()
	if p := uintptr(unsafe.Pointer(s.at(0))); p%64 != 0 {
		t.Errorf("a slab chunk starts at %#x, not at a cache line", p)
	}
}

// TestLeanManySegments sends more segments than a lean connection counts
// in its own line (leanSegs) before adding them to its counters, with a
// zero window and a FIN in between: the counters must be those of the
// path without lean connections.
func TestLeanManySegments(t *testing.T) {
	const c, s = 1000, 5000
	segs := append(handshake(c, s), tseg{flags: ack, seq: c + 1, ack: s + 1, data: "not http", t: 4},
		tseg{fromServer: true, flags: ack, seq: s + 1, ack: c + 9, data: "nor this", t: 5})
	for i := range 150_000 {
		sg := tseg{fromServer: i%3 == 0, flags: ack, seq: c + 9, ack: s + 9, t: 6 + int64(i/1000)}
		if sg.fromServer {
			sg.seq, sg.ack = s+9, c+9
		}
		switch i {
		case 120_000:
			sg.zeroWin = true
		case 140_000:
			sg.flags |= fin
		}
		segs = append(segs, sg)
	}
	lean, full, hl, hf := leanPair(Options{}, nil)
	feed(lean, segs)
	feed(full, segs)
	if lean.slab.at(0).lean == 0 {
		t.Fatal("the connection did not take the lean path")
	}
	lean.Flush()
	full.Flush()
	sameEnds(t, lean, full, hl, hf)
	if st := hl.closed[0].Stats; st[0].Segments != 100_000+3 || st[1].Segments != 50_000+2 {
		t.Errorf("segments %d and %d, want 100003 and 50002", st[0].Segments, st[1].Segments)
	}
}

// TestLeanHandshake checks the handshake times of connections ignored
// from their Open, lean from their first segment: the SYN+ACK and the ACK
// completing the handshake come on the lean path (also when the SYN+ACK
// comes first and the SYN is never seen, or the ACK carries data).
func TestLeanHandshake(t *testing.T) {
	const c, s = 1000, 5000
	tests := map[string][]tseg{
		"handshake": append(handshake(c, s), tseg{flags: ack, seq: c + 1, ack: s + 1, t: 30},
			tseg{fromServer: true, flags: ack, seq: s + 1, ack: c + 1, t: 40}),
		"no-syn": {{fromServer: true, flags: synack, seq: s, ack: c + 1, t: 10}, {flags: ack, seq: c + 1, ack: s + 1, t: 20}},
		"data-ack": {{flags: syn, seq: c, t: 1}, {fromServer: true, flags: ack, seq: s + 1, ack: c + 1, t: 5},
			{fromServer: true, flags: synack, seq: s, ack: c + 1, t: 10},
			{fromServer: true, flags: ack, seq: s + 1, ack: c + 1, t: 15},
			{flags: ack | psh, seq: c + 1, ack: s + 1, data: "x", t: 20}, {flags: ack, seq: c + 2, ack: s + 1, t: 25}},
	}
	for name, segs := range tests {
		t.Run(name, func(t *testing.T) {
			lean, full, hl, hf := leanPair(Options{}, func(*Conn) bool { return true })
			feed(lean, segs)
			feed(full, segs)
			lean.Flush()
			full.Flush()
			sameEnds(t, lean, full, hl, hf)
			if name != "no-syn" && hl.closed[0].AckTime == 0 {
				t.Error("no handshake")
			}
		})
	}
}
