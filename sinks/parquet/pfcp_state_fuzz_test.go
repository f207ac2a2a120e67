package parquet

import (
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/pipeline"
)

var fuzzPFCPEnds = [4]netip.AddrPort{
	netip.MustParseAddrPort("10.0.0.1:8805"), netip.MustParseAddrPort("10.0.0.2:8805"),
	netip.MustParseAddrPort("[2001:db8::1]:8805"), netip.MustParseAddrPort("10.0.0.1:50000"),
}

// pfcpMsg builds a PFCP datagram: header SEID when hasSEID, an F-SEID IE
// when fseid is not 0, a Cause IE when cause is not 0.
func pfcpMsg(typ pfcp.MessageType, hasSEID bool, seid uint64, seq uint32, fseid uint64, cause uint8) []byte {
	b := []byte{0x20, byte(typ), 0, 0}
	if hasSEID {
		b[0] |= 1
		b = binary.BigEndian.AppendUint64(b, seid)
	}
	b = append(b, byte(seq>>16), byte(seq>>8), byte(seq), 0)
	if fseid != 0 {
		b = append(b, 0, 57, 0, 13, 0x02)
		b = binary.BigEndian.AppendUint64(b, fseid)
		b = append(b, 10, 0, 0, 1)
	}
	if cause != 0 {
		b = append(b, 0, 19, 0, 1, cause)
	}
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)-4))
	return b
}

// pfcpStream packs datagrams as the fuzz input: per datagram a byte of
// endpoints (src in bits 0-1, dst in bits 2-3), a time step in seconds,
// a length byte and the bytes.
func pfcpStream(msgs ...[]byte) []byte {
	var out []byte
	for i, m := range msgs {
		route := byte(0 | 1<<2)
		if i%2 == 1 {
			route = 1 | 0<<2
		}
		out = append(append(out, route, byte(i%3), byte(len(m))), m...)
	}
	return out
}

// FuzzPFCPState feeds arbitrary PFCP datagram streams to the pfcp tables'
// state: it must not panic, must emit every message row once and in
// order, and its session rows must be consistent.
func FuzzPFCPState(f *testing.F) {
	est := func(seq uint32, cp uint64) []byte {
		return pfcpMsg(pfcp.SessionEstablishmentRequest, true, 0, seq, cp, 0)
	}
	f.Add(pfcpStream(
		est(1, 0x11), pfcpMsg(pfcp.SessionEstablishmentResponse, true, 0x11, 1, 0x22, 1),
		pfcpMsg(pfcp.SessionModificationRequest, true, 0x22, 2, 0, 0), pfcpMsg(pfcp.SessionModificationResponse, true, 0x11, 2, 0, 1),
		pfcpMsg(pfcp.SessionDeletionRequest, true, 0x22, 3, 0, 0), pfcpMsg(pfcp.SessionDeletionResponse, true, 0x11, 3, 0, 1)))
	f.Add(pfcpStream(est(7, 0x33), est(7, 0x33), pfcpMsg(pfcp.SessionEstablishmentResponse, true, 0, 7, 0, 64),
		pfcpMsg(pfcp.HeartbeatRequest, false, 0, 9, 0, 0), pfcpMsg(pfcp.HeartbeatResponse, false, 0, 9, 0, 0)))
	f.Fuzz(func(t *testing.T, data []byte) {
		var rows []uint64
		var sessions []PFCPSession
		st := newPFCPState(func(m *PFCPMessage) error {
			rows = append(rows, m.Ref)
			return nil
		}, func(s *PFCPSession) error {
			sessions = append(sessions, *s)
			return nil
		}, func(pipeline.InputID) string { return "fuzz" })
		ctx := &PacketContext{SourceFile: "fuzz"}
		ts := int64(0)
		n := 0
		for len(data) >= 3 {
			l := int(data[2])
			if len(data) < 3+l {
				break
			}
			n++
			ts += int64(data[1]) * int64(time.Second)
			src, dst := fuzzPFCPEnds[data[0]&3], fuzzPFCPEnds[data[0]>>2&3]
			p := &pipeline.Packet{}
			p.Timestamp, p.Frame = ts, uint64(n)
			p.Decoded.IP = pipeline.Flow{Src: src.Addr(), Dst: dst.Addr(), SrcPort: src.Port(), DstPort: dst.Port(), Proto: 17}
			if err := st.add(p, data[3:3+l], ctx); err != nil {
				t.Fatal(err)
			}
			data = data[3+l:]
		}
		if err := st.finish(); err != nil {
			t.Fatal(err)
		}
		if len(rows) != n {
			t.Fatalf("%d rows emitted for %d datagrams", len(rows), n)
		}
		for i, r := range rows {
			if r != uint64(i+1) {
				t.Fatalf("row %d has Ref %d", i, r)
			}
		}
		seen := map[int]bool{}
		for _, s := range sessions {
			if seen[s.ID] {
				t.Errorf("session %d written twice", s.ID)
			}
			seen[s.ID] = true
			if s.FirstFrame == 0 || s.EstRequestFrame == 0 || s.EstResponseFrame == 0 || s.LastFrame < s.EstResponseFrame {
				t.Errorf("session %d: frames first %d request %d response %d last %d", s.ID, s.FirstFrame, s.EstRequestFrame,
					s.EstResponseFrame, s.LastFrame)
			}
			if s.Requests != s.Answered+s.Unanswered || s.Retransmissions < 0 {
				t.Errorf("session %d: %d requests, %d answered, %d unanswered", s.ID, s.Requests, s.Answered, s.Unanswered)
			}
		}
		if len(st.details) != 0 || len(st.txs) != 0 || len(st.estTxs) != 0 {
			t.Errorf("after finish: %d details, %d exchanges, %d establishment exchanges held", len(st.details), len(st.txs), len(st.estTxs))
		}
	})
}
