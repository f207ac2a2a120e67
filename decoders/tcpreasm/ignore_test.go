package tcpreasm

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/pipeline"
)

// ignorer records like recorder and ignores a direction once its stream
// holds a given prefix (or, with onOpen, from the start).
type ignorer struct {
	*recorder
	dir    Dir
	after  string
	onOpen bool
}

func (r *ignorer) Open(c *Conn) {
	r.recorder.Open(c)
	if r.onOpen {
		c.Ignore(r.dir)
	}
}

func (r *ignorer) Data(c *Conn, d Dir, data []byte, at Chunk) {
	if c.Ignored(d) {
		r.log = append(r.log, "data for an ignored direction")
	}
	r.recorder.Data(c, d, data, at)
	if d == r.dir && r.stream(c.ID, d) == r.after {
		c.Ignore(d)
	}
}

func (r *ignorer) Gap(c *Conn, d Dir, n uint64, at Chunk) {
	if c.Ignored(d) {
		r.log = append(r.log, "gap for an ignored direction")
	}
	r.recorder.Gap(c, d, n, at)
}

// TestIgnore checks that a direction the handler ignores gets no more
// bytes or gaps, that its buffered segments are given back, and that the
// other direction, the lifecycle and the numbering are those of a run that
// ignores nothing.
func TestIgnore(t *testing.T) {
	const c, s = 1000, 5000
	conn := func(c, s uint32, t0 int64) []tseg {
		return []tseg{
			{flags: syn, seq: c, t: t0 + 1},
			{fromServer: true, flags: synack, seq: s, ack: c + 1, t: t0 + 10},
			{flags: ack, seq: c + 1, ack: s + 1, t: t0 + 20},
			{flags: ack, seq: c + 1, ack: s + 1, data: "abcd", t: t0 + 30},
			// Out of order: waits for "efgh" (then ignored: dropped).
			{flags: ack, seq: c + 9, ack: s + 1, data: "ijkl", t: t0 + 31},
			{fromServer: true, flags: ack, seq: s + 1, ack: c + 5, data: "1234", t: t0 + 32},
			{flags: ack, seq: c + 5, ack: s + 5, data: "efgh", t: t0 + 33},
			{flags: ack, seq: c + 13, ack: s + 5, data: "mnopqrst", cut: 4, t: t0 + 34},
			{fromServer: true, flags: ack, seq: s + 5, ack: c + 21, data: "5678", t: t0 + 35},
			{fromServer: true, flags: ack | fin, seq: s + 9, ack: c + 21, t: t0 + 36},
			{flags: ack | fin, seq: c + 21, ack: s + 10, t: t0 + 37},
		}
	}
	// The same tuple again after the first connection closed: a second
	// connection.
	segs := append(conn(c, s, 0), conn(c+100_000, s+100_000, 40)...)
	tests := []struct {
		name     string
		h        *ignorer
		c2s, s2c string
	}{
		{"none", &ignorer{dir: ServerToClient, after: "never"}, "abcdefghijklmnop<gap 4>", "12345678"},
		{"c2s-after-first-bytes", &ignorer{dir: ClientToServer, after: "abcd"}, "abcd", "12345678"},
		{"c2s-while-draining", &ignorer{dir: ClientToServer, after: "abcdefgh"}, "abcdefgh", "12345678"},
		{"s2c-from-open", &ignorer{dir: ServerToClient, onOpen: true}, "abcdefghijklmnop<gap 4>", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.h.recorder = newRecorder()
			a := New(Options{Handler: tc.h, ClosedIdle: time.Millisecond})
			feed(a, segs)
			a.Flush()
			r := tc.h.recorder
			if len(r.log) > 0 {
				t.Fatal(r.log)
			}
			if len(r.closed) != 2 || r.closed[0].ID != 0 || r.closed[1].ID != 1 {
				t.Fatalf("closed %+v, want connections 0 and 1", r.closed)
			}
			for id := uint64(0); id < 2; id++ {
				if got := r.stream(id, ClientToServer); got != tc.c2s {
					t.Errorf("connection %d c2s %q, want %q", id, got, tc.c2s)
				}
				if got := r.stream(id, ServerToClient); got != tc.s2c {
					t.Errorf("connection %d s2c %q, want %q", id, got, tc.s2c)
				}
				st := r.closed[id].Stats
				if st[0].Segments != 7 || st[1].Segments != 4 || !st[0].FIN || !st[1].FIN {
					t.Errorf("connection %d stats %+v: segments and flags must be counted", id, st)
				}
			}
			if r.closed[0].EndReason != EndClosed {
				t.Errorf("end reason %q, want %q", r.closed[0].EndReason, EndClosed)
			}
			if st := a.Stats(); st.Memory != 0 || st.Active != 0 {
				t.Errorf("after Flush: %+v, want no memory or connection left", st)
			}
		})
	}
}

// ignoreAll is a handler that wants no bytes at all.
type ignoreAll struct{ closed int }

func (h *ignoreAll) Open(c *Conn) {
	c.Ignore(ClientToServer)
	c.Ignore(ServerToClient)
}
func (h *ignoreAll) Data(*Conn, Dir, []byte, Chunk) { panic("data for an ignored direction") }
func (h *ignoreAll) Gap(*Conn, Dir, uint64, Chunk)  { panic("gap for an ignored direction") }
func (h *ignoreAll) Close(*Conn)                    { h.closed++ }

