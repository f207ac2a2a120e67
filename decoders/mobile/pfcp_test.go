package mobile

import (
	"net/netip"
	"testing"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
)

var (
	cpA  = netip.MustParseAddr("10.0.0.1")
	upA  = netip.MustParseAddr("10.0.0.2")
	cpA6 = netip.MustParseAddr("::ffff:10.0.0.1") // cpA, v4-mapped
	gnb  = netip.MustParseAddr("10.0.1.1")
	ue1  = netip.MustParseAddr("10.45.0.1")
)

func msg(typ pfcp.MessageType, seq uint32, seid uint64, hasSEID bool) *pfcp.Summary {
	return &pfcp.Summary{Header: pfcp.Header{Version: 1, Type: typ, Seq: seq, SEID: seid, HasSEID: hasSEID}, HeaderOK: true, Messages: 1}
}

func withFSEID(s *pfcp.Summary, seid uint64) *pfcp.Summary {
	s.FSEIDs[0], s.NumFSEIDs = pfcp.FSEID{SEID: seid}, 1
	return s
}

func withCause(s *pfcp.Summary, c pfcp.Cause) *pfcp.Summary {
	s.HasCause, s.Cause = true, c
	return s
}

func withTunnels(s *pfcp.Summary, local, remote uint32, ue netip.Addr) *pfcp.Summary {
	s.FTEIDs[0], s.NumFTEIDs = pfcp.FTEID{Flags: pfcp.FTEIDv4, TEID: local, IPv4: upA}, 1
	s.OHCs[0], s.NumOHCs = pfcp.OuterHeaderCreation{Description: pfcp.OHCGTPUv4, TEID: remote, IPv4: gnb}, 1
	s.UEIPs[0], s.NumUEIPs = pfcp.UEIPAddress{Flags: pfcp.UEIPv4, IPv4: ue}, 1
	return s
}

// step is one message and what the table must answer then: the message's
// session and class, and the owners of GTP-U endpoint (up, 0x10) and of
// UE address ue1 (-1: none).
type step struct {
	src, dst       netip.Addr
	s              *pfcp.Summary
	session        int32
	class          Class
	tunnel, ueAddr int32
}

