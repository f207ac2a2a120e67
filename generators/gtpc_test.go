package generators

import (
	"bytes"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/decoders/gtpc"
	"github.com/pcapflow/pcapflow/pipeline"
)

// gtpcConfigs are the scenarios the tests run.
var gtpcConfigs = []struct {
	name string
	cfg  GTPCScenario
}{
	{"ipv4-everything", GTPCScenario{Subscribers: 14, Seed: 3, Retransmit: 0.1, RejectEvery: 4, Echo: 2, UserPackets: 10,
		ReuseTEIDs: true, Hold: 30 * time.Millisecond, UEIPv6: true}},
	{"ipv6-transport", GTPCScenario{Subscribers: 5, IPv6: true, Seed: 9, UserPackets: 4, PLMN: "310260",
		APN: "ims.mnc260.mcc310.gprs", RAT: 10}},
	{"ipv4-bare", GTPCScenario{Subscribers: 3, NoDeletion: true}},
}

// gtpcWant is what one frame's GTPv2-C message must hold.
type gtpcWant struct {
	typ    gtpc.MessageType
	teid   int64 // -1: no TEID field
	imsi   string
	cause  gtpc.CauseValue // 0: none
	fteids []gtpc.FTEIDEntry
	ue4    netip.Addr
	ue6    netip.Addr
	paa    bool
}

// want returns what event e's message must decode to.
func (p *gcPlan) want(e *gcEvent) gtpcWant {
	var s *gcSubscriber
	if e.sub >= 0 {
		s = &p.subs[e.sub]
	}
	f := func(iface gtpc.InterfaceType, inst uint8, teid uint32, a netip.Addr, inBearer bool) gtpc.FTEIDEntry {
		x := gtpc.FTEIDEntry{FTEID: gtpc.FTEID{Interface: iface, TEID: teid}, Instance: inst, InBearer: inBearer}
		if a.Is4() {
			x.IPv4 = a
		} else {
			x.IPv6 = a
		}
		if inBearer {
			x.EBI = gtpcEBI
		}
		return x
	}
	switch e.kind {
	case gcEchoReq:
		return gtpcWant{typ: gtpc.EchoRequest, teid: -1}
	case gcEchoResp:
		return gtpcWant{typ: gtpc.EchoResponse, teid: -1}
	case gcCSReq:
		return gtpcWant{typ: gtpc.CreateSessionRequest, imsi: digits(p.imsi(s), 15), paa: true,
			fteids: []gtpc.FTEIDEntry{f(ifS11MME, 0, s.mmeC, p.MME, false), f(ifS5PGWC, 1, 0, p.PGW, false)}}
	case gcCSResp:
		if s.rejected {
			return gtpcWant{typ: gtpc.CreateSessionResponse, cause: gtpc.CauseNoResourcesAvailable}
		}
		return gtpcWant{typ: gtpc.CreateSessionResponse, teid: int64(s.mmeC), cause: gtpc.CauseRequestAccepted,
			paa: true, ue4: s.ue4, ue6: s.ue6, fteids: []gtpc.FTEIDEntry{f(ifS11S4SGW, 0, s.sgwC, p.SGW, false),
				f(ifS5PGWC, 1, s.pgwC, p.PGW, false), f(ifS1USGW, 0, s.sgwU, p.SGWU, true), f(ifS5PGWU, 2, s.pgwU, p.PGW, true)}}
	case gcMBReq:
		return gtpcWant{typ: gtpc.ModifyBearerRequest, teid: int64(s.sgwC),
			fteids: []gtpc.FTEIDEntry{f(ifS1UENB, 0, s.enbU, p.ENB, true)}}
	case gcMBResp:
		return gtpcWant{typ: gtpc.ModifyBearerResponse, teid: int64(s.mmeC), cause: gtpc.CauseRequestAccepted,
			fteids: []gtpc.FTEIDEntry{f(ifS1USGW, 0, s.sgwU, p.SGWU, true)}}
	case gcDSReq:
		return gtpcWant{typ: gtpc.DeleteSessionRequest, teid: int64(s.sgwC)}
	case gcDSResp:
		return gtpcWant{typ: gtpc.DeleteSessionResponse, teid: int64(s.mmeC), cause: gtpc.CauseRequestAccepted}
	}
	panic("not a GTPv2-C event")
}

