package pfcp

import (
	"errors"
	"net/netip"
	"testing"
	"time"
)

func TestEndpointRoundTrip(t *testing.T) {
	for _, s := range []string{"10.0.0.1", "0.0.0.0", "255.255.255.255", "2001:db8::1", "::", "::ffff:10.0.0.1",
		"fe80::1:2:3:4", ""} {
		var a netip.Addr
		if s != "" {
			a = netip.MustParseAddr(s)
		}
		for _, port := range []uint16{0, 8805, 65535} {
			ap := netip.AddrPortFrom(a, port)
			e := EndpointOf(ap)
			if got := e.AddrPort(); got != ap {
				t.Errorf("%v: round trip gives %v", ap, got)
			}
		}
	}
	var none Endpoint
	if e := EndpointOf(netip.AddrPort{}); e != none || e.IP().IsValid() {
		t.Errorf("the zero AddrPort gives %+v", e)
	}
	// An IPv4 address and its IPv4-mapped IPv6 form are different
	// endpoints, as netip compares them.
	if EndpointOf(netip.MustParseAddrPort("10.0.0.1:1")) == EndpointOf(netip.MustParseAddrPort("[::ffff:10.0.0.1]:1")) {
		t.Error("IPv4 and IPv4-mapped IPv6 endpoints compare equal")
	}
}

func TestDigestSet(t *testing.T) {
	for _, c := range []struct {
		name string
		s    *Summary
		want Digest
	}{
		{"nil", nil, Digest{}},
		{"node message", &Summary{HeaderOK: true, Messages: 1, Header: Header{Type: HeartbeatRequest, Seq: 7}},
			Digest{Type: HeartbeatRequest, Seq: 7, Flags: DigestSingle}},
		{"establishment request", &Summary{HeaderOK: true, Messages: 1, NumFSEIDs: 1, FSEIDs: [SummaryFSEIDs]FSEID{{SEID: 9}},
			Header: Header{Type: SessionEstablishmentRequest, HasSEID: true, Seq: 1}},
			Digest{Type: SessionEstablishmentRequest, Seq: 1, FSEID: 9, Flags: DigestSingle | DigestHeaderSEID | DigestFSEID}},
		{"rejection", &Summary{HeaderOK: true, Messages: 1, HasCause: true, Cause: 64,
			Header: Header{Type: SessionEstablishmentResponse, HasSEID: true, SEID: 9, Seq: 1}},
			Digest{Type: SessionEstablishmentResponse, Seq: 1, SEID: 9, Cause: 64, Flags: DigestSingle | DigestHeaderSEID | DigestCause}},
		{"two messages", &Summary{HeaderOK: true, Messages: 2, Header: Header{Type: HeartbeatRequest}},
			Digest{Type: HeartbeatRequest}},
		{"bad header", &Summary{Messages: 1, Header: Header{Type: HeartbeatRequest}}, Digest{Type: HeartbeatRequest}},
	} {
		d := Digest{Flags: DigestCause, FSEID: 3} // stale values are overwritten
		d.Set(c.s)
		if c.s == nil {
			if d.Flags != 0 {
				t.Errorf("%s: flags %b, want none", c.name, d.Flags)
			}
			continue
		}
		if d != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, d, c.want)
		}
	}
}

// TestAddDigestEqualsAdd feeds the same traffic as Messages and as
// Digests: every result and every Decided list must agree.
func TestAddDigestEqualsAdd(t *testing.T) {
	msgs := sessionTraffic(500)
	opts := CorrelatorOptions{Window: time.Minute, Linger: time.Second, Forget: true}
	a, b := NewCorrelatorWith(opts), NewCorrelatorWith(opts)
	for _, m := range msgs {
		d := Digest{Src: EndpointOf(m.Src), Dst: EndpointOf(m.Dst), Time: m.Time}
		d.Set(m.Summary)
		ga, gb := a.Add(m), b.AddDigest(m.Ref, &d)
		if ga != gb || len(a.Decided()) != len(b.Decided()) {
			t.Fatalf("ref %d: Add %d %v, AddDigest %d %v", m.Ref, ga, a.Decided(), gb, b.Decided())
		}
	}
	if a.Stats() != b.Stats() || len(a.Sessions()) != len(b.Sessions()) {
		t.Errorf("stats %+v / %+v, sessions %d / %d", a.Stats(), b.Stats(), len(a.Sessions()), len(b.Sessions()))
	}
}

// TestEachSession: EachSession visits what Sessions returns, in the same
// order (by id, also once dropped sessions' slots were reused), and stops
// at the first error.
func TestEachSession(t *testing.T) {
	// Sessions start every millisecond for 6 s and end 2 s later; they
	// are dropped 1 s after their deletion, from 3 s on, and their slots
	// reused by the sessions started after that.
	msgs := sessionTraffic(6000)
	c := NewCorrelatorWith(CorrelatorOptions{Window: time.Minute, Linger: time.Second, Forget: true})
	for _, m := range msgs[:len(msgs)*2/3] {
		c.Add(m)
	}
	want := c.Sessions()
	if len(want) < 2 {
		t.Fatalf("only %d sessions live", len(want))
	}
	var got []Session
	if err := c.EachSession(func(s *Session) error { got = append(got, *s); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("EachSession visited %d sessions, Sessions has %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("session %d: %+v, want %+v", i, got[i], want[i])
		}
		if i > 0 && got[i].ID <= got[i-1].ID {
			t.Fatalf("ids out of order: %d after %d", got[i].ID, got[i-1].ID)
		}
	}
	stop := errors.New("stop")
	n := 0
	if err := c.EachSession(func(*Session) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("EachSession returned %v after %d calls, want stop after 1", err, n)
	}
}

// TestDropped: with ReportDropped, every session is either handed over by
// Dropped once (deleted and lingered) or still listed by Sessions at the
// end, with its deletion; without it, Dropped stays empty.
func TestDropped(t *testing.T) {
	msgs := sessionTraffic(3000)
	for _, report := range []bool{true, false} {
		c := NewCorrelatorWith(CorrelatorOptions{Window: time.Minute, Linger: time.Second, Forget: true, ReportDropped: report})
		seen := map[int]int{}
		for _, m := range msgs {
			c.Add(m)
			for _, s := range c.Dropped() {
				if s.Deleted == 0 || s.Messages != 6 {
					t.Fatalf("dropped session %d: deleted %d, %d messages", s.ID, s.Deleted, s.Messages)
				}
				seen[s.ID]++
			}
		}
		if !report {
			if len(seen) != 0 {
				t.Errorf("without ReportDropped, Dropped listed %d sessions", len(seen))
			}
			continue
		}
		if len(seen) == 0 {
			t.Fatal("no session was dropped")
		}
		for _, s := range c.Sessions() {
			seen[s.ID]++
		}
		for id := 1; id <= 3000; id++ {
			if seen[id] != 1 {
				t.Errorf("session %d handed over %d times", id, seen[id])
			}
		}
	}
}