func TestPFCPTableScenarios(t *testing.T) {
	const cp, up = 0x100, 0x200
	est := func(seq uint32, cpSEID uint64) *pfcp.Summary {
		return withFSEID(msg(pfcp.SessionEstablishmentRequest, seq, 0, true), cpSEID)
	}
	estOK := func(seq uint32, cpSEID, upSEID uint64) *pfcp.Summary {
		return withTunnels(withFSEID(withCause(msg(pfcp.SessionEstablishmentResponse, seq, cpSEID, true), pfcp.CauseRequestAccepted), upSEID), 0x10, 0x20, ue1)
	}
	cases := []struct {
		name  string
		steps []step
		gen   []uint32 // sessions' generations at the end
	}{{
		name: "lifecycle",
		steps: []step{
			{cpA, upA, est(1, cp), 0, ClassSession, -1, -1},
			{upA, cpA, estOK(1, cp, up), 0, ClassSession, 0, 0},
			{cpA, upA, msg(pfcp.SessionModificationRequest, 2, up, true), 0, ClassSession, 0, 0},
			{upA, cpA, msg(pfcp.SessionModificationResponse, 2, cp, true), 0, ClassSession, 0, 0},
			{cpA, upA, msg(pfcp.SessionModificationRequest, 3, 0xbad, true), -1, ClassNone, 0, 0},
			{cpA, upA, msg(pfcp.SessionDeletionRequest, 4, up, true), 0, ClassSession, 0, 0},
			{upA, cpA, withCause(msg(pfcp.SessionDeletionResponse, 4, cp, true), pfcp.CauseRequestAccepted), 0, ClassSession, -1, -1},
		},
		gen: []uint32{0},
	}, {
		name: "a rejected deletion keeps the session's tunnels; context not found ends it",
		steps: []step{
			{cpA, upA, est(1, cp), 0, ClassSession, -1, -1},
			{upA, cpA, estOK(1, cp, up), 0, ClassSession, 0, 0},
			{cpA, upA, msg(pfcp.SessionDeletionRequest, 2, up, true), 0, ClassSession, 0, 0},
			{upA, cpA, withCause(msg(pfcp.SessionDeletionResponse, 2, cp, true), pfcp.CauseRequestRejected), 0, ClassSession, 0, 0},
			{cpA, upA, msg(pfcp.SessionDeletionRequest, 3, up, true), 0, ClassSession, 0, 0},
			{upA, cpA, withCause(msg(pfcp.SessionDeletionResponse, 3, cp, true), pfcp.CauseSessionContextNotFound), 0, ClassSession, -1, -1},
		},
		gen: []uint32{0},
	}, {
		name: "rejected, then a new generation on the same CP SEID",
		steps: []step{
			{cpA, upA, est(1, cp), 0, ClassSession, -1, -1},
			{cpA, upA, est(1, cp), 0, ClassSession, -1, -1},
			{upA, cpA, withCause(msg(pfcp.SessionEstablishmentResponse, 1, cp, true), pfcp.CauseRequestRejected), 0, ClassSession, -1, -1},
			{cpA, upA, est(2, cp), 1, ClassSession, -1, -1},
			{upA, cpA, estOK(2, cp, up), 1, ClassSession, 1, 1},
			{upA, cpA, estOK(2, cp, up), 1, ClassSession, 1, 1},
		},
		gen: []uint32{0, 1},
	}, {
		name: "v4-mapped node addresses are the same nodes",
		steps: []step{
			{cpA6, upA, est(5, cp), 0, ClassSession, -1, -1},
			{upA, cpA, estOK(5, cp, up), 0, ClassSession, 0, 0},
			{cpA6, upA, msg(pfcp.SessionReportRequest, 6, up, true), 0, ClassSession, 0, 0},
		},
		gen: []uint32{0},
	}, {
		name: "node and unknown messages",
		steps: []step{
			{cpA, upA, msg(pfcp.HeartbeatRequest, 1, 0, false), -1, ClassNode, -1, -1},
			{cpA, upA, msg(30, 2, 0, false), -1, ClassNode, -1, -1},
			{cpA, upA, msg(99, 3, 0, false), -1, ClassNone, -1, -1},
			{upA, cpA, estOK(9, cp, up), -1, ClassNone, -1, -1},
			{cpA, upA, &pfcp.Summary{}, -1, ClassNone, -1, -1},
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb := NewPFCPTable()
			for i, st := range c.steps {
				got, class := tb.Add(st.src, st.dst, st.s)
				if class != st.class || (class == ClassSession && got != st.session) {
					t.Fatalf("step %d: session %d class %d, want %d class %d", i, got, class, st.session, st.class)
				}
				owner, ok := tb.Tunnel(upA, 0x10)
				if !ok {
					owner = -1
				}
				if owner != st.tunnel {
					t.Errorf("step %d: endpoint owned by %d, want %d", i, owner, st.tunnel)
				}
				owner, ok = tb.UE(ue1)
				if !ok {
					owner = -1
				}
				if owner != st.ueAddr {
					t.Errorf("step %d: UE address owned by %d, want %d", i, owner, st.ueAddr)
				}
			}
			if tb.Len() != len(c.gen) {
				t.Fatalf("%d sessions, want %d", tb.Len(), len(c.gen))
			}
			for i, g := range c.gen {
				s := tb.Session(int32(i))
				if s.Gen != g || s.CP != cpA || s.UP != upA || !s.HasCPSEID || s.CPSEID != cp {
					t.Errorf("session %d: %+v, want generation %d of %v→%v CP SEID %#x", i, s, g, cpA, upA, cp)
				}
			}
		})
	}
}

// TestPFCPTableManySessions: sessions keep their place (pointers stay
// valid) and their endpoints while thousands more open.
func TestPFCPTableManySessions(t *testing.T) {
	tb := NewPFCPTable()
	first := (*PFCPSession)(nil)
	for i := range uint32(5000) {
		seid := uint64(i) + 1
		tb.Add(cpA, upA, withFSEID(msg(pfcp.SessionEstablishmentRequest, i, 0, true), seid))
		resp := withFSEID(withCause(msg(pfcp.SessionEstablishmentResponse, i, seid, true), pfcp.CauseRequestAccepted), seid<<8)
		resp.FTEIDs[0], resp.NumFTEIDs = pfcp.FTEID{Flags: pfcp.FTEIDv4, TEID: 0x1000 + i, IPv4: upA}, 1
		if got, _ := tb.Add(upA, cpA, resp); got != int32(i) {
			t.Fatalf("response %d went to session %d", i, got)
		}
		if i == 0 {
			first = tb.Session(0)
		}
	}
	if first != tb.Session(0) || first.UPSEID != 1<<8 || len(first.Endpoints) != 1 {
		t.Fatalf("session 0 moved or changed: %+v", first)
	}
	for i := range uint32(5000) {
		if got, ok := tb.Tunnel(upA, 0x1000+i); !ok || got != int32(i) {
			t.Fatalf("endpoint %#x: %d %v", 0x1000+i, got, ok)
		}
	}
}
