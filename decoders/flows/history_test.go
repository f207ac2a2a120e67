package flows

import (
	"testing"
	"time"
)

// handshake is a complete three-way handshake (ISNs 100 and 500).
var handshake = []seg{
	{flags: S, seq: 100, win: 1000},
	{fromB: true, flags: SA, seq: 500, ack: 101, win: 1000, dt: 10 * time.Millisecond},
	{flags: A, seq: 101, ack: 501, win: 1000, dt: 10 * time.Millisecond},
}

func with(base []seg, more ...seg) []seg {
	return append(append([]seg(nil), base...), more...)
}

func TestHistoryAndConnState(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name    string
		segs    []seg
		history string
		state   string
	}{
		{"S0 syn only", []seg{{flags: S, seq: 1}}, "S", StateS0},
		{"S0 syn retransmitted", []seg{{flags: S, seq: 1}, {flags: S, seq: 1, dt: time.Second}}, "S", StateS0},
		{"REJ", []seg{{flags: S, seq: 1}, {fromB: true, flags: RA, ack: 2, dt: ms}}, "Sr", StateREJ},
		{"RSTOS0", []seg{{flags: S, seq: 1}, {flags: R, seq: 2, dt: ms}}, "SR", StateRSTOS0},
		{"SH", []seg{{flags: S, seq: 1}, {flags: F, seq: 2, dt: ms}}, "SF", StateSH},
		{"S1", with(handshake, seg{flags: PA, seq: 101, ack: 501, win: 1000, payload: 10, dt: ms}), "ShAD", StateS1},
		{"SF", with(handshake,
			seg{flags: PA, seq: 101, ack: 501, win: 1000, payload: 10, dt: ms},
			seg{fromB: true, flags: PA, seq: 501, ack: 111, win: 1000, payload: 20, dt: ms},
			seg{flags: FA, seq: 111, ack: 521, win: 1000, dt: ms},
			seg{fromB: true, flags: FA, seq: 521, ack: 112, win: 1000, dt: ms},
			seg{flags: A, seq: 112, ack: 522, win: 1000, dt: ms},
		), "ShADdFf", StateSF},
		{"S2", with(handshake, seg{flags: FA, seq: 101, ack: 501, win: 1000, dt: ms}), "ShAF", StateS2},
		{"S3", with(handshake, seg{fromB: true, flags: FA, seq: 501, ack: 101, win: 1000, dt: ms}), "ShAf", StateS3},
		{"RSTO", with(handshake, seg{flags: RA, seq: 101, ack: 501, dt: ms}), "ShAR", StateRSTO},
		{"RSTR", with(handshake,
			seg{flags: PA, seq: 101, ack: 501, win: 1000, payload: 5, dt: ms},
			seg{fromB: true, flags: R, seq: 501, dt: ms}), "ShADr", StateRSTR},
		{"SHR flipped", []seg{{fromB: true, flags: SA, seq: 500, ack: 101, win: 1000}, {fromB: true, flags: FA, seq: 501, ack: 101, win: 1000, dt: ms}}, "^hf", StateSHR},
		{"RSTRH flipped", []seg{{fromB: true, flags: SA, seq: 500, ack: 101, win: 1000}, {fromB: true, flags: R, seq: 501, dt: ms}}, "^hr", StateRSTRH},
		{"OTH midstream", []seg{{flags: PA, seq: 7, ack: 9, win: 100, payload: 10}, {flags: PA, seq: 17, ack: 9, win: 100, payload: 10, dt: ms}}, "D", StateOTH},
		{"OTH midstream flipped from server port", []seg{{fromB: true, flags: PA, seq: 7, ack: 9, win: 100, payload: 10}}, "^d", StateOTH},
		{"multi-flag SYN+FIN", []seg{{flags: S | F, seq: 1}}, "QSF", StateSH},
		{"zero windows repeat at 1 and 10", with(handshake,
			seg{fromB: true, flags: A, seq: 501, ack: 101, win: 0, dt: ms},
			seg{fromB: true, flags: A, seq: 501, ack: 101, win: 0, dt: ms},
			seg{fromB: true, flags: A, seq: 501, ack: 101, win: 0, dt: ms},
			seg{fromB: true, flags: A, seq: 501, ack: 101, win: 0, dt: ms},
			seg{fromB: true, flags: A, seq: 501, ack: 101, win: 0, dt: ms},
			seg{fromB: true, flags: A, seq: 501, ack: 101, win: 0, dt: ms},
			seg{fromB: true, flags: A, seq: 501, ack: 101, win: 0, dt: ms},
			seg{fromB: true, flags: A, seq: 501, ack: 101, win: 0, dt: ms},
			seg{fromB: true, flags: A, seq: 501, ack: 101, win: 0, dt: ms},
			seg{fromB: true, flags: A, seq: 501, ack: 101, win: 0, dt: ms},
		), "ShAaww", StateS1},
		{"retransmitted payload", with(handshake,
			seg{flags: PA, seq: 101, ack: 501, win: 1000, payload: 100, dt: ms},
			seg{flags: PA, seq: 101, ack: 501, win: 1000, payload: 100, dt: time.Second},
		), "ShADT", StateS1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := run(Options{}, tt.segs)
			if len(recs) != 1 {
				t.Fatalf("got %d records, want 1: %+v", len(recs), recs)
			}
			r := recs[0]
			if r.History != tt.history || r.ConnState != tt.state {
				t.Errorf("history, state = %q, %s; want %q, %s", r.History, r.ConnState, tt.history, tt.state)
			}
			if got := r.OrigSide.Packets + r.RespSide.Packets; got != uint64(len(tt.segs)) {
				t.Errorf("packets = %d, want %d", got, len(tt.segs))
			}
		})
	}
}
