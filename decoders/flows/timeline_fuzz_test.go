package flows

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/internal/corpus"
)

// FuzzTimeline plays arbitrary TCP segment scripts (any order, overlap,
// flags, windows and pauses) through a table and checks the timeline's
// invariants: gaps and gap bytes, stalls and stall time are zero together;
// no side has more retransmission episodes than retransmissions, nor more
// zero-window events than zero-window segments.
func FuzzTimeline(f *testing.F) {
	corpus.Seed(func(b []byte) { f.Add(b) }, 2048)
	// A handshake, data with a hole, its fill and a resend.
	f.Add([]byte{
		0, 0x02, 0, 0, 0, 100, 0, 0, 1, 0,
		1, 0x12, 0, 0, 1, 244, 0, 0, 1, 0,
		0, 0x18, 0, 0, 0, 101, 0, 100, 1, 0,
		0, 0x18, 0, 0, 1, 45, 0, 100, 1, 0,
		0, 0x18, 0, 0, 0, 201, 0, 100, 0, 9,
		0, 0x18, 0, 0, 0, 101, 0, 100, 1, 200,
	})
	f.Fuzz(func(t *testing.T, script []byte) {
		var recs []Record
		tab := NewTable(Options{Emit: func(r *Record) { recs = append(recs, *r) }})
		ts := int64(1_700_000_000_000_000_000)
		// 10 bytes per segment: side, flags, seq (4), payload (2), window
		// (1, scaled), pause (1, in 10 ms units).
		for i := 0; i+10 <= len(script); i += 10 {
			b := script[i : i+10]
			ts += int64(b[9]) * int64(10*time.Millisecond)
			s := seg{fromB: b[0]&1 == 1, flags: uint16(b[1]) & 0x1ff, seq: binary.BigEndian.Uint32(b[2:]),
				payload: uint32(binary.BigEndian.Uint16(b[6:])), win: uint16(b[8]) << 8, ack: binary.BigEndian.Uint32(b[2:]) ^ 0x5a5a}
			p := tcpPacket(s, ts, uint64(i/10+1))
			tab.Observe(&p, nil)
		}
		tab.Flush()
		for _, r := range recs {
			tl := r.Timeline
			for side, s := range [2]Side{r.OrigSide, r.RespSide} {
				if (tl.Gaps[side] == 0) != (tl.GapBytes[side] == 0) {
					t.Errorf("side %d: %d gaps of %d bytes", side, tl.Gaps[side], tl.GapBytes[side])
				}
				if tl.RetransEpisodes[side] > s.Retransmissions {
					t.Errorf("side %d: %d episodes, %d retransmissions", side, tl.RetransEpisodes[side], s.Retransmissions)
				}
				if tl.ZeroWindowEvents[side] > s.ZeroWindows {
					t.Errorf("side %d: %d zero-window events, %d zero-window segments", side, tl.ZeroWindowEvents[side], s.ZeroWindows)
				}
			}
			if (tl.Stalls == 0) != (tl.StallTime == 0) {
				t.Errorf("%d stalls lasting %d ns", tl.Stalls, tl.StallTime)
			}
		}
	})
}
