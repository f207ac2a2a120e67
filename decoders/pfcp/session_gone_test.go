package pfcp

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
	"time"
)

// randomDigests returns a stream of n digests between a few endpoints
// with a few SEIDs and sequence numbers, so that sessions take over each
// other's keys, are deleted more than once and get messages after their
// deletion; time goes back now and then.
func randomDigests(rng *rand.Rand, n int) []Digest {
	eps := []netip.AddrPort{
		netip.MustParseAddrPort("10.0.0.1:8805"), netip.MustParseAddrPort("10.0.0.2:8805"),
		netip.MustParseAddrPort("10.0.0.3:8805"), netip.MustParseAddrPort("10.0.0.1:9000"),
	}
	types := []MessageType{SessionEstablishmentRequest, SessionEstablishmentResponse, SessionModificationRequest,
		SessionModificationResponse, SessionDeletionRequest, SessionDeletionResponse, SessionReportRequest, HeartbeatRequest}
	nseid, nseq := 2+rng.IntN(6), 1+rng.IntN(6)
	out := make([]Digest, n)
	now := int64(0)
	for i := range out {
		now += rng.Int64N(int64(1500 * time.Millisecond))
		if rng.IntN(50) == 0 {
			now -= rng.Int64N(int64(5 * time.Second))
		}
		si, di := rng.IntN(len(eps)), rng.IntN(len(eps))
		if rng.IntN(4) != 0 { // mostly between the first two
			si = rng.IntN(2)
			di = 1 - si
		}
		d := Digest{Src: EndpointOf(eps[si]), Dst: EndpointOf(eps[di]), Time: now, Type: types[rng.IntN(len(types))],
			SEID: uint64(rng.IntN(nseid)), FSEID: uint64(rng.IntN(nseid)), Seq: uint32(rng.IntN(nseq)),
			Cause: Cause(1 + rng.IntN(2)), Tag: uint64(i)}
		for f, odds := range []int{20, 5, 4, 3} { // Single, HeaderSEID, FSEID, Cause
			if rng.IntN(odds) != 0 {
				d.Flags |= 1 << f
			}
		}
		out[i] = d
	}
	return out
}

// TestGoneLazyMatchesEager checks the lazily kept index of deleted
// sessions against one brought up to date after every message: every
// message's session, the decided requests, the dropped sessions and the
// sessions left must be the same.
func TestGoneLazyMatchesEager(t *testing.T) {
	for s := uint64(0); s < 2000; s++ {
		rng := rand.New(rand.NewPCG(s, 1))
		o := CorrelatorOptions{Window: time.Duration(rng.IntN(4)) * time.Second, Linger: time.Duration(rng.IntN(4)) * time.Second,
			Forget: rng.IntN(3) != 0, SkipTransactions: rng.IntN(2) == 0, ReportDropped: rng.IntN(2) == 0}
		lazy, eager := NewCorrelatorWith(o), NewCorrelatorWith(o)
		eager.seed = lazy.seed
		ds := randomDigests(rng, 50+rng.IntN(400))
		for i := range ds {
			ref := uint64(i + 1)
			a, b := lazy.AddDigest(ref, &ds[i]), eager.AddDigest(ref, &ds[i])
			eager.applyRetirements()
			if a != b || !slices.Equal(lazy.Decided(), eager.Decided()) || !slices.Equal(lazy.Dropped(), eager.Dropped()) {
				t.Fatalf("stream %d, message %d: session %d, decided %v, dropped %v; eager: %d, %v, %v",
					s, ref, a, lazy.Decided(), lazy.Dropped(), b, eager.Decided(), eager.Dropped())
			}
		}
		if l, e := lazy.Sessions(), eager.Sessions(); !slices.Equal(l, e) {
			t.Fatalf("stream %d: sessions %v, eager %v", s, l, e)
		}
		if lazy.Stats() != eager.Stats() {
			t.Fatalf("stream %d: stats %+v, eager %+v", s, lazy.Stats(), eager.Stats())
		}
	}
}

// TestGoneStaleRetirement drives applyRetirement's case of a session
// dropped before its retirement was applied while an earlier session
// with the same key is indexed: the key must then refer to no session
// (the later one took it over, and dropping it removed it), not fall
// back to the earlier one.
func TestGoneStaleRetirement(t *testing.T) {
	cp := EndpointOf(netip.MustParseAddrPort("10.0.0.1:8805"))
	up := EndpointOf(netip.MustParseAddrPort("10.0.0.2:8805"))
	c := NewCorrelatorWith(CorrelatorOptions{Forget: true, Window: time.Minute, Linger: time.Second, SkipTransactions: true})
	add := cpUPFeeder(c, cp, up)
	const y = 0x77 // the CP SEID of A and B: UP→CP key (up, cp, y)
	add(SessionEstablishmentRequest, false, 0, y, 1)
	a := add(SessionEstablishmentResponse, true, y, 100, 1)
	add(SessionDeletionResponse, true, y, 0, 2)
	c.applyRetirements() // as a lookup missing bySEID would
	add(SessionEstablishmentRequest, false, 0, y, 3)
	b := add(SessionEstablishmentResponse, true, y, 200, 3)
	add(SessionDeletionResponse, true, y, 0, 4)
	if a == 0 || b == 0 || a == b || c.gone.listed.len() != 1 {
		t.Fatalf("sessions %d and %d, %d retirements listed", a, b, c.gone.listed.len())
	}
	// Drop B, not A (which an expiry does not do in this order).
	i := c.gone.listed.front().slot
	c.drop(i, c.sessions.at(i))
	if c.gone.listed.len() != 0 {
		t.Fatalf("%d retirements listed after B's drop, want 0", c.gone.listed.len())
	}
	if got := add(SessionReportRequest, true, y, 0, 5); got != 0 {
		t.Fatalf("key of dropped B: session %d, want none (A lost it to B)", got)
	}
	if got := add(SessionReportRequest, false, 100, 0, 6); got != a {
		t.Fatalf("A's own UP SEID: session %d, want A = %d", got, a)
	}
}