// TestGTPCScenarioFrames decodes every generated frame with the project's
// own decoders (decoders and decoders/gtpc) and checks each field against
// the scenario's plan. Outer checksums and inner IPv4 checksums are checked
// by rebuilding the frames with gopacket (the tshark golden checks the
// inner IPv6 ones).
func TestGTPCScenarioFrames(t *testing.T) {
	for _, tc := range gtpcConfigs {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.cfg.plan()
			if err != nil {
				t.Fatal(err)
			}
			c := collect(t, tc.cfg)
			checkCapture(t, c, "gtpc")
			if len(c.frames) != len(p.events) {
				t.Fatalf("%d frames, plan has %d events", len(c.frames), len(p.events))
			}
			d := decoders.NewDecoder(decoders.Options{})
			var sum gtpc.Summary
			for i, f := range c.frames {
				e := &p.events[i]
				if c.infos[i].Timestamp != e.t {
					t.Fatalf("frame %d: time %d, want %d", i+1, c.infos[i].Timestamp, e.t)
				}
				var dec pipeline.Decoded
				d.Decode(f, 1, uint32(len(f)), &dec)
				if dec.Flags != 0 {
					t.Fatalf("frame %d: decode flags %b", i+1, dec.Flags)
				}
				if e.kind == gcUserUp || e.kind == gcUserDown {
					if v6, _, _ := p.gtpcUserShape(e.n); !v6 {
						reserializeOuter(t, f)
					}
					checkGTPCUser(t, i+1, p, e, &dec)
					continue
				}
				reserializeOuter(t, f)
				gtpc.Summarize(f[dec.PayloadOffset:dec.PayloadOffset+dec.PayloadLen], &sum)
				checkGTPCMessage(t, i+1, p, e, &dec, &sum)
			}
		})
	}
}

func checkGTPCUser(t *testing.T, frame int, p *gcPlan, e *gcEvent, d *pipeline.Decoded) {
	t.Helper()
	s := &p.subs[e.sub]
	v6, proto, _ := p.gtpcUserShape(e.n)
	ue, srv, layer := s.ue4, p.Server, pipeline.LayerInnerIPv4
	if v6 {
		ue, srv, layer = s.ue6, p.server6, pipeline.LayerInnerIPv6
	}
	teid, src, dst, isrc, idst := s.sgwU, p.ENB, p.SGWU, ue, srv
	if e.kind == gcUserDown {
		teid, src, dst, isrc, idst = s.enbU, p.SGWU, p.ENB, srv, ue
	}
	if !d.Layers.Has(pipeline.LayerGTPU|layer) || d.GTPType != 255 || d.TEID != teid || d.IP.Src != src ||
		d.IP.Dst != dst || d.IP.SrcPort != gtpuPort || d.IP.DstPort != gtpuPort || d.Inner.Src != isrc ||
		d.Inner.Dst != idst || d.Inner.Proto != proto {
		t.Fatalf("frame %d: G-PDU decoded as %+v; want TEID %#x %v→%v inner %v→%v proto %d",
			frame, *d, teid, src, dst, isrc, idst, proto)
	}
	if s.rejected {
		t.Fatalf("frame %d: user plane of a rejected subscriber", frame)
	}
}

