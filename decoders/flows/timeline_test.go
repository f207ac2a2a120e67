package flows

import (
	"testing"
	"time"
)

func TestTimeline(t *testing.T) {
	ms := time.Millisecond
	data := func(seq uint32, n uint32, dt time.Duration) seg {
		return seg{flags: PA, seq: seq, ack: 501, win: 1000, payload: n, dt: dt}
	}
	ackB := func(ack uint32, win uint16, dt time.Duration) seg {
		return seg{fromB: true, flags: A, seq: 501, ack: ack, win: win, dt: dt}
	}
	var holes []seg
	for i := range 6 {
		holes = append(holes, data(101+uint32(i)*200, 100, ms)) // 100 bytes sent, 100 missing
	}
	tests := []struct {
		name string
		segs []seg
		want Timeline
	}{
		{"handshake only", handshake, Timeline{}},
		{"clean transfer", with(handshake, data(101, 100, ms), ackB(201, 1000, ms), data(201, 300, ms), ackB(501, 1000, ms)),
			Timeline{MaxInFlight: [2]uint64{300, 0}}},
		{"retransmission after a timeout is an episode and a stall", with(handshake, data(101, 100, ms), data(101, 100, time.Second)),
			Timeline{MaxInFlight: [2]uint64{100, 0}, RetransEpisodes: [2]uint32{1, 0}, Stalls: 1, StallTime: int64(time.Second)}},
		{"consecutive resends are one episode, new data ends it", with(handshake,
			data(101, 100, ms), data(201, 100, ms), data(101, 100, 300*ms), data(201, 100, ms),
			ackB(301, 1000, ms), data(301, 100, ms), data(301, 100, 300*ms)),
			Timeline{MaxInFlight: [2]uint64{200, 0}, RetransEpisodes: [2]uint32{2, 0}, Stalls: 2, StallTime: int64(600 * ms)}},
		{"pause shorter than four RTTs and 200ms is no stall", with(handshake, data(101, 100, 199*ms)),
			Timeline{MaxInFlight: [2]uint64{100, 0}}},
		{"zero window closes twice", with(handshake, data(101, 100, ms),
			ackB(201, 0, ms), ackB(201, 0, ms), ackB(201, 1000, ms), ackB(201, 0, ms)),
			Timeline{MaxInFlight: [2]uint64{100, 0}, ZeroWindowEvents: [2]uint32{0, 2}}},
		{"hole never filled is a gap", with(handshake, data(101, 100, ms), data(301, 100, ms)),
			Timeline{MaxInFlight: [2]uint64{300, 0}, Gaps: [2]uint32{1, 0}, GapBytes: [2]uint64{100, 0}}},
		{"hole filled by a later segment is no gap", with(handshake, data(101, 100, ms), data(301, 100, ms), data(201, 100, ms)),
			Timeline{MaxInFlight: [2]uint64{300, 0}}},
		{"hole partly filled leaves two gaps", with(handshake, data(101, 100, ms), data(401, 100, ms), data(251, 50, ms)),
			Timeline{MaxInFlight: [2]uint64{400, 0}, Gaps: [2]uint32{2, 0}, GapBytes: [2]uint64{150, 0}}},
		{"more holes than tracked are all counted", with(handshake, holes...),
			Timeline{MaxInFlight: [2]uint64{1100, 0}, Gaps: [2]uint32{5, 0}, GapBytes: [2]uint64{500, 0}}},
		{"responder's gap", with(handshake, seg{fromB: true, flags: PA, seq: 501, ack: 101, win: 1000, payload: 10, dt: ms},
			seg{fromB: true, flags: PA, seq: 531, ack: 101, win: 1000, payload: 10, dt: ms}),
			Timeline{MaxInFlight: [2]uint64{0, 40}, Gaps: [2]uint32{0, 1}, GapBytes: [2]uint64{0, 20}}},
		{"a RST far ahead opens no hole", with(handshake, data(101, 100, ms), seg{flags: R, seq: 90000, dt: ms}),
			Timeline{MaxInFlight: [2]uint64{100, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := run(Options{}, tt.segs)
			if len(recs) != 1 {
				t.Fatalf("got %d records", len(recs))
			}
			if got := recs[0].Timeline; got != tt.want {
				t.Errorf("timeline = %+v\nwant       %+v", got, tt.want)
			}
		})
	}
}

// TestTimelineOnlyTCP: other protocols get a zero timeline, and a UDP
// flow's pauses are no stalls.
func TestTimelineOnlyTCP(t *testing.T) {
	var recs []Record
	tab := NewTable(Options{Emit: func(r *Record) { recs = append(recs, *r) }})
	ts := int64(1_700_000_000_000_000_000)
	for i := range 3 {
		p, data := udpPacket(i%2 == 1, 53, []byte("abcd"), ts+int64(i)*int64(time.Second))
		tab.Observe(&p, data)
	}
	tab.Flush()
	if len(recs) != 1 || recs[0].Timeline != (Timeline{}) {
		t.Fatalf("records %+v, want one with a zero timeline", recs)
	}
}

func TestTimelineAllocs(t *testing.T) {
	tab := NewTable(Options{})
	ts := int64(1_700_000_000_000_000_000)
	segs := with(handshake, seg{flags: PA, seq: 101, ack: 501, win: 1000, payload: 100},
		seg{flags: PA, seq: 301, ack: 501, win: 1000, payload: 100}, seg{flags: PA, seq: 201, ack: 501, win: 1000, payload: 100})
	for i, s := range segs {
		p := tcpPacket(s, ts+int64(i), uint64(i+1))
		tab.Observe(&p, nil)
	}
	i := 0
	allocs := testing.AllocsPerRun(200, func() {
		i++
		p := tcpPacket(seg{flags: PA, seq: 401 + uint32(i)*200, ack: 501, win: uint16(i % 2 * 1000), payload: 100}, ts+int64(10+i), uint64(10+i))
		tab.Observe(&p, nil)
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per segment, want 0", allocs)
	}
}
