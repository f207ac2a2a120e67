package mobile

import (
	"testing"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
)

// TestPFCPTableForget: a forgotten session leaves nothing behind (its
// SEIDs, establishment and endpoints match nothing), its slot goes to the
// next session, which starts clean, and the other sessions are untouched.
func TestPFCPTableForget(t *testing.T) {
	tb := NewPFCPTable()
	est := func(seq uint32, cpSEID uint64) *pfcp.Summary {
		return withFSEID(msg(pfcp.SessionEstablishmentRequest, seq, 0, true), cpSEID)
	}
	estOK := func(seq uint32, cpSEID, upSEID uint64, teid uint32) *pfcp.Summary {
		return withTunnels(withFSEID(withCause(msg(pfcp.SessionEstablishmentResponse, seq, cpSEID, true), pfcp.CauseRequestAccepted), upSEID), teid, teid+1, ue1)
	}
	// Two sessions; the first is deleted and forgotten.
	tb.Add(cpA, upA, est(1, 0x100))
	a, _ := tb.Add(upA, cpA, estOK(1, 0x100, 0x200, 0x10))
	tb.Add(cpA, upA, est(2, 0x101))
	b, _ := tb.Add(upA, cpA, estOK(2, 0x101, 0x201, 0x30))
	tb.Add(cpA, upA, msg(pfcp.SessionDeletionRequest, 3, 0x200, true))
	if i, _ := tb.Add(upA, cpA, withCause(msg(pfcp.SessionDeletionResponse, 3, 0x100, true), pfcp.CauseRequestAccepted)); i != a || tb.Session(a).Live() {
		t.Fatalf("deletion: session %d, live %v", i, tb.Session(a).Live())
	}
	tb.Forget(a)
	tb.Forget(a) // twice: nothing more
	if tb.Held() != 1 {
		t.Errorf("Held %d, want 1", tb.Held())
	}
	for _, s := range []*pfcp.Summary{msg(pfcp.SessionModificationRequest, 4, 0x200, true), estOK(1, 0x100, 0x200, 0x10)} {
		if i, c := tb.Add(cpA, upA, s); c != ClassNone {
			t.Errorf("type %d after Forget: session %d, class %d", s.Header.Type, i, c)
		}
	}
	if i, ok := tb.Tunnel(upA, 0x10); ok {
		t.Errorf("endpoint of the forgotten session owned by %d", i)
	}
	// The next session takes the slot, clean.
	if i, _ := tb.Add(cpA, upA, est(5, 0x100)); i != a || tb.Session(i).Gen != 0 || len(tb.Session(i).Endpoints) != 0 || tb.Session(i).Answered {
		t.Errorf("new session in slot %d (want %d): %+v", i, a, *tb.Session(i))
	}
	if i, ok := tb.Tunnel(upA, 0x30); !ok || i != b {
		t.Errorf("the other session's endpoint: %d %v, want %d", i, ok, b)
	}
	if i, c := tb.Add(cpA, upA, msg(pfcp.SessionModificationRequest, 6, 0x201, true)); c != ClassSession || i != b {
		t.Errorf("the other session's message: %d %d", i, c)
	}
	if tb.Held() != 2 {
		t.Errorf("Held %d, want 2", tb.Held())
	}
}

// TestDeletionReleasesEveryEndpoint: a session that announced more GTP-U
// endpoints than PFCPSession lists gives all of them up at its deletion,
// without Forget (split --by session relies on the deletion alone).
func TestDeletionReleasesEveryEndpoint(t *testing.T) {
	tb := NewPFCPTable()
	tb.Add(cpA, upA, withFSEID(msg(pfcp.SessionEstablishmentRequest, 1, 0, true), 0x100))
	a, _ := tb.Add(upA, cpA, withFSEID(withCause(msg(pfcp.SessionEstablishmentResponse, 1, 0x100, true), pfcp.CauseRequestAccepted), 0x200))
	const mods = maxSessionEndpoints // two endpoints each: twice what the session lists
	for k := range uint32(mods) {
		tb.Add(cpA, upA, withTunnels(msg(pfcp.SessionModificationRequest, 2+k, 0x200, true), 0x1000+2*k, 0x5000+2*k, ue1))
	}
	if n := len(tb.Session(a).Endpoints); n != maxSessionEndpoints {
		t.Fatalf("session lists %d endpoints, want %d", n, maxSessionEndpoints)
	}
	last := uint32(0x1000 + 2*(mods-1))
	if i, ok := tb.Tunnel(upA, last); !ok || i != a {
		t.Fatalf("endpoint beyond the listed ones: owner %d %v, want %d", i, ok, a)
	}
	tb.Add(cpA, upA, msg(pfcp.SessionDeletionRequest, 100, 0x200, true))
	tb.Add(upA, cpA, withCause(msg(pfcp.SessionDeletionResponse, 100, 0x100, true), pfcp.CauseRequestAccepted))
	for k := range uint32(mods) {
		if i, ok := tb.Tunnel(upA, 0x1000+2*k); ok {
			t.Errorf("endpoint %#x still owned by %d after the deletion", 0x1000+2*k, i)
		}
	}
}
