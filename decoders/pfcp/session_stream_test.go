package pfcp

import (
	"net/netip"
	"path/filepath"
	"testing"
	"time"
)

// streamConfigs are the Correlator configurations that must assign every
// message exactly as NewCorrelator does on traffic without long gaps.
var streamConfigs = []struct {
	name string
	opts CorrelatorOptions
}{
	{"forget", CorrelatorOptions{Forget: true}},
	{"forget-window-linger", CorrelatorOptions{Forget: true, Window: time.Hour, Linger: time.Hour}},
	{"forget-skip-transactions", CorrelatorOptions{Forget: true, SkipTransactions: true, Window: time.Hour, Linger: time.Hour}},
	{"remember-window", CorrelatorOptions{Window: time.Hour, Linger: time.Hour}},
}

// streamAssign feeds msgs to c and returns each Ref's session as Add and
// Decided report it.
func streamAssign(c *Correlator, msgs []Message) map[uint64]int {
	got := map[uint64]int{}
	for _, m := range msgs {
		id := c.Add(m)
		if id != 0 {
			got[m.Ref] = id
		}
		for _, r := range c.Decided() {
			got[r] = id
		}
	}
	return got
}

// checkStream compares every configuration with NewCorrelator on msgs.
func checkStream(t *testing.T, msgs []Message) {
	t.Helper()
	ref := NewCorrelator()
	for _, m := range msgs {
		ref.Add(m)
	}
	for _, cfg := range streamConfigs {
		c := NewCorrelatorWith(cfg.opts)
		got := streamAssign(c, msgs)
		for _, m := range msgs {
			want, _ := ref.SessionOf(m.Ref)
			if got[m.Ref] != want {
				t.Errorf("%s: ref %d (type %v): session %d, NewCorrelator says %d", cfg.name, m.Ref, m.Summary.Header.Type, got[m.Ref], want)
			}
		}
		if gs, ws := c.Sessions(), ref.Sessions(); len(gs) != len(ws) {
			t.Errorf("%s: %d sessions, want %d", cfg.name, len(gs), len(ws))
		} else {
			for i := range gs {
				if gs[i] != ws[i] {
					t.Errorf("%s: session %d:\n got %+v\nwant %+v", cfg.name, i+1, gs[i], ws[i])
				}
			}
		}
		if !cfg.opts.SkipTransactions && c.Stats() != ref.Stats() {
			t.Errorf("%s: stats %+v, want %+v", cfg.name, c.Stats(), ref.Stats())
		}
	}
}

// TestCorrelatorStreamCorpus: on every PFCP capture, Add's results and
// Decided give each frame the session SessionOf gives it.
func TestCorrelatorStreamCorpus(t *testing.T) {
	for _, capPath := range pfcpCaptures(t) {
		t.Run(filepath.Base(capPath), func(t *testing.T) {
			var msgs []Message
			for _, d := range readPFCP(t, capPath) {
				s := new(Summary)
				Summarize(d.Payload, s)
				msgs = append(msgs, Message{Src: netip.AddrPortFrom(d.Src, d.SrcPort), Dst: netip.AddrPortFrom(d.Dst, d.DstPort),
					Ref: uint64(d.Frame), Time: d.TsNanos, Summary: s})
			}
			checkStream(t, msgs)
		})
	}
}

// TestCorrelatorStreamGenerated does the same on generated traffic.
func TestCorrelatorStreamGenerated(t *testing.T) {
	checkStream(t, sessionTraffic(500))
}

// mkMsg builds a Message from raw PFCP bytes.
func mkMsg(from, to netip.AddrPort, ref uint64, at time.Duration, raw []byte) Message {
	s := new(Summary)
	Summarize(raw, s)
	return Message{Src: from, Dst: to, Ref: ref, Time: int64(at), Summary: s}
}

