package mobile

import (
	"bytes"
	"context"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/pipeline"
)

// frameSink copies every frame of a generated capture.
type frameSink struct{ frames [][]byte }

func (s *frameSink) Name() string { return "frames" }

func (s *frameSink) Consume(_ context.Context, b *pipeline.Batch) error {
	for i := range b.Packets {
		s.frames = append(s.frames, bytes.Clone(b.Data(i)))
	}
	return nil
}

func (s *frameSink) Close(bool) error { return nil }

// replayGTPC generates cfg, decodes every frame with the decode stage's
// decoder and feeds the GTPv2-C datagrams to a GTPCTable, in capture order,
// and looks every G-PDU's tunnel up as it comes. It returns the table and,
// per frame, the IMSI it was attributed to ("" for none).
func replayGTPC(t *testing.T, cfg generators.GTPCScenario) (*GTPCTable, []string) {
	t.Helper()
	s := &frameSink{}
	g := &pipeline.Graph{Source: cfg, Sinks: []pipeline.Sink{s}}
	if _, err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	dec := decoders.NewDecoder(decoders.Options{})
	tab := NewGTPCTable()
	owner := make([]string, len(s.frames))
	for k, f := range s.frames {
		var d pipeline.Decoded
		dec.Decode(f, 1, uint32(len(f)), &d)
		switch {
		case d.Layers.Has(pipeline.LayerGTPC):
			add := tab.Add
			if decoders.GTPCVersion(&d) == 1 {
				add = tab.AddV1
			}
			if i, ok := add(d.IP.Src, d.IP.Dst, f[d.PayloadOffset:d.PayloadOffset+d.PayloadLen]); ok {
				owner[k] = tab.Subscriber(i).IMSI.String()
			}
		case d.Layers.Has(pipeline.LayerGTPU) && d.GTPType == 255:
			if i, ok := tab.Tunnel(d.IP.Dst, d.TEID); ok {
				owner[k] = tab.Subscriber(i).IMSI.String()
			}
		default:
			t.Fatalf("frame %d is neither GTP-C nor a G-PDU: layers %b", k+1, d.Layers)
		}
	}
	return tab, owner
}

// TestGTPCTableScenarios replays generated S11 scenarios, and the same
// over Gn/Gp (GTPv1-C), through a GTPCTable and checks every attribution
// against the generator's Expect:
// each frame goes to the subscriber that owns it (IMSI learned from the
// Create Session Request; its response matched by TEID, or by sequence
// number when rejected with TEID 0; later messages by the F-TEIDs the
// subscriber announced; G-PDUs by the bearer F-TEIDs, at the packet's time
// when TEIDs are reused), and the table's subscribers carry exactly their
// user-plane endpoints and UE addresses.
func TestGTPCTableScenarios(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  generators.GTPCScenario
		// minimums the scenario must exercise
		rejected, retrans, reused, echoes int64
	}{
		{name: "accepted", cfg: generators.GTPCScenario{Subscribers: 6, UserPackets: 4, Seed: 1}},
		{name: "rejections-retransmissions-echo", cfg: generators.GTPCScenario{Subscribers: 9, RejectEvery: 3,
			Retransmit: 0.5, Echo: 3, UserPackets: 2, Seed: 2}, rejected: 3, retrans: 1, echoes: 3},
		{name: "teid-reuse-after-delete", cfg: generators.GTPCScenario{Subscribers: 16, ReuseTEIDs: true,
			Hold: 30 * time.Millisecond, UserPackets: 6, Seed: 3}, reused: 4},
		{name: "teid-reuse-rejections", cfg: generators.GTPCScenario{Subscribers: 16, ReuseTEIDs: true, RejectEvery: 5,
			Retransmit: 0.1, Hold: 30 * time.Millisecond, UserPackets: 4, Seed: 4}, rejected: 3, reused: 1},
		{name: "ipv6-transport-dual-stack-ue", cfg: generators.GTPCScenario{Subscribers: 4, IPv6: true, UEIPv6: true,
			UserPackets: 8, Seed: 5}},
		{name: "no-deletion", cfg: generators.GTPCScenario{Subscribers: 3, NoDeletion: true, UserPackets: 2, Seed: 6}},
	} {
		for _, gn := range []bool{false, true} {
			name := tc.name
			if gn {
				name += "-gn"
			}
			tc.cfg.Gn = gn
			t.Run(name, func(t *testing.T) { checkGTPCScenario(t, tc.cfg, tc.rejected, tc.retrans, tc.reused, tc.echoes) })
		}
	}
}