// TestRetireKeyOnSharedRun deletes a session whose two SEID keys share
// a probe run, the first taken over by a later session: retiring must
// move the key the session still holds, found by key (Index.Remove by
// slot would take the first entry of the slot on the run, the other
// key's), so that the deleted session is still found by it.
func TestRetireKeyOnSharedRun(t *testing.T) {
	cp := EndpointOf(netip.MustParseAddrPort("10.0.0.1:8805"))
	up := EndpointOf(netip.MustParseAddrPort("10.0.0.2:8805"))
	const cpSEID, upSEID, cpSEID2 = 0x11, 0x22, 0x33
	// Nodes are numbered as seen: CP 0, UP 1. The UP key (CP→UP, UP
	// SEID) is indexed first, then the CP key (UP→CP, CP SEID): find a
	// seed that gives them the same home position.
	c := NewCorrelatorWith(CorrelatorOptions{Forget: true, Window: time.Minute, Linger: time.Minute, SkipTransactions: true})
	k1, k2 := seidKey{0, 1, upSEID}, seidKey{1, 0, cpSEID}
	for s := seed(1); ; s++ {
		if h1, h2 := s.seid(k1), s.seid(k2); h1 != h2 && h1%indexMin == h2%indexMin {
			c.seed = s
			break
		}
	}
	add := cpUPFeeder(c, cp, up)
	add(SessionEstablishmentRequest, false, 0, cpSEID, 1)
	s := add(SessionEstablishmentResponse, true, cpSEID, upSEID, 1)
	// T takes the UP key over (same UP SEID, another CP SEID).
	add(SessionEstablishmentRequest, false, 0, cpSEID2, 2)
	tt := add(SessionEstablishmentResponse, true, cpSEID2, upSEID, 2)
	if got := add(SessionModificationRequest, false, upSEID, 0, 3); got != tt || tt == s {
		t.Fatalf("UP key: session %d, want T = %d", got, tt)
	}
	// Delete S through its CP key, then find it by that key again.
	if got := add(SessionDeletionResponse, true, cpSEID, 0, 4); got != s {
		t.Fatalf("deletion: session %d, want S = %d", got, s)
	}
	if got := add(SessionReportRequest, true, cpSEID, 0, 5); got != s {
		t.Fatalf("deleted S's CP key: session %d, want S = %d", got, s)
	}
	if got := add(SessionModificationRequest, false, upSEID, 0, 6); got != tt {
		t.Fatalf("UP key after S's deletion: session %d, want T = %d", got, tt)
	}
}

// cpUPFeeder returns a function that feeds c a single-message datagram
// between cp and up (from up when fromUP) with header SEID seid, an
// F-SEID IE when fseid is not 0, and sequence number seq, and returns the
// session Add gave it.
func cpUPFeeder(c *Correlator, cp, up Endpoint) func(typ MessageType, fromUP bool, seid, fseid uint64, seq uint32) int {
	add := cpUPCauseFeeder(c, cp, up)
	return func(typ MessageType, fromUP bool, seid, fseid uint64, seq uint32) int {
		_, s := add(typ, fromUP, seid, fseid, seq, -1)
		return s
	}
}

// cpUPCauseFeeder is cpUPFeeder with a top-level Cause IE of value cause
// (none when cause is negative); it also returns the datagram's Ref.
func cpUPCauseFeeder(c *Correlator, cp, up Endpoint) func(typ MessageType, fromUP bool, seid, fseid uint64, seq uint32, cause int) (uint64, int) {
	ref := uint64(0)
	return func(typ MessageType, fromUP bool, seid, fseid uint64, seq uint32, cause int) (uint64, int) {
		d := Digest{Src: cp, Dst: up, Time: 1, Type: typ, SEID: seid, FSEID: fseid, Seq: seq, Flags: DigestSingle | DigestHeaderSEID}
		if fromUP {
			d.Src, d.Dst = up, cp
		}
		if fseid != 0 {
			d.Flags |= DigestFSEID
		}
		if cause >= 0 {
			d.Cause, d.Flags = Cause(cause), d.Flags|DigestCause
		}
		ref++
		return ref, c.AddDigest(ref, &d)
	}
}
