package pfcp

import (
	"net/netip"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/internal/corpus"
)

func optSEIDText(o OptSEID) string {
	if !o.Valid {
		return ""
	}
	return hexSEID(o.SEID)
}

func refText(r uint64) string {
	if r == 0 {
		return ""
	}
	return strconv.FormatUint(r, 10)
}

// TestCorrelatorCorpus checks the Correlator's sessions, and the session of
// every frame, against truth/NAME.pfcp_sessions.csv and NAME.pfcp.csv.
func TestCorrelatorCorpus(t *testing.T) {
	for _, capPath := range pfcpCaptures(t) {
		name := filepath.Base(capPath)
		t.Run(name, func(t *testing.T) {
			c := NewCorrelator()
			sums := map[int]*Summary{}
			for _, d := range readPFCP(t, capPath) {
				s := new(Summary)
				Summarize(d.Payload, s)
				sums[d.Frame] = s
				c.Add(Message{Src: netip.AddrPortFrom(d.Src, d.SrcPort), Dst: netip.AddrPortFrom(d.Dst, d.DstPort),
					Ref: uint64(d.Frame), Time: d.TsNanos, Summary: s})
			}
			sessPath, ok := corpus.Truth(t, capPath, "pfcp_sessions.csv")
			if !ok {
				t.Fatal("no pfcp_sessions.csv")
			}
			want := corpus.ReadCSV(t, sessPath)
			got := c.Sessions()
			if len(got) != len(want) {
				t.Errorf("%d sessions, truth has %d", len(got), len(want))
			}
			for i := 0; i < min(len(got), len(want)); i++ {
				g, w := got[i], want[i]
				cause := ""
				if g.HasEstCause {
					cause = strconv.Itoa(int(g.EstCause))
				}
				fields := map[string]string{
					"session": strconv.Itoa(g.ID), "cp_addr": g.CP.String(), "up_addr": g.UP.String(),
					"cp_seid": optSEIDText(g.CPSEID), "up_seid": optSEIDText(g.UPSEID),
					"est_request_frame": refText(g.EstRequest), "est_response_frame": refText(g.EstResponse),
					"est_cause": cause, "messages": strconv.Itoa(g.Messages),
					"first_frame": refText(g.First), "last_frame": refText(g.Last),
					"deletion_response_frame": refText(g.Deleted),
				}
				for col, v := range fields {
					if w[col] != v {
						t.Errorf("session %d %s: got %q, truth %q", i+1, col, v, w[col])
					}
				}
			}
			truthPath, _ := corpus.Truth(t, capPath, "pfcp.csv")
			for _, r := range corpus.ReadCSV(t, truthPath) {
				if r["in_icmp_error"] == "1" {
					continue
				}
				fr, _ := strconv.Atoi(r["frame"])
				id, ok := c.SessionOf(uint64(fr))
				got := ""
				if ok {
					got = strconv.Itoa(id)
				}
				if got != r["session"] {
					t.Errorf("frame %d (type %s): session %q, truth %q", fr, r["msg_type"], got, r["session"])
				}
			}
			st := c.Stats()
			t.Logf("%d sessions; %d requests, %d responses, %d retransmissions, %d unanswered, %d unmatched responses; latency max %v",
				len(got), st.Requests, st.Responses, st.Retransmissions, st.Unanswered, st.UnmatchedResponses, st.LatencyMax)
		})
	}
}

