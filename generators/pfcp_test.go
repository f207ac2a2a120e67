package generators

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"net/netip"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/decoders/gtpu"
	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/pipeline"
)

// pfcpConfigs are the scenarios the tests run.
var pfcpConfigs = []struct {
	name string
	cfg  PFCPScenario
}{
	{"ipv4-everything", PFCPScenario{Sessions: 12, Seed: 7, Retransmit: 0.3, RejectEvery: 4, VendorIE: true,
		Heartbeats: 3, UserPlane: 6, QFI: 5}},
	{"ipv6-two-modifications", PFCPScenario{Sessions: 5, IPv6: true, Seed: 9, Modifications: 2, UserPlane: 3, CPPort: 50007}},
	{"ipv4-bare", PFCPScenario{Sessions: 3, NoAssociation: true, Modifications: -1, NoDeletion: true}},
}

// reserializeOuter rebuilds the Ethernet, first IP and first UDP headers of
// a frame with gopacket computing the checksums, and fails unless the bytes
// equal the original; for a G-PDU it does the same for the inner IPv4
// packet. This checks checksums independently of the generator's code.
func reserializeOuter(t *testing.T, frame []byte) {
	t.Helper()
	var eth layers.Ethernet
	var ip4 layers.IPv4
	var ip6 layers.IPv6
	var udp layers.UDP
	if err := eth.DecodeFromBytes(frame, gopacket.NilDecodeFeedback); err != nil {
		t.Fatal(err)
	}
	var netl gopacket.NetworkLayer
	var ipl gopacket.SerializableLayer
	var rest []byte
	if eth.EthernetType == layers.EthernetTypeIPv6 {
		if err := ip6.DecodeFromBytes(eth.Payload, gopacket.NilDecodeFeedback); err != nil {
			t.Fatal(err)
		}
		netl, ipl, rest = &ip6, &ip6, ip6.Payload
	} else {
		if err := ip4.DecodeFromBytes(eth.Payload, gopacket.NilDecodeFeedback); err != nil {
			t.Fatal(err)
		}
		ip4.Checksum = 0
		netl, ipl, rest = &ip4, &ip4, ip4.Payload
	}
	if err := udp.DecodeFromBytes(rest, gopacket.NilDecodeFeedback); err != nil {
		t.Fatal(err)
	}
	udp.Checksum = 0
	if err := udp.SetNetworkLayerForChecksum(netl); err != nil {
		t.Fatal(err)
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{ComputeChecksums: true}, &eth, ipl, &udp, gopacket.Payload(udp.Payload)); err != nil {
		t.Fatal(err)
	}
	if got := buf.Bytes(); !bytes.Equal(got, frame) {
		t.Fatalf("rebuilt frame differs:\n%s\nrebuilt:\n%s", hex.Dump(frame), hex.Dump(got))
	}
	if udp.DstPort != gtpuPort {
		return
	}
	var h gtpu.Header
	if _, st := gtpu.Parse(udp.Payload, &h); st != gtpu.OK {
		t.Fatalf("G-PDU: %v", st)
	}
	inner := h.Inner(udp.Payload)
	p := gopacket.NewPacket(inner, layers.LayerTypeIPv4, gopacket.Default)
	if el := p.ErrorLayer(); el != nil {
		t.Fatalf("inner packet: %v", el.Error())
	}
	var ls []gopacket.SerializableLayer
	var in *layers.IPv4
	for _, l := range p.Layers() {
		switch l := l.(type) {
		case *layers.IPv4:
			l.Checksum = 0
			in = l
			ls = append(ls, l)
		case *layers.UDP:
			l.Checksum = 0
			_ = l.SetNetworkLayerForChecksum(in)
			ls = append(ls, l, gopacket.Payload(l.Payload))
		case *layers.TCP:
			l.Checksum = 0
			_ = l.SetNetworkLayerForChecksum(in)
			ls = append(ls, l, gopacket.Payload(l.Payload))
		case *layers.ICMPv4:
			l.Checksum = 0
			ls = append(ls, l, gopacket.Payload(l.Payload))
		}
	}
	ib := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(ib, gopacket.SerializeOptions{ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ib.Bytes(), inner) {
		t.Fatalf("rebuilt inner packet differs:\n%s\nrebuilt:\n%s", hex.Dump(inner), hex.Dump(ib.Bytes()))
	}
}

// TestPFCPScenarioFrames decodes every generated frame with the project's
// own decoders and checks each field against the scenario's plan.
func TestPFCPScenarioFrames(t *testing.T) {
	for _, tc := range pfcpConfigs {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.cfg.plan()
			if err != nil {
				t.Fatal(err)
			}
			c := collect(t, tc.cfg)
			checkCapture(t, c, "pfcp")
			if len(c.frames) != len(p.events) {
				t.Fatalf("%d frames, plan has %d events", len(c.frames), len(p.events))
			}
			d := decoders.NewDecoder(decoders.Options{PFCPPorts: []uint16{tc.cfg.CPPort}})
			var sum pfcp.Summary
			for i, f := range c.frames {
				e := &p.events[i]
				if c.infos[i].Timestamp != e.t {
					t.Fatalf("frame %d: time %d, want %d", i+1, c.infos[i].Timestamp, e.t)
				}
				reserializeOuter(t, f)
				var dec pipeline.Decoded
				d.Decode(f, 1, uint32(len(f)), &dec)
				if dec.Flags != 0 {
					t.Fatalf("frame %d: decode flags %b", i+1, dec.Flags)
				}
				payload := f[dec.PayloadOffset : dec.PayloadOffset+dec.PayloadLen]
				if e.kind == evGPDUUp || e.kind == evGPDUDown {
					checkGPDU(t, i+1, p, e, &dec)
					continue
				}
				pfcp.Summarize(payload, &sum)
				checkPFCP(t, i+1, p, e, &dec, &sum)
			}
		})
	}
}