// checkGTPCScenario is one case of TestGTPCTableScenarios.
func checkGTPCScenario(t *testing.T, cfg generators.GTPCScenario, rejected, retrans, reused, echoes int64) {
	e := cfg.Expect()
	if e.Rejected < rejected || e.GTPCRetransmissions < retrans || e.ReusedTEIDs < reused || e.Echoes < echoes {
		t.Fatalf("scenario too weak: %d rejected, %d retransmissions, %d reused, %d echoes", e.Rejected,
			e.GTPCRetransmissions, e.ReusedTEIDs, e.Echoes)
	}
	tab, owner := replayGTPC(t, cfg)
	want := make([]string, len(owner))
	for _, s := range e.PerSubscriber {
		for _, f := range s.Frames {
			want[f-1] = s.IMSI
		}
	}
	for k := range owner {
		if owner[k] != want[k] {
			t.Errorf("frame %d attributed to %q, want %q", k+1, owner[k], want[k])
		}
	}
	if tab.Len() != len(e.PerSubscriber) {
		t.Fatalf("%d subscribers, want %d", tab.Len(), len(e.PerSubscriber))
	}
	sgwu, enb, pgw := addrs(cfg.IPv6)
	for i, s := range e.PerSubscriber {
		got := tab.Subscriber(int32(i))
		if got.IMSI.String() != s.IMSI || int64(got.Messages) != s.ControlMessages {
			t.Errorf("subscriber %d: IMSI %v with %d messages, want %s with %d", i, got.IMSI, got.Messages, s.IMSI, s.ControlMessages)
		}
		var wantEP []Endpoint
		var wantUE []netip.Addr
		switch {
		case s.Rejected && cfg.Gn:
			// The SGSN announced its TEID Data I before the rejection.
			wantEP = []Endpoint{{enb, s.ENBTEID}}
		case s.Rejected:
		case cfg.Gn:
			// The SGSN's TEID Data I comes with its request, the
			// GGSN's with the response; Gn has no S5/S8.
			wantEP = []Endpoint{{enb, s.ENBTEID}, {sgwu, s.SGWUTEID}}
		default:
			wantEP = []Endpoint{{sgwu, s.SGWUTEID}, {pgw, s.PGWUTEID}, {enb, s.ENBTEID}}
		}
		if !s.Rejected {
			wantUE = []netip.Addr{s.UEIPv4}
			if s.UEIPv6.IsValid() {
				wantUE = append(wantUE, s.UEIPv6)
			}
		}
		if !slices.Equal(got.Endpoints, wantEP) || !slices.Equal(got.UEIPs, wantUE) {
			t.Errorf("subscriber %s: endpoints %v UE %v, want %v and %v", s.IMSI, got.Endpoints, got.UEIPs, wantEP, wantUE)
		}
		for _, a := range wantUE {
			if j, ok := tab.UE(a); !ok || j != int32(i) {
				t.Errorf("UE %v belongs to %d %v, want %d", a, j, ok, i)
			}
		}
	}
	if len(tab.pending) != 0 {
		t.Errorf("%d requests still pending after every request was answered: %v", len(tab.pending), tab.pending)
	}
}

// addrs returns the scenario's default SGW-U, eNodeB and PGW addresses.
func addrs(v6 bool) (sgwu, enb, pgw netip.Addr) {
	if v6 {
		return netip.MustParseAddr("2001:db8:7::2"), netip.MustParseAddr("2001:db8:7::1"), netip.MustParseAddr("2001:db8:8::2")
	}
	return netip.MustParseAddr("10.0.3.2"), netip.MustParseAddr("10.0.3.1"), netip.MustParseAddr("10.0.4.2")
}

// TestGTPCTableTEIDReuseIsTimeVersioned replays one scenario with reused
// TEIDs and checks, for each subscriber that took over another's TEIDs,
// that each one's frames went to it (the earlier one's before its
// deletion, the later one's after), and that at the end every TEID leads
// to the last subscriber that announced it.
func TestGTPCTableTEIDReuseIsTimeVersioned(t *testing.T) {
	cfg := generators.GTPCScenario{Subscribers: 20, ReuseTEIDs: true, Hold: 30 * time.Millisecond, UserPackets: 4, Seed: 11}
	e := cfg.Expect()
	tab, owner := replayGTPC(t, cfg)
	byIMSI := map[string]int{}
	for i, s := range e.PerSubscriber {
		byIMSI[s.IMSI] = i
	}
	sgwu, enb, _ := addrs(false)
	reusedBy := map[string]bool{}
	for _, s := range e.PerSubscriber {
		reusedBy[s.ReusedFrom] = true
	}
	checked := 0
	for _, s := range e.PerSubscriber {
		if s.Rejected {
			continue
		}
		if !reusedBy[s.IMSI] {
			// Nobody took s's TEIDs over: they are s's at the end.
			for _, ep := range []Endpoint{{sgwu, s.SGWUTEID}, {enb, s.ENBTEID}} {
				if j, ok := tab.Tunnel(ep.Addr, ep.TEID); !ok || tab.Subscriber(j).IMSI.String() != s.IMSI {
					t.Errorf("endpoint %v owned by %d %v, want %s", ep, j, ok, s.IMSI)
				}
			}
		}
		if s.ReusedFrom == "" {
			continue
		}
		old := e.PerSubscriber[byIMSI[s.ReusedFrom]]
		if old.SGWUTEID != s.SGWUTEID || old.ENBTEID != s.ENBTEID {
			t.Fatalf("%s reuses %s but the TEIDs differ", s.IMSI, old.IMSI)
		}
		for _, f := range append(old.Frames, s.Frames...) {
			if w := e.PerSubscriber[byIMSI[owner[f-1]]]; owner[f-1] == "" || (w.IMSI != old.IMSI && w.IMSI != s.IMSI) ||
				(w.IMSI == old.IMSI) != slices.Contains(old.Frames, f) {
				t.Errorf("frame %d attributed to %q", f, owner[f-1])
			}
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no subscriber reused TEIDs")
	}
}
