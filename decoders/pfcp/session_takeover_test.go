package pfcp

import (
	"net/netip"
	"testing"
	"time"
)

// TestDroppedTakeoverInReusedSlot drives the case lazy deletion must get
// right: session B holds a SEID key, session A, in a slot freed before,
// takes the key over, and A is dropped. The key must then belong to no
// session (as when A's entries were removed), not fall back to B.
func TestDroppedTakeoverInReusedSlot(t *testing.T) {
	cp := netip.MustParseAddrPort("10.0.0.1:8805")
	up := netip.MustParseAddrPort("10.0.0.2:8805")
	c := NewCorrelatorWith(CorrelatorOptions{Forget: true, Window: time.Minute, Linger: time.Millisecond, SkipTransactions: true})
	ref := uint64(0)
	add := func(ms float64, typ MessageType, fromUP bool, seid, fseid uint64, seq uint32) int {
		s := &Summary{HeaderOK: true, Messages: 1, Header: Header{Version: 1, Type: typ, HasSEID: true, SEID: seid, Seq: seq}}
		if fseid != 0 {
			s.NumFSEIDs, s.FSEIDs[0].SEID = 1, fseid
		}
		src, dst := cp, up
		if fromUP {
			src, dst = up, cp
		}
		ref++
		return c.Add(Message{Src: src, Dst: dst, Ref: ref, Time: int64(ms * 1e6), Summary: s})
	}
	const y = 0x77 // the CP SEID all of S0, B and A use: UP→CP key (up, cp, y)
	add(0, SessionEstablishmentRequest, false, 0, y, 1)
	s0 := add(0, SessionEstablishmentResponse, true, y, 100, 1)
	add(0, SessionEstablishmentRequest, false, 0, 0x99, 2)
	s1 := add(0, SessionEstablishmentResponse, true, 0x99, 200, 2)
	// Delete S1, then S0: they are dropped in that order, and slots are
	// reused in the order they were freed: B gets S1's, A S0's.
	add(1, SessionDeletionResponse, true, 0x99, 0, 3)
	add(2, SessionDeletionResponse, true, y, 0, 4)
	add(10, SessionEstablishmentRequest, false, 0, y, 5)
	b := add(10, SessionEstablishmentResponse, true, y, 300, 5)
	if got := add(10.5, SessionReportRequest, true, y, 0, 6); got != b || b == s0 || b == s1 {
		t.Fatalf("key with B: session %d, want B = %d", got, b)
	}
	add(11, SessionEstablishmentRequest, false, 0, y, 7)
	a := add(11, SessionEstablishmentResponse, true, y, 400, 7)
	if got := add(11.5, SessionReportRequest, true, y, 0, 8); got != a || a == b {
		t.Fatalf("key taken over by A: session %d, want A = %d", got, a)
	}
	add(12, SessionDeletionResponse, true, y, 0, 9)
	if got := add(20, SessionReportRequest, true, y, 0, 10); got != 0 {
		t.Fatalf("key of dropped A: session %d, want none (B lost it to A)", got)
	}
	if got := add(20, SessionModificationRequest, false, 300, 0, 11); got != b {
		t.Fatalf("B's own UP SEID: session %d, want B = %d", got, b)
	}
}