func checkGPDU(t *testing.T, frame int, p *pfPlan, e *pfEvent, d *pipeline.Decoded) {
	t.Helper()
	s := &p.sessions[e.sess]
	up := e.kind == evGPDUUp
	wantTEID, src, dst := s.ulTEID, p.GNB, p.UP
	innerSrc, innerDst := s.ue, p.Server
	if !up {
		wantTEID, src, dst = s.dlTEID, p.UP, p.GNB
		innerSrc, innerDst = p.Server, s.ue
	}
	proto := gpduProtos[int(e.n)%3]
	if !d.Layers.Has(pipeline.LayerGTPU|pipeline.LayerInnerIPv4) || d.GTPType != 255 || d.TEID != wantTEID ||
		d.QFI != p.QFI || d.IP.Src != src || d.IP.Dst != dst || d.IP.SrcPort != gtpuPort || d.IP.DstPort != gtpuPort ||
		d.Inner.Src != innerSrc || d.Inner.Dst != innerDst || d.Inner.Proto != proto {
		t.Fatalf("frame %d: G-PDU decoded as %+v; want TEID %#x QFI %d %v→%v inner %v→%v proto %d",
			frame, *d, wantTEID, p.QFI, src, dst, innerSrc, innerDst, proto)
	}
	if s.rejected {
		t.Fatalf("frame %d: user plane for a rejected session", frame)
	}
}