func TestCorrelatorTransactions(t *testing.T) {
	cp := netip.MustParseAddrPort("10.0.0.1:8805")
	up := netip.MustParseAddrPort("10.0.0.2:8805")
	ms := time.Millisecond.Nanoseconds()
	type step struct {
		from, to netip.AddrPort
		at       int64
		msg      []byte
	}
	steps := []step{
		{cp, up, 0, sessionEstablishmentRequest(1)},
		{cp, up, 3 * ms, sessionEstablishmentRequest(1)}, // retransmission
		{up, cp, 5 * ms, mkSessionMsg(0, SessionEstablishmentResponse, 0x1111, 1, 0, mkIE(IECause, []byte{1}), fseidIE(0x2222, "10.0.0.2", ""))},
		{up, cp, 6 * ms, mkSessionMsg(0, SessionEstablishmentResponse, 0x1111, 1, 0, mkIE(IECause, []byte{1}), fseidIE(0x2222, "10.0.0.2", ""))},
		{cp, up, 10 * ms, mkSessionMsg(0, SessionModificationRequest, 0x2222, 2, 0)},
		{up, cp, 12 * ms, mkSessionMsg(0, SessionModificationResponse, 0x1111, 2, 0, mkIE(IECause, []byte{1}))},
		{up, cp, 20 * ms, mkSessionMsg(0, SessionReportRequest, 0x1111, 7, 0)}, // never answered
		{cp, up, 30 * ms, mkSessionMsg(0, SessionDeletionRequest, 0x2222, 3, 0)},
		{up, cp, 31 * ms, mkSessionMsg(0, SessionDeletionResponse, 0x1111, 3, 0, mkIE(IECause, []byte{1}))},
		{up, cp, 32 * ms, mkSessionMsg(0, SessionDeletionResponse, 0x1111, 99, 0)},        // answers nothing
		{cp, up, 40 * ms, mkSessionMsg(0, SessionModificationRequest, 0x9999, 4, 0)},      // unknown SEID
		{cp, up, 41 * ms, mkSessionMsg(flagFO, SessionModificationRequest, 0x2222, 5, 0)}, // FO: two messages chained
	}
	steps[len(steps)-1].msg = cat(steps[len(steps)-1].msg, mkSessionMsg(0, SessionModificationRequest, 0x2222, 6, 0))
	c := NewCorrelator()
	for i, s := range steps {
		var sum Summary
		Summarize(s.msg, &sum)
		c.Add(Message{Src: s.from, Dst: s.to, Ref: uint64(i + 1), Time: s.at, Summary: &sum})
	}
	sessions := c.Sessions()
	want := Session{ID: 1, CP: cp.Addr(), UP: up.Addr(), CPSEID: OptSEID{0x1111, true}, UPSEID: OptSEID{0x2222, true},
		EstRequest: 1, EstResponse: 3, EstCause: 1, HasEstCause: true, Messages: 10, First: 1, Last: 10, Deleted: 10}
	// Messages: requests 1,2; responses 3,4; 5,6; report 7; deletion 8,9; and
	// the stray deletion response 10, which carries the CP SEID and so
	// belongs to the session (the rule keys on SEIDs, not on transactions).
	if len(sessions) != 1 || sessions[0] != want {
		t.Fatalf("sessions:\n got %+v\nwant %+v", sessions, want)
	}
	for ref, id := range map[uint64]int{1: 1, 2: 1, 7: 1, 10: 1, 11: 0, 12: 0} {
		got, _ := c.SessionOf(ref)
		if got != id {
			t.Errorf("SessionOf(%d) = %d, want %d", ref, got, id)
		}
	}
	st := c.Stats()
	wantSt := TransactionStats{Requests: 6, Responses: 5, Retransmissions: 1, Unanswered: 2, UnmatchedResponses: 1,
		DuplicateResponses: 1, Answered: 3, LatencyTotal: 8 * time.Millisecond, LatencyMin: time.Millisecond, LatencyMax: 5 * time.Millisecond}
	if st != wantSt {
		t.Errorf("stats:\n got %+v\nwant %+v", st, wantSt)
	}
}

// TestDeletionCause checks which Session Deletion Responses end their
// session: those without a Cause, accepting ones and Session context not
// found; a rejection leaves the session open, so that a later accepted
// deletion is the one recorded.
func TestDeletionCause(t *testing.T) {
	cp := EndpointOf(netip.MustParseAddrPort("10.0.0.1:8805"))
	up := EndpointOf(netip.MustParseAddrPort("10.0.0.2:8805"))
	const cpSEID, upSEID = 0x11, 0x22
	tests := []struct {
		name     string
		causes   []int // the deletion responses' causes in order; -1: no Cause IE
		wantRefs int   // which response (1-based) the session's Deleted is, 0 for none
	}{
		{"accepted", []int{int(CauseRequestAccepted)}, 1},
		{"no cause", []int{-1}, 1},
		{"partially accepted", []int{int(CauseRequestPartiallyAccepted)}, 1},
		{"context not found", []int{int(CauseSessionContextNotFound)}, 1},
		{"rejected", []int{int(CauseRequestRejected)}, 0},
		{"system failure", []int{int(CauseSystemFailure)}, 0},
		{"rejected then accepted", []int{int(CauseRequestRejected), int(CauseRequestAccepted)}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCorrelator()
			add := cpUPCauseFeeder(c, cp, up)
			add(SessionEstablishmentRequest, false, 0, cpSEID, 1, -1)
			_, s := add(SessionEstablishmentResponse, true, cpSEID, upSEID, 1, int(CauseRequestAccepted))
			if s == 0 {
				t.Fatal("no session established")
			}
			var refs []uint64
			for i, cause := range tc.causes {
				add(SessionDeletionRequest, false, upSEID, 0, uint32(10+i), -1)
				r, got := add(SessionDeletionResponse, true, cpSEID, 0, uint32(10+i), cause)
				if got != s {
					t.Fatalf("deletion response %d: session %d, want %d", i+1, got, s)
				}
				refs = append(refs, r)
			}
			// A later message still finds the session (deleted or not:
			// a deleted session lingers).
			if _, got := add(SessionReportRequest, false, upSEID, 0, 20, -1); got != s {
				t.Fatalf("report after the deletions: session %d, want %d", got, s)
			}
			var want uint64
			if tc.wantRefs > 0 {
				want = refs[tc.wantRefs-1]
			}
			ss := c.Sessions()
			if len(ss) != 1 || ss[0].Deleted != want {
				t.Fatalf("sessions %+v, want one with Deleted = %d", ss, want)
			}
		})
	}
}