func checkGTPCMessage(t *testing.T, frame int, p *gcPlan, e *gcEvent, d *pipeline.Decoded, sum *gtpc.Summary) {
	t.Helper()
	h := sum.First()
	if sum.Status != gtpc.OK || sum.NumMsgs != 1 || !d.Layers.Has(pipeline.LayerGTPC) {
		t.Fatalf("frame %d: GTPv2-C summary %+v layers %b", frame, sum, d.Layers)
	}
	src, dst := p.MME, p.SGW
	if !gcIsRequest(e.kind) {
		src, dst = dst, src
	}
	if d.IP.Src != src || d.IP.Dst != dst || d.IP.SrcPort != gtpcPort || d.IP.DstPort != gtpcPort {
		t.Fatalf("frame %d: %v:%d → %v:%d, want %v → %v port 2123", frame, d.IP.Src, d.IP.SrcPort, d.IP.Dst, d.IP.DstPort, src, dst)
	}
	w := p.want(e)
	if h.Type != w.typ || h.Seq != p.seqs[e.tx] || h.HasTEID != (w.teid >= 0) || (w.teid >= 0 && h.TEID != uint32(w.teid)) ||
		d.GTPCType != uint8(w.typ) || d.GTPCSeq != h.Seq || d.GTPCHasTEID != h.HasTEID || d.GTPCTEID != h.TEID {
		t.Fatalf("frame %d: header %+v (decode type %d seq %d TEID %v %#x), want %v seq %d TEID %d",
			frame, *h, d.GTPCType, d.GTPCSeq, d.GTPCHasTEID, d.GTPCTEID, w.typ, p.seqs[e.tx], w.teid)
	}
	if sum.HasIMSI != (w.imsi != "") || sum.IMSI.String() != w.imsi {
		t.Fatalf("frame %d: IMSI %q, want %q", frame, sum.IMSI.String(), w.imsi)
	}
	if sum.HasCause != (w.cause != 0) || sum.Cause != w.cause {
		t.Fatalf("frame %d: cause %v %v, want %v", frame, sum.HasCause, sum.Cause, w.cause)
	}
	if got := sum.StoredFTEIDs(); !slices.Equal(got, w.fteids) && !(len(got) == 0 && len(w.fteids) == 0) {
		t.Fatalf("frame %d: F-TEIDs\n got %+v\nwant %+v", frame, got, w.fteids)
	}
	if sum.HasPAA != w.paa || (w.paa && (sum.PAA.IPv4 != w.ue4 && !(sum.PAA.IPv4.IsUnspecified() && !w.ue4.IsValid()))) {
		t.Fatalf("frame %d: PAA %v %+v, want %v", frame, sum.HasPAA, sum.PAA, w.ue4)
	}
	if w.paa && p.UEIPv6 && (sum.PAA.Type != gtpc.PDNIPv4v6 || sum.PAA.PrefixLen != 64 ||
		(w.ue6.IsValid() && sum.PAA.IPv6 != w.ue6)) {
		t.Fatalf("frame %d: PAA %+v, want IPv4v6 with %v/64", frame, sum.PAA, w.ue6)
	}
	if e.kind == gcCSReq && (!sum.HasRAT || uint8(sum.RAT) != p.RAT || !sum.HasMSISDN) {
		t.Fatalf("frame %d: RAT %v %v MSISDN %v, want RAT %d", frame, sum.HasRAT, sum.RAT, sum.HasMSISDN, p.RAT)
	}
}