func checkPFCP(t *testing.T, frame int, p *pfPlan, e *pfEvent, d *pipeline.Decoded, sum *pfcp.Summary) {
	t.Helper()
	h := &sum.Header
	if sum.Malformed || !sum.HeaderOK || sum.Messages != 1 || !d.Layers.Has(pipeline.LayerPFCP) {
		t.Fatalf("frame %d: PFCP summary %+v layers %b", frame, sum, d.Layers)
	}
	if h.Seq != p.seqs[e.tx] || d.PFCPSeq != h.Seq {
		t.Fatalf("frame %d: seq %d (decode %d), want %d", frame, h.Seq, d.PFCPSeq, p.seqs[e.tx])
	}
	req := isRequest(e.kind)
	src, dst := p.CP, p.UP
	sport, dport := p.CPPort, uint16(pfcpPort)
	if !req {
		src, dst, sport, dport = dst, src, dport, sport
	}
	if d.IP.Src != src || d.IP.Dst != dst || d.IP.SrcPort != sport || d.IP.DstPort != dport {
		t.Fatalf("frame %d: %v:%d → %v:%d, want %v:%d → %v:%d", frame, d.IP.Src, d.IP.SrcPort, d.IP.Dst, d.IP.DstPort, src, sport, dst, dport)
	}
	var s *pfSession
	if e.sess >= 0 {
		s = &p.sessions[e.sess]
	}
	type want struct {
		typ      pfcp.MessageType
		seid     int64 // -1: S=0
		fseid    uint64
		hasFSEID bool
		cause    pfcp.Cause // 0: none
		node     netip.Addr
	}
	var w want
	switch e.kind {
	case evAssocReq:
		w = want{typ: pfcp.AssociationSetupRequest, seid: -1, node: p.CP}
	case evAssocResp:
		w = want{typ: pfcp.AssociationSetupResponse, seid: -1, node: p.UP, cause: 1}
	case evHeartbeatReq:
		w = want{typ: pfcp.HeartbeatRequest, seid: -1}
	case evHeartbeatResp:
		w = want{typ: pfcp.HeartbeatResponse, seid: -1}
	case evEstReq:
		w = want{typ: pfcp.SessionEstablishmentRequest, seid: 0, fseid: s.cpSEID, hasFSEID: true, node: p.CP}
	case evEstResp:
		w = want{typ: pfcp.SessionEstablishmentResponse, seid: int64(s.cpSEID), fseid: s.upSEID, hasFSEID: true, node: p.UP, cause: 1}
		if s.rejected {
			w = want{typ: pfcp.SessionEstablishmentResponse, seid: 0, node: p.UP, cause: pfcp.CauseNoResourcesAvailable}
		}
	case evModReq:
		w = want{typ: pfcp.SessionModificationRequest, seid: int64(s.upSEID)}
	case evModResp:
		w = want{typ: pfcp.SessionModificationResponse, seid: int64(s.cpSEID), cause: 1}
	case evDelReq:
		w = want{typ: pfcp.SessionDeletionRequest, seid: int64(s.upSEID)}
	case evDelResp:
		w = want{typ: pfcp.SessionDeletionResponse, seid: int64(s.cpSEID), cause: 1}
	}
	if h.Type != w.typ || h.HasSEID != (w.seid >= 0) || (w.seid >= 0 && h.SEID != uint64(w.seid)) ||
		d.PFCPType != uint8(w.typ) || d.PFCPHasSEID != h.HasSEID || d.PFCPSEID != h.SEID {
		t.Fatalf("frame %d: type %v S %v SEID %#x, want %v SEID %d", frame, h.Type, h.HasSEID, h.SEID, w.typ, w.seid)
	}
	if (sum.NumFSEIDs == 1) != w.hasFSEID || (w.hasFSEID && sum.FSEIDs[0].SEID != w.fseid) {
		t.Fatalf("frame %d: F-SEIDs %d %+v, want %#x", frame, sum.NumFSEIDs, sum.FSEIDs[0], w.fseid)
	}
	if w.hasFSEID {
		a := sum.FSEIDs[0].IPv4
		if src.Is6() {
			a = sum.FSEIDs[0].IPv6
		}
		if a != src {
			t.Fatalf("frame %d: F-SEID address %v, want %v", frame, a, src)
		}
	}
	if sum.HasCause != (w.cause != 0) || sum.Cause != w.cause {
		t.Fatalf("frame %d: cause %v/%v, want %v", frame, sum.HasCause, sum.Cause, w.cause)
	}
	if sum.HasNodeID != w.node.IsValid() || (w.node.IsValid() && sum.NodeAddr != w.node) {
		t.Fatalf("frame %d: node id %v, want %v", frame, sum.NodeAddr, w.node)
	}
	// F-TEIDs and UE addresses.
	switch {
	case e.kind == evEstReq:
		wantVendor := 0
		if p.VendorIE {
			wantVendor = 1
		}
		if sum.NumFTEIDs != 1 || !sum.FTEIDs[0].Choose() || sum.NumUEIPs != 2 || sum.UEIPs[0].IPv4 != s.ue ||
			sum.UEIPs[0].IsDestination() || !sum.UEIPs[1].IsDestination() || sum.NumVendorIEs != wantVendor ||
			(wantVendor == 1 && sum.EnterpriseIDs[0] != pfcp.EnterpriseTravelping) {
			t.Fatalf("frame %d: establishment request F-TEIDs %d UE IPs %d %+v vendor %d", frame, sum.NumFTEIDs, sum.NumUEIPs, sum.UEIPs, sum.NumVendorIEs)
		}
	case e.kind == evEstResp && !s.rejected:
		f := sum.FTEIDs[0]
		a := f.IPv4
		if p.UP.Is6() {
			a = f.IPv6
		}
		if sum.NumFTEIDs != 1 || f.TEID != s.ulTEID || a != p.UP {
			t.Fatalf("frame %d: created F-TEID %+v, want %#x@%v", frame, f, s.ulTEID, p.UP)
		}
	default:
		if sum.NumFTEIDs != 0 || sum.NumUEIPs != 0 || sum.NumVendorIEs != 0 {
			t.Fatalf("frame %d: unexpected F-TEIDs/UE IPs/vendor IEs in %v", frame, h.Type)
		}
	}
}