// TestIgnoredNoAllocs checks that whole connections (handshake, data both
// ways and out of order, teardown), one after another on the same tuple,
// cost no allocation once the assembler is warm.
func TestIgnoredNoAllocs(t *testing.T) {
	const c, s = 1000, 5000
	segs := append(handshake(c, s),
		tseg{flags: ack, seq: c + 5, ack: s + 1, data: "efgh", t: 30},
		tseg{flags: ack, seq: c + 1, ack: s + 1, data: "abcd", t: 31},
		tseg{fromServer: true, flags: ack, seq: s + 1, ack: c + 9, data: "12345678", t: 32},
		tseg{flags: ack | fin, seq: c + 9, ack: s + 9, t: 33},
		tseg{fromServer: true, flags: ack | fin, seq: s + 9, ack: c + 10, t: 34},
		tseg{flags: ack, seq: c + 10, ack: s + 10, t: 35},
	)
	pkts := make([]pipeline.Packet, len(segs))
	data := make([][]byte, len(segs))
	for i, sg := range segs {
		pkts[i], data[i] = sg.packet(uint64(i + 1))
	}
	h := &ignoreAll{}
	a := New(Options{Handler: h})
	round := 0
	run := func() {
		for i := range pkts {
			p := &pkts[i]
			p.Timestamp = int64(round)*int64(time.Minute) + int64(segs[i].t)*1e6
			p.Decoded.TCPSeq = segs[i].seq + uint32(round)*100_000
			if p.Decoded.TCPFlags&ack != 0 {
				p.Decoded.TCPAck = segs[i].ack + uint32(round)*100_000
			}
			a.Observe(p, data[i])
		}
		round++
	}
	run()
	if n := testing.AllocsPerRun(50, run); n != 0 {
		t.Errorf("%.1f allocations per connection, want 0", n)
	}
	a.Flush()
	if h.closed != round {
		t.Errorf("%d connections closed, want %d", h.closed, round)
	}
	if st := a.Stats(); st.Conns != uint64(round) || st.Memory != 0 {
		t.Errorf("stats %+v: want %d connections and no memory left", st, round)
	}
}

// FuzzIgnore sends a stream in random, overlapping, duplicated pieces to
// a handler that ignores the direction once it holds cut bytes (or at a
// gap): what it got must be a prefix of the stream, nothing may come after
// the Ignore, and the buffers must all be given back.
func FuzzIgnore(f *testing.F) {
	f.Add([]byte("ignore me after a while"), uint64(1), uint16(5))
	f.Add(bytes.Repeat([]byte("0123456789"), 300), uint64(7), uint16(1000))
	f.Fuzz(func(t *testing.T, stream []byte, seed uint64, cut uint16) {
		if len(stream) > 1<<14 {
			stream = stream[:1<<14]
		}
		rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		isn := rng.Uint32()
		h := &cutter{recorder: newRecorder(), cut: int(cut)}
		a := New(Options{Handler: h, MaxBuffered: 1 << 12})
		p, data := tseg{flags: syn, seq: isn, t: 1}.packet(1)
		a.Observe(&p, data)
		for i := 0; i < 3*len(stream)/50+1; i++ {
			from := rng.IntN(len(stream) + 1)
			to := min(len(stream), from+1+rng.IntN(100))
			s := tseg{flags: ack, seq: isn + 1 + uint32(from), data: string(stream[from:to]), t: int64(2 + i)}
			p, data := s.packet(uint64(i + 2))
			a.Observe(&p, data)
		}
		a.Flush()
		for _, l := range h.log {
			t.Fatal(l)
		}
		got := h.stream(0, ClientToServer)
		if i := strings.Index(got, "<gap "); i >= 0 {
			// The gap, which ends the bytes the handler takes.
			var n uint64
			if k, err := fmt.Sscanf(got[i:], "<gap %d>", &n); k != 1 || err != nil || got[i:] != fmt.Sprintf("<gap %d>", n) {
				t.Fatalf("got %q: something after the gap", got)
			}
			got = got[:i]
		}
		if !strings.HasPrefix(string(stream), got) {
			t.Fatalf("got %q, not a prefix of the stream", got)
		}
		if st := a.Stats(); st.Memory != 0 {
			t.Fatalf("memory %d after Flush", st.Memory)
		}
	})
}

// cutter records like recorder and ignores the client's direction once it
// holds cut bytes, or at its first gap.
type cutter struct {
	*recorder
	cut int
}

func (r *cutter) Data(c *Conn, d Dir, data []byte, at Chunk) {
	if c.Ignored(d) {
		r.log = append(r.log, "data for an ignored direction")
	}
	r.recorder.Data(c, d, data, at)
	if r.streams[c.ID][d].Len() >= r.cut {
		c.Ignore(d)
	}
}

func (r *cutter) Gap(c *Conn, d Dir, n uint64, at Chunk) {
	if c.Ignored(d) {
		r.log = append(r.log, "gap for an ignored direction")
	}
	r.recorder.Gap(c, d, n, at)
	c.Ignore(d)
}
