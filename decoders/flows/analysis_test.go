package flows

import (
	"testing"
	"time"
)

func TestTCPAnalysis(t *testing.T) {
	ms := time.Millisecond
	data := func(seq uint32, n uint32, dt time.Duration) seg {
		return seg{flags: PA, seq: seq, ack: 501, win: 1000, payload: n, dt: dt}
	}
	ackB := func(ack uint32, win uint16, dt time.Duration) seg {
		return seg{fromB: true, flags: A, seq: 501, ack: ack, win: win, dt: dt}
	}
	tests := []struct {
		name string
		segs []seg
		orig Side // only the analysis counters are compared
		resp Side
	}{
		{"clean transfer", with(handshake, data(101, 100, ms), ackB(201, 1000, ms), data(201, 100, ms), ackB(301, 1000, ms)), Side{}, Side{}},
		{"retransmission after timeout", with(handshake, data(101, 100, ms), data(101, 100, time.Second)),
			Side{Retransmissions: 1}, Side{}},
		{"spurious retransmission of acked data", with(handshake, data(101, 100, ms), ackB(201, 1000, ms), data(101, 100, time.Second)),
			Side{Retransmissions: 1, SpuriousRetransmissions: 1}, Side{}},
		{"duplicate acks then fast retransmission", with(handshake,
			data(101, 100, ms), data(201, 100, ms), data(301, 100, ms),
			ackB(201, 1000, ms), ackB(201, 1000, ms), ackB(201, 1000, ms),
			data(201, 100, ms)),
			Side{Retransmissions: 1, FastRetransmissions: 1}, Side{DupAcks: 2}},
		{"out of order within the rtt", with(handshake, data(201, 100, ms), data(101, 100, ms/10)),
			Side{OutOfOrder: 1}, Side{}},
		{"window update is not a duplicate ack", with(handshake, data(101, 100, ms), ackB(201, 1000, ms), ackB(201, 2000, ms)),
			Side{}, Side{}},
		{"zero window", with(handshake, data(101, 100, ms), ackB(201, 0, ms), ackB(201, 0, ms)),
			Side{}, Side{ZeroWindows: 2}},
		{"keep-alive is not a retransmission", with(handshake, data(101, 100, ms), ackB(201, 1000, ms),
			seg{flags: A, seq: 200, ack: 501, win: 1000, dt: time.Minute}),
			Side{KeepAlives: 1}, Side{}},
		{"retransmitted syn", []seg{{flags: S, seq: 100, win: 1000}, {flags: S, seq: 100, win: 1000, dt: time.Second}},
			Side{Retransmissions: 1}, Side{}},
	}
	strip := func(s Side) Side {
		s.Packets, s.Bytes, s.IPBytes, s.FrameBytes = 0, 0, 0, 0
		return s
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := run(Options{}, tt.segs)
			if len(recs) != 1 {
				t.Fatalf("got %d records", len(recs))
			}
			if got := strip(recs[0].OrigSide); got != tt.orig {
				t.Errorf("orig = %+v\nwant   %+v", got, tt.orig)
			}
			if got := strip(recs[0].RespSide); got != tt.resp {
				t.Errorf("resp = %+v\nwant   %+v", got, tt.resp)
			}
		})
	}
}

func TestHandshakeRTT(t *testing.T) {
	recs := run(Options{}, handshake)
	r := recs[0]
	if r.SynAckRTT != int64(10*time.Millisecond) || r.AckRTT != int64(10*time.Millisecond) || r.HandshakeRTT != int64(20*time.Millisecond) {
		t.Errorf("rtts = %d %d %d, want 10ms 10ms 20ms", r.SynAckRTT, r.AckRTT, r.HandshakeRTT)
	}
	recs = run(Options{}, []seg{{flags: S, seq: 1}})
	if r := recs[0]; r.SynAckRTT != -1 || r.AckRTT != -1 || r.HandshakeRTT != -1 {
		t.Errorf("unanswered SYN rtts = %d %d %d, want -1", r.SynAckRTT, r.AckRTT, r.HandshakeRTT)
	}
}