// TestPFCPScenarioExpect recounts the scenario from decoded frames alone
// and compares with Expect.
func TestPFCPScenarioExpect(t *testing.T) {
	for _, tc := range pfcpConfigs {
		t.Run(tc.name, func(t *testing.T) {
			c := collect(t, tc.cfg)
			e := tc.cfg.Expect()
			got := PFCPExpectation{Expectation: tallyAll(c), MessagesByType: map[uint8]int64{}}
			d := decoders.NewDecoder(decoders.Options{PFCPPorts: []uint16{tc.cfg.CPPort}})
			var sum pfcp.Summary
			type txKey struct {
				src, dst netip.AddrPort
				seq      uint32
			}
			reqs := map[txKey]int{}
			for _, f := range c.frames {
				var dec pipeline.Decoded
				d.Decode(f, 1, uint32(len(f)), &dec)
				if dec.Layers.Has(pipeline.LayerGTPU) {
					got.GPDUs++
					continue
				}
				pfcp.Summarize(f[dec.PayloadOffset:dec.PayloadOffset+dec.PayloadLen], &sum)
				typ := sum.Header.Type
				got.PFCPMessages++
				got.MessagesByType[uint8(typ)]++
				src := netip.AddrPortFrom(dec.IP.Src, dec.IP.SrcPort)
				dst := netip.AddrPortFrom(dec.IP.Dst, dec.IP.DstPort)
				switch {
				case typ.IsRequest():
					got.Requests++
					k := txKey{src, dst, sum.Header.Seq}
					if reqs[k]++; reqs[k] == 2 {
						got.PFCPRetransmissions++
					}
				default:
					got.Responses++
				}
				switch typ {
				case pfcp.SessionEstablishmentResponse:
					got.PFCPSessions++
					if sum.Cause.Accepted() {
						got.Established++
					} else {
						got.Rejected++
					}
				case pfcp.SessionDeletionResponse:
					got.Deleted++
				case pfcp.HeartbeatResponse:
					got.Heartbeats++
				case pfcp.AssociationSetupResponse:
					got.Associations++
				}
			}
			got.Generator, got.Flows, got.IPPairs, got.Sessions = "pfcp", e.Flows, e.IPPairs, got.Established
			if a, b := toJSON(t, got), toJSON(t, e); a != b {
				t.Errorf("recount differs from Expect:\n got  %s\n want %s", a, b)
			}
			if e.PFCPMessages == 0 || (tc.cfg.UserPlane > 0 && e.GPDUs == 0) {
				t.Errorf("empty expectation %+v", e)
			}
		})
	}
	e := pfcpConfigs[0].cfg.Expect()
	if e.Rejected != 3 || e.PFCPRetransmissions == 0 || e.Heartbeats != 3 || e.Associations != 1 {
		t.Errorf("first config: %d rejected (want 3), %d retransmissions (want > 0), %d heartbeats, %d associations",
			e.Rejected, e.PFCPRetransmissions, e.Heartbeats, e.Associations)
	}
}

// TestPFCPScenarioReproducible: the same config gives the same bytes, and
// another seed other SEIDs.
func TestPFCPScenarioReproducible(t *testing.T) {
	cfg := pfcpConfigs[0].cfg
	a, b := collect(t, cfg), collect(t, cfg)
	other := cfg
	other.Seed++
	o := collect(t, other)
	if !a.equal(b) {
		t.Fatal("two runs of one config differ")
	}
	if len(o.frames) == len(a.frames) && bytes.Equal(o.frames[1], a.frames[1]) {
		t.Error("another seed gave the same establishment request")
	}
}

func TestPFCPScenarioValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  PFCPScenario
		ok   bool
	}{
		{"defaults", PFCPScenario{}, true},
		{"v6 nodes", PFCPScenario{CP: netip.MustParseAddr("2001:db8::1"), UP: netip.MustParseAddr("2001:db8::2")}, true},
		{"mixed families", PFCPScenario{CP: netip.MustParseAddr("10.0.0.1"), UP: netip.MustParseAddr("2001:db8::2")}, false},
		{"gnb family", PFCPScenario{GNB: netip.MustParseAddr("2001:db8::9")}, false},
		{"v6 server", PFCPScenario{Server: netip.MustParseAddr("2001:db8::9")}, false},
		{"negative sessions", PFCPScenario{Sessions: -1}, false},
		{"retransmit > 1", PFCPScenario{Retransmit: 1.5}, false},
		{"negative rate", PFCPScenario{Rate: -3}, false},
		{"qfi 64", PFCPScenario{QFI: 64}, false},
		{"mtu 575", PFCPScenario{MTU: 575}, false},
		{"mtu 9001", PFCPScenario{MTU: 9001}, false},
		{"mtu 1500", PFCPScenario{MTU: 1500}, true},
		{"negative hold", PFCPScenario{Hold: -time.Second}, false},
		{"bad mac", PFCPScenario{CPMAC: []byte{1, 2}}, false},
	} {
		if err := c.cfg.Validate(); (err == nil) != c.ok {
			t.Errorf("%s: Validate() = %v, want ok=%v", c.name, err, c.ok)
		}
	}
}