// TestGTPCScenarioExpect recounts the scenario from decoded frames alone
// (decoders/gtpc) and compares with Expect; the per-subscriber frame lists
// must split the capture exactly.
func TestGTPCScenarioExpect(t *testing.T) {
	for _, tc := range gtpcConfigs {
		t.Run(tc.name, func(t *testing.T) {
			c := collect(t, tc.cfg)
			e := tc.cfg.Expect()
			got := GTPCExpectation{Expectation: tallyAll(c), MessagesByType: map[uint8]int64{}}
			d := decoders.NewDecoder(decoders.Options{})
			var sum gtpc.Summary
			type txKey struct {
				src netip.Addr
				seq uint32
			}
			reqs := map[txKey]int{}
			for _, f := range c.frames {
				var dec pipeline.Decoded
				d.Decode(f, 1, uint32(len(f)), &dec)
				if dec.Layers.Has(pipeline.LayerGTPU) {
					got.GPDUs++
					continue
				}
				gtpc.Summarize(f[dec.PayloadOffset:dec.PayloadOffset+dec.PayloadLen], &sum)
				typ := sum.First().Type
				got.GTPCMessages++
				got.MessagesByType[uint8(typ)]++
				if dec.IP.Src == tc.cfg.plannedMME() {
					got.Requests++
					k := txKey{dec.IP.Src, sum.First().Seq}
					if reqs[k]++; reqs[k] == 2 {
						got.GTPCRetransmissions++
					}
				} else {
					got.Responses++
				}
				switch typ {
				case gtpc.CreateSessionResponse:
					got.Subscribers++
					if sum.Cause.Accepted() {
						got.Accepted++
					} else {
						got.Rejected++
					}
				case gtpc.DeleteSessionResponse:
					got.Deleted++
				case gtpc.EchoResponse:
					got.Echoes++
				}
			}
			got.Generator, got.Flows, got.IPPairs, got.Sessions = "gtpc", e.Flows, e.IPPairs, got.Accepted
			got.ReusedTEIDs, got.PerSubscriber, got.OtherFrames = e.ReusedTEIDs, e.PerSubscriber, e.OtherFrames
			if a, b := toJSON(t, got), toJSON(t, e); a != b {
				t.Errorf("recount differs from Expect:\n got  %s\n want %s", a, b)
			}
			// Each frame is exactly one subscriber's or other.
			owner := make([]int, len(c.frames)+1)
			claim := func(frames []int64, who int) {
				for _, f := range frames {
					if f < 1 || int(f) > len(c.frames) || owner[f] != 0 {
						t.Fatalf("frame %d claimed twice or out of range", f)
					}
					owner[f] = who
				}
			}
			claim(e.OtherFrames, -1)
			imsis := map[string]bool{}
			for i, s := range e.PerSubscriber {
				claim(s.Frames, i+1)
				if int64(len(s.Frames)) != s.ControlMessages+s.UserPackets || imsis[s.IMSI] || len(s.IMSI) != 15 {
					t.Errorf("subscriber %+v: frames and counts disagree, or IMSI repeated", s)
				}
				imsis[s.IMSI] = true
			}
			if slices.Contains(owner[1:], 0) {
				t.Errorf("some frame has no owner in Expect")
			}
		})
	}
	e := gtpcConfigs[0].cfg.Expect()
	if e.Rejected != 3 || e.GTPCRetransmissions == 0 || e.Echoes != 2 || e.ReusedTEIDs == 0 || len(e.OtherFrames) != 4 {
		t.Errorf("first config: %d rejected (want 3), %d retransmissions (want > 0), %d echoes (want 2), %d reused (want > 0)",
			e.Rejected, e.GTPCRetransmissions, e.Echoes, e.ReusedTEIDs)
	}
	for _, s := range e.PerSubscriber {
		if s.ReusedFrom == "" {
			continue
		}
		var from *GTPCSubscriber
		for k := range e.PerSubscriber {
			if e.PerSubscriber[k].IMSI == s.ReusedFrom {
				from = &e.PerSubscriber[k]
			}
		}
		if from == nil || from.SGWUTEID != s.SGWUTEID || from.ENBTEID != s.ENBTEID || from.MMETEID != s.MMETEID ||
			slices.Max(from.Frames) >= slices.Min(s.Frames) {
			t.Errorf("subscriber %s reuses the TEIDs of %s, which is not deleted before it attaches", s.IMSI, s.ReusedFrom)
		}
	}
}

// plannedMME is the MME address a config resolves to.
func (c GTPCScenario) plannedMME() netip.Addr {
	p, err := c.plan()
	if err != nil {
		return netip.Addr{}
	}
	return p.MME
}