// TestCorrelatorExpiry checks what Window and Linger forget.
func TestCorrelatorExpiry(t *testing.T) {
	cp := netip.MustParseAddrPort("10.0.0.1:8805")
	up := netip.MustParseAddrPort("10.0.0.2:8805")
	est := func(ref uint64, at time.Duration) Message {
		return mkMsg(cp, up, ref, at, sessionEstablishmentRequest(1))
	}
	resp := func(ref uint64, at time.Duration) Message {
		return mkMsg(up, cp, ref, at, mkSessionMsg(0, SessionEstablishmentResponse, 0x1111, 1, 0, mkIE(IECause, []byte{1}), fseidIE(0x2222, "10.0.0.2", "")))
	}
	del := func(ref uint64, at time.Duration) Message {
		return mkMsg(up, cp, ref, at, mkSessionMsg(0, SessionDeletionResponse, 0x1111, 3, 0, mkIE(IECause, []byte{1})))
	}
	report := func(ref uint64, at time.Duration) Message {
		return mkMsg(up, cp, ref, at, mkSessionMsg(0, SessionReportRequest, 0x1111, 9, 0))
	}
	opts := CorrelatorOptions{Forget: true, Window: 10 * time.Second, Linger: 5 * time.Second}
	for _, c := range []struct {
		name string
		msgs []Message
		// want is each message's session, by position.
		want []int
		// unanswered and unmatched are the expected Stats, left the
		// sessions remembered at the end.
		unanswered, unmatched, left int
	}{
		{"answered in time", []Message{est(1, 0), resp(2, 9*time.Second)}, []int{1, 1}, 0, 0, 1},
		{"answered too late", []Message{est(1, 0), resp(2, 11*time.Second)}, []int{0, 0}, 1, 1, 0},
		{"retransmission restarts the wait", []Message{est(1, 0), est(2, 8*time.Second), resp(3, 17*time.Second)}, []int{1, 1, 1}, 0, 0, 1},
		{"repeated response within linger", []Message{est(1, 0), resp(2, time.Second), resp(3, 5*time.Second)}, []int{1, 1, 1}, 0, 0, 1},
		{"repeated response after linger", []Message{est(1, 0), resp(2, time.Second), resp(3, 7*time.Second)}, []int{1, 1, 0}, 0, 1, 1},
		{"message after deletion, within linger", []Message{est(1, 0), resp(2, time.Second), del(3, 2*time.Second), report(4, 6*time.Second)}, []int{1, 1, 1, 1}, 1, 1, 0},
		{"message after deletion, after linger", []Message{est(1, 0), resp(2, time.Second), del(3, 2*time.Second), report(4, 8*time.Second)}, []int{1, 1, 1, 0}, 1, 1, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			corr := NewCorrelatorWith(opts)
			got := streamAssign(corr, c.msgs)
			for i, m := range c.msgs {
				if got[m.Ref] != c.want[i] {
					t.Errorf("message %d: session %d, want %d", i+1, got[m.Ref], c.want[i])
				}
			}
			if _, ok := corr.SessionOf(1); ok {
				t.Error("SessionOf answers with Forget")
			}
			// Let everything expire, then check what is left.
			corr.Add(mkMsg(cp, up, 100, time.Hour, mkNodeMsg(0, HeartbeatRequest, 77)))
			st := corr.Stats()
			if st.Unanswered != c.unanswered+1 || st.UnmatchedResponses != c.unmatched {
				t.Errorf("stats %+v: want %d unanswered (and the heartbeat), %d unmatched", st, c.unanswered, c.unmatched)
			}
			if corr.pending.Len() != 0 || corr.txs.len() != 1 {
				t.Errorf("%d pending establishments and %d transactions left, want 0 and the heartbeat", corr.pending.Len(), corr.txs.len())
			}
			if n := len(corr.Sessions()); n != c.left {
				t.Errorf("%d sessions remembered, want %d", n, c.left)
			}
		})
	}
}

// TestCorrelatorSteadyStateAllocs: once warmed up, Add allocates nothing
// when exchanges and deleted sessions expire as fast as new ones come.
func TestCorrelatorSteadyStateAllocs(t *testing.T) {
	msgs := sessionTraffic(6000)
	c := NewCorrelatorWith(CorrelatorOptions{Window: time.Second, Linger: time.Second, Forget: true})
	warm := len(msgs) / 2
	for _, m := range msgs[:warm] {
		c.Add(m)
	}
	i := warm
	allocs := testing.AllocsPerRun(len(msgs)-warm-1, func() {
		c.Add(msgs[i])
		i++
	})
	if allocs > 0.001 {
		t.Errorf("%.4f allocations per message in steady state", allocs)
	}
}