// BenchmarkPFCPScenario generates 200k PFCP messages (33,334 sessions of
// establishment, modification and deletion) into a scratch buffer.
func BenchmarkPFCPScenario(b *testing.B) {
	cfg := PFCPScenario{Sessions: 33334, Rate: 1000, Seed: 1, NoAssociation: true}
	b.ReportAllocs()
	var msgs int64
	for b.Loop() {
		p, err := cfg.plan()
		if err != nil {
			b.Fatal(err)
		}
		msgs += drainFrames(newPFCPGen(p))
	}
	b.ReportMetric(float64(msgs)/b.Elapsed().Seconds(), "msgs/s")
}

// toJSON renders v for comparison in failure messages.
func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPFCPScenarioMTU generates the same scenario with and without an MTU:
// the frames are the same except that each G-PDU datagram too large for
// the MTU comes as consecutive IP fragments (IPv4, or IPv6 fragment
// headers), none larger than the MTU, with valid IPv4 header checksums,
// whose data put back together is the unfragmented frame's UDP datagram.
func TestPFCPScenarioMTU(t *testing.T) {
	for _, v6 := range []bool{false, true} {
		cfg := PFCPScenario{Sessions: 6, UserPlane: 16, QFI: 5, IPv6: v6, Seed: 3}
		whole := collect(t, cfg)
		cfg.MTU = 576
		frag := collect(t, cfg)
		l3 := 20
		if v6 {
			l3 = 40
		}
		var datagrams, fragmented int
		j := 0
		for i := 0; i < len(whole.frames); i++ {
			w := whole.frames[i]
			if j >= len(frag.frames) {
				t.Fatalf("v6=%v: fragmented capture ends at frame %d of %d", v6, j, len(whole.frames))
			}
			if len(w)-14 <= cfg.MTU {
				if !bytes.Equal(w, frag.frames[j]) {
					t.Fatalf("v6=%v: frame %d differs from unfragmented frame %d", v6, j+1, i+1)
				}
				j++
				continue
			}
			datagrams++
			var data []byte
			for more := true; more; j++ {
				if j >= len(frag.frames) {
					t.Fatalf("v6=%v: fragments of frame %d cut short", v6, i+1)
				}
				f := frag.frames[j][14:]
				if len(f) > cfg.MTU {
					t.Errorf("v6=%v: fragment frame %d has a %d-byte IP packet, MTU %d", v6, j+1, len(f), cfg.MTU)
				}
				var off int
				var chunk []byte
				if v6 {
					if f[6] != 44 {
						t.Fatalf("v6=%v: frame %d has no fragment header", v6, j+1)
					}
					fo := binary.BigEndian.Uint16(f[42:])
					off, more = int(fo&^7), fo&1 != 0
					chunk = f[48 : 40+int(binary.BigEndian.Uint16(f[4:]))]
				} else {
					if checksum(sum(0, f[:20])) != 0 {
						t.Errorf("v6=%v: frame %d: bad IPv4 header checksum", v6, j+1)
					}
					fo := binary.BigEndian.Uint16(f[6:])
					off, more = int(fo&0x1fff)*8, fo&0x2000 != 0
					chunk = f[20:binary.BigEndian.Uint16(f[2:])]
				}
				if off != len(data) {
					t.Fatalf("v6=%v: frame %d: fragment offset %d after %d bytes", v6, j+1, off, len(data))
				}
				data = append(data, chunk...)
				fragmented++
			}
			if !bytes.Equal(data, w[14+l3:]) {
				t.Errorf("v6=%v: fragments of frame %d do not make its UDP datagram", v6, i+1)
			}
		}
		if j != len(frag.frames) || datagrams == 0 || fragmented < 2*datagrams {
			t.Errorf("v6=%v: %d of %d frames matched, %d datagrams in %d fragments", v6, j, len(frag.frames), datagrams, fragmented)
		}
		if e := cfg.Expect(); e.Fragments != int64(fragmented) || e.Packets != int64(len(frag.frames)) {
			t.Errorf("v6=%v: expectation counts %d fragments in %d packets, want %d in %d", v6, e.Fragments, e.Packets, fragmented, len(frag.frames))
		}
	}
}