// TestGTPCScenarioReproducible: the same config gives the same bytes, and
// another seed other identities.
func TestGTPCScenarioReproducible(t *testing.T) {
	cfg := gtpcConfigs[0].cfg
	a, b := collect(t, cfg), collect(t, cfg)
	other := cfg
	other.Seed++
	o := collect(t, other)
	if !a.equal(b) {
		t.Fatal("two runs of one config differ")
	}
	if bytes.Equal(o.frames[0], a.frames[0]) {
		t.Error("another seed gave the same Create Session Request")
	}
}

func TestGTPCScenarioValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  GTPCScenario
		ok   bool
	}{
		{"defaults", GTPCScenario{}, true},
		{"v6 nodes", GTPCScenario{MME: netip.MustParseAddr("2001:db8::1")}, true},
		{"mixed families", GTPCScenario{MME: netip.MustParseAddr("10.0.0.1"), SGW: netip.MustParseAddr("2001:db8::2")}, false},
		{"v6 server", GTPCScenario{Server: netip.MustParseAddr("2001:db8::9")}, false},
		{"negative subscribers", GTPCScenario{Subscribers: -1}, false},
		{"retransmit > 1", GTPCScenario{Retransmit: 1.5}, false},
		{"negative rate", GTPCScenario{Rate: -3}, false},
		{"negative hold", GTPCScenario{Hold: -time.Second}, false},
		{"plmn letters", GTPCScenario{PLMN: "0010a"}, false},
		{"plmn short", GTPCScenario{PLMN: "0010"}, false},
		{"apn empty label", GTPCScenario{APN: "a..b"}, false},
		{"apn long label", GTPCScenario{APN: string(bytes.Repeat([]byte{'x'}, 64))}, false},
		{"bad mac", GTPCScenario{SGWMAC: []byte{1, 2}}, false},
	} {
		if err := c.cfg.Validate(); (err == nil) != c.ok {
			t.Errorf("%s: Validate() = %v, want ok=%v", c.name, err, c.ok)
		}
	}
}

// TestGTPCIdentities: IMEIs carry a valid Luhn check digit and IMSIs keep
// the PLMN's leading zeros.
func TestGTPCIdentities(t *testing.T) {
	for _, i := range []int32{0, 1, 7, 999999} {
		v := imei(i)
		s, sum := digits(v, 15), 0
		for k := range 15 {
			d := int(s[14-k] - '0')
			if k%2 == 1 {
				if d *= 2; d > 9 {
					d -= 9
				}
			}
			sum += d
		}
		if sum%10 != 0 || s[:8] != "35693803" {
			t.Errorf("IMEI %s of subscriber %d fails the Luhn check", s, i)
		}
	}
	e := GTPCScenario{Subscribers: 2}.Expect()
	if got := e.PerSubscriber[0].IMSI; got[:5] != "00101" {
		t.Errorf("IMSI %s does not start with the PLMN 00101", got)
	}
}

// TestGTPCScenarioNoAllocs: generating a frame allocates nothing.
func TestGTPCScenarioNoAllocs(t *testing.T) {
	p, err := gtpcConfigs[0].cfg.plan()
	if err != nil {
		t.Fatal(err)
	}
	g := newGTPCGen(p)
	buf := make([]byte, 2048)
	allocs := testing.AllocsPerRun(len(p.events)-1, func() {
		n, _, ok := g.next()
		if ok {
			g.fill(buf[:n])
		}
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per frame", allocs)
	}
}

// BenchmarkGTPCScenario generates 100k frames (10,000 subscribers with
// creation, modification, four G-PDUs and deletion) into a scratch buffer.
func BenchmarkGTPCScenario(b *testing.B) {
	cfg := GTPCScenario{Subscribers: 10000, Rate: 1000, Seed: 1, UserPackets: 4}
	b.ReportAllocs()
	var frames int64
	for b.Loop() {
		p, err := cfg.plan()
		if err != nil {
			b.Fatal(err)
		}
		frames += drainFrames(newGTPCGen(p))
	}
	b.ReportMetric(float64(frames)/b.Elapsed().Seconds(), "frames/s")
}
