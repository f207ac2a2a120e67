package decoders

import (
	"encoding/binary"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Hand-built GTP-U, GTP-C and PFCP frames. The byte builders below follow
// TS 29.281 (GTPv1-U), TS 29.274 (GTPv2-C) and TS 29.244 (PFCP) header
// layouts.

// gtpuMsg builds a GTPv1-U message. qfi >= 0 adds an UL PDU Session
// Container with that QFI (E flag, sequence 0x1234).
func gtpuMsg(typ uint8, teid uint32, qfi int, body []byte) []byte {
	b := []byte{0x30, typ, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[4:], teid)
	if qfi >= 0 {
		b[0] |= 0x04 | 0x02
		b = append(b, 0x12, 0x34, 0, 0x85, 1, 0x10, uint8(qfi), 0)
	}
	b = append(b, body...)
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)-8))
	return b
}

// gtpv2Msg builds a GTPv2-C message with a TEID when hasTEID.
func gtpv2Msg(typ uint8, hasTEID bool, teid, seq uint32, body []byte) []byte {
	b := []byte{0x40, typ, 0, 0}
	if hasTEID {
		b[0] |= 0x08
		b = binary.BigEndian.AppendUint32(b, teid)
	}
	b = append(b, byte(seq>>16), byte(seq>>8), byte(seq), 0)
	b = append(b, body...)
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)-4))
	return b
}

// gtpv1cMsg builds a GTPv1-C message with a sequence number.
func gtpv1cMsg(typ uint8, teid uint32, seq uint16, body []byte) []byte {
	b := []byte{0x32, typ, 0, 0, 0, 0, 0, 0, byte(seq >> 8), byte(seq), 0, 0}
	binary.BigEndian.PutUint32(b[4:], teid)
	b = append(b, body...)
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)-8))
	return b
}

// pfcpMsg builds a PFCP message; seid >= 0 makes it a session message (S=1).
func pfcpMsg(typ uint8, seid int64, seq uint32, fo bool, body []byte) []byte {
	b := []byte{0x20, typ, 0, 0}
	if seid >= 0 {
		b[0] |= 0x01
		b = binary.BigEndian.AppendUint64(b, uint64(seid))
	}
	if fo {
		b[0] |= 0x04
	}
	b = append(b, byte(seq>>16), byte(seq>>8), byte(seq), 0)
	b = append(b, body...)
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)-4))
	return b
}

// udpTo is a UDP header between a client port and a service port.
func udpTo(sport, dport uint16) *layers.UDP {
	return &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
}

// udpWant fills the outer Ethernet/IP/UDP fields of a tunnel fixture.
func udpWant(v6 bool, sport, dport uint16, payloadAt, payloadLen int) pipeline.Decoded {
	var d pipeline.Decoded
	if v6 {
		d = v6Want(ethWant(0x86dd), 17)
	} else {
		d = v4Want(ethWant(0x0800), 17)
	}
	d.Layers |= pipeline.LayerUDP
	d.IP.SrcPort, d.IP.DstPort = sport, dport
	return withPayload(d, payloadAt, payloadLen)
}

// tunnelFixtures returns the mobile-core frames; fixtures() includes them.
func tunnelFixtures(tb testing.TB) []fixture {
	tb.Helper()
	innerTCP := serialize(tb, ip4(layers.IPProtocolTCP), tcp(), gopacket.Payload("hello"))
	innerUDP6 := serialize(tb, ip6(layers.IPProtocolUDP), udp(), gopacket.Payload("0123456789"))
	var fs []fixture
	add := func(f fixture) { fs = append(fs, f) }
	v4frame := func(sport, dport uint16, p []byte) []byte {
		return serialize(tb, eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolUDP), udpTo(sport, dport), gopacket.Payload(p))
	}
	v6frame := func(sport, dport uint16, p []byte) []byte {
		return serialize(tb, eth(layers.EthernetTypeIPv6), ip6(layers.IPProtocolUDP), udpTo(sport, dport), gopacket.Payload(p))
	}
	const at4, at6 = 14 + 20 + 8, 14 + 40 + 8

	// G-PDU carrying IPv4/TCP.
	{
		p := gtpuMsg(255, 0xdeadbeef, -1, innerTCP)
		d := udpWant(false, 2152, 2152, at4, len(p))
		d.Layers |= pipeline.LayerGTPU | pipeline.LayerInnerIPv4 | pipeline.LayerInnerTCP
		d.TEID, d.GTPType = 0xdeadbeef, 255
		d.Inner = pipeline.Flow{Src: v4A, Dst: v4B, SrcPort: 40000, DstPort: 80, Proto: 6}
		innerTCPWant(&d, at4+len(p))
		add(fixture{name: "gtpu-gpdu-ipv4-tcp", link: 1, data: v4frame(2152, 2152, p), want: d})
	}
	// G-PDU over IPv6 with a PDU Session Container (QFI 9) carrying IPv6/UDP.
	{
		p := gtpuMsg(255, 7, 9, innerUDP6)
		d := udpWant(true, 40001, 2152, at6, len(p))
		d.Layers |= pipeline.LayerGTPU | pipeline.LayerInnerIPv6 | pipeline.LayerInnerUDP
		d.TEID, d.GTPType, d.QFI = 7, 255, 9
		d.Inner = pipeline.Flow{Src: v6A, Dst: v6B, SrcPort: 5353, DstPort: 53, Proto: 17}
		d.InnerPayloadOffset, d.InnerPayloadLen = uint32(at6+len(p)-10), 10 // "0123456789" ends the frame
		add(fixture{name: "gtpu-ipv6-qfi-gpdu-ipv6-udp", link: 1, data: v6frame(40001, 2152, p), want: d})
	}
	// Echo request: no inner packet.
	{
		p := gtpuMsg(1, 0, -1, []byte{0x0e, 0x05})
		d := udpWant(false, 2152, 2152, at4, len(p))
		d.Layers |= pipeline.LayerGTPU
		d.GTPType = 1
		add(fixture{name: "gtpu-echo", link: 1, data: v4frame(2152, 2152, p), want: d})
	}
	// G-PDU on an extra port (Options.GTPUPorts) is not decoded by default.
	{
		p := gtpuMsg(255, 1, -1, innerTCP)
		add(fixture{name: "gtpu-other-port-ignored", link: 1, data: v4frame(3000, 3001, p),
			want: udpWant(false, 3000, 3001, at4, len(p))})
	}
	// The GTP-U length announces 8 more bytes than the complete datagram.
	{
		p := gtpuMsg(255, 2, -1, innerTCP)
		binary.BigEndian.PutUint16(p[2:], uint16(len(p))) // header counted too
		d := udpWant(false, 2152, 2152, at4, len(p))
		d.Layers |= pipeline.LayerGTPU | pipeline.LayerInnerIPv4 | pipeline.LayerInnerTCP
		d.TEID, d.GTPType = 2, 255
		d.Inner = pipeline.Flow{Src: v4A, Dst: v4B, SrcPort: 40000, DstPort: 80, Proto: 6}
		innerTCPWant(&d, at4+len(p))
		d.Flags |= pipeline.FlagMalformed
		add(fixture{name: "gtpu-length-too-long", link: 1, data: v4frame(2152, 2152, p), want: d})
	}
	// Snap-length cut inside the inner TCP header: truncated, not malformed.
	{
		p := gtpuMsg(255, 3, -1, innerTCP)
		full := v4frame(2152, 2152, p)
		cut := at4 + 8 + 20 + 10
		d := udpWant(false, 2152, 2152, at4, cut-at4)
		d.Layers |= pipeline.LayerGTPU | pipeline.LayerInnerIPv4
		d.TEID, d.GTPType = 3, 255
		d.Inner = pipeline.Flow{Src: v4A, Dst: v4B, SrcPort: 40000, DstPort: 80, Proto: 6}
		d.Flags |= pipeline.FlagTruncated
		add(fixture{name: "gtpu-snap-cut-inner-tcp", link: 1, data: full[:cut], orig: uint32(len(full)), want: d})
	}
	// Not GTPv1 on the GTP-U port (version 2): malformed, no layer.
	{
		p := gtpv2Msg(1, false, 0, 1, nil)
		d := udpWant(false, 2152, 2152, at4, len(p))
		d.Flags |= pipeline.FlagMalformed
		add(fixture{name: "gtpu-port-version-2", link: 1, data: v4frame(2152, 2152, p), want: d})
	}
	// GTPv2-C Create Session Request (no TEID yet) and a response with one.
	{
		p := gtpv2Msg(32, false, 0, 0x4b5462, []byte{1, 0, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8})
		d := udpWant(false, 40000, 2123, at4, len(p))
		d.Layers |= pipeline.LayerGTPC
		d.GTPCType, d.GTPCSeq = 32, 0x4b5462
		add(fixture{name: "gtpv2c-create-session-request", link: 1, data: v4frame(40000, 2123, p), want: d})

		q := gtpv2Msg(33, true, 0x35529204, 0x4b5462, nil)
		e := udpWant(true, 2123, 40000, at6, len(q))
		e.Layers |= pipeline.LayerGTPC
		e.GTPCType, e.GTPCSeq, e.GTPCHasTEID, e.GTPCTEID = 33, 0x4b5462, true, 0x35529204
		add(fixture{name: "gtpv2c-ipv6-create-session-response", link: 1, data: v6frame(2123, 40000, q), want: e})
	}
	// GTPv1-C Create PDP Context Request: GTPType marks version 1.
	{
		p := gtpv1cMsg(16, 0x32f02bf9, 77, []byte{0x0e, 0x01})
		d := udpWant(false, 2123, 2123, at4, len(p))
		d.Layers |= pipeline.LayerGTPC
		d.GTPCType, d.GTPType, d.GTPCHasTEID, d.GTPCTEID, d.GTPCSeq = 16, 16, true, 0x32f02bf9, 77
		add(fixture{name: "gtpv1c-create-pdp", link: 1, data: v4frame(2123, 2123, p), want: d})
	}
	// GTPv2-C header announcing more than the complete datagram holds.
	{
		p := gtpv2Msg(34, true, 9, 5, nil)
		binary.BigEndian.PutUint16(p[2:], 42)
		d := udpWant(false, 2123, 2123, at4, len(p))
		d.Layers |= pipeline.LayerGTPC
		d.GTPCType, d.GTPCSeq, d.GTPCHasTEID, d.GTPCTEID = 34, 5, true, 9
		d.Flags |= pipeline.FlagMalformed
		add(fixture{name: "gtpv2c-length-beyond-datagram", link: 1, data: v4frame(2123, 2123, p), want: d})
	}
	// PFCP: a node message over IPv4, a session message over IPv6.
	{
		p := pfcpMsg(5, -1, 1, false, []byte{0, 60, 0, 5, 0, 10, 0, 0, 1})
		d := udpWant(false, 8805, 8805, at4, len(p))
		d.Layers |= pipeline.LayerPFCP
		d.PFCPType, d.PFCPSeq, d.PFCPMessages = 5, 1, 1
		add(fixture{name: "pfcp-association-setup", link: 1, data: v4frame(8805, 8805, p), want: d})

		q := pfcpMsg(51, 0x4000000000001, 1280, false, []byte{0, 19, 0, 1, 1})
		e := udpWant(true, 8805, 50007, at6, len(q))
		e.Layers |= pipeline.LayerPFCP
		e.PFCPType, e.PFCPSeq, e.PFCPHasSEID, e.PFCPSEID, e.PFCPMessages = 51, 1280, true, 0x4000000000001, 1
		add(fixture{name: "pfcp-ipv6-establishment-response", link: 1, data: v6frame(8805, 50007, q), want: e})
	}
	// Two PFCP messages chained with FO.
	{
		p := append(pfcpMsg(1, -1, 7, true, []byte{0, 96, 0, 4, 1, 2, 3, 4}), pfcpMsg(2, -1, 8, false, nil)...)
		d := udpWant(false, 8805, 8805, at4, len(p))
		d.Layers |= pipeline.LayerPFCP
		d.PFCPType, d.PFCPSeq, d.PFCPMessages = 1, 7, 2
		add(fixture{name: "pfcp-follow-on", link: 1, data: v4frame(8805, 8805, p), want: d})
	}
	// PFCP problems: bad version, trailing bytes, length past a complete
	// datagram, a snap-length cut, a datagram too short for a header.
	{
		p := pfcpMsg(1, -1, 7, false, nil)
		p[0] = 0x40 | p[0]&0x1f
		d := udpWant(false, 8805, 8805, at4, len(p))
		d.Layers |= pipeline.LayerPFCP
		d.PFCPType, d.PFCPSeq, d.PFCPMessages = 1, 7, 1
		d.Flags |= pipeline.FlagMalformed
		add(fixture{name: "pfcp-version-2", link: 1, data: v4frame(8805, 8805, p), want: d})

		q := append(pfcpMsg(2, -1, 9, false, nil), 0xff, 0xff)
		e := udpWant(false, 8805, 8805, at4, len(q))
		e.Layers |= pipeline.LayerPFCP
		e.PFCPType, e.PFCPSeq, e.PFCPMessages = 2, 9, 1
		e.Flags |= pipeline.FlagMalformed
		add(fixture{name: "pfcp-trailing-bytes", link: 1, data: v4frame(8805, 8805, q), want: e})

		r := pfcpMsg(52, 0x11, 3, false, []byte{0, 19, 0, 1, 1})
		binary.BigEndian.PutUint16(r[2:], 100)
		g := udpWant(false, 8805, 8805, at4, len(r))
		g.Layers |= pipeline.LayerPFCP
		g.PFCPType, g.PFCPSeq, g.PFCPHasSEID, g.PFCPSEID, g.PFCPMessages = 52, 3, true, 0x11, 1
		g.Flags |= pipeline.FlagMalformed
		add(fixture{name: "pfcp-length-beyond-datagram", link: 1, data: v4frame(8805, 8805, r), want: g})

		full := v4frame(8805, 8805, pfcpMsg(52, 0x11, 3, false, []byte{0, 19, 0, 1, 1}))
		h := udpWant(false, 8805, 8805, at4, 18)
		h.Layers |= pipeline.LayerPFCP
		h.PFCPType, h.PFCPSeq, h.PFCPHasSEID, h.PFCPSEID, h.PFCPMessages = 52, 3, true, 0x11, 1
		h.Flags |= pipeline.FlagTruncated
		add(fixture{name: "pfcp-snap-cut", link: 1, data: full[:at4+18], orig: uint32(len(full)), want: h})

		s := []byte{0x21, 52, 0, 12, 0}
		k := udpWant(false, 8805, 8805, at4, len(s))
		k.Flags |= pipeline.FlagMalformed
		add(fixture{name: "pfcp-too-short", link: 1, data: v4frame(8805, 8805, s), want: k})
	}
	// PFCP quoted by an ICMP port unreachable: the frame is ICMP, not PFCP.
	{
		quoted := serialize(tb, ip4(layers.IPProtocolUDP), udpTo(8805, 8805), gopacket.Payload(pfcpMsg(5, -1, 1, false, nil)))
		d := v4Want(ethWant(0x0800), 1)
		d.Layers |= pipeline.LayerICMPv4
		d.Flags |= pipeline.FlagInICMPError
		d.ICMPType, d.ICMPCode = 3, 3
		add(fixture{name: "pfcp-in-icmp-error", link: 1,
			data: serialize(tb, eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolICMPv4),
				&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(3, 3)}, gopacket.Payload(quoted)),
			want: withPayload(d, 14+20+8, len(quoted))})
	}
	// In these frames every problem flag comes from the GTP/PFCP content
	// (the outer headers are sound), so the stage must count each one as a
	// tunnel problem too.
	for i := range fs {
		if fs[i].want.Flags.Has(pipeline.FlagMalformed) {
			fs[i].tunnel |= tunnelMalformed
		}
		if fs[i].want.Flags.Has(pipeline.FlagTruncated) {
			fs[i].tunnel |= tunnelTruncated
		}
	}
	return fs
}

// TestDecodeExtraPorts decodes tunnels on ports added with the Options lists.
func TestDecodeExtraPorts(t *testing.T) {
	innerTCP := serialize(t, ip4(layers.IPProtocolTCP), tcp(), gopacket.Payload("hello"))
	frame := func(sport, dport uint16, p []byte) []byte {
		return serialize(t, eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolUDP), udpTo(sport, dport), gopacket.Payload(p))
	}
	d := NewDecoder(Options{GTPUPorts: []uint16{3000}, GTPCPorts: []uint16{2124}, PFCPPorts: []uint16{8806}})
	for _, c := range []struct {
		name  string
		data  []byte
		layer pipeline.Layers
	}{
		{"gtpu", frame(3000, 3001, gtpuMsg(255, 1, -1, innerTCP)), pipeline.LayerGTPU | pipeline.LayerInnerIPv4 | pipeline.LayerInnerTCP},
		{"gtpu-default-kept", frame(2152, 2152, gtpuMsg(255, 1, -1, innerTCP)), pipeline.LayerGTPU | pipeline.LayerInnerIPv4 | pipeline.LayerInnerTCP},
		{"gtpc", frame(1, 2124, gtpv2Msg(1, false, 0, 1, nil)), pipeline.LayerGTPC},
		{"pfcp", frame(8806, 1, pfcpMsg(1, -1, 1, false, nil)), pipeline.LayerPFCP},
	} {
		var out pipeline.Decoded
		d.Decode(c.data, 1, uint32(len(c.data)), &out)
		if !out.Layers.Has(c.layer) || out.Flags != 0 {
			t.Errorf("%s: layers %b flags %b, want layers %b", c.name, out.Layers, out.Flags, c.layer)
		}
	}
}

// TestGTPCVersion checks the convention that tells GTPv1-C from GTPv2-C.
func TestGTPCVersion(t *testing.T) {
	for _, c := range []struct {
		d    pipeline.Decoded
		want uint8
	}{
		{pipeline.Decoded{}, 0},
		{pipeline.Decoded{Layers: pipeline.LayerGTPC, GTPCType: 32}, 2},
		{pipeline.Decoded{Layers: pipeline.LayerGTPC, GTPCType: 16, GTPType: 16}, 1},
		{pipeline.Decoded{Layers: pipeline.LayerGTPU, GTPType: 255}, 0},
	} {
		if got := GTPCVersion(&c.d); got != c.want {
			t.Errorf("GTPCVersion(%+v) = %d, want %d", c.d, got, c.want)
		}
	}
}

// innerTCPWant sets the inner TCP fields of tcp() carrying "hello", the
// last bytes of a frame that ends at end.
func innerTCPWant(d *pipeline.Decoded, end int) {
	d.InnerTCPSeq, d.InnerTCPAck, d.InnerTCPWindow = 1000, 2000, 65535
	d.InnerTCPFlags = pipeline.TCPSyn | pipeline.TCPAck | pipeline.TCPNs
	d.InnerPayloadOffset, d.InnerPayloadLen = uint32(end-5), 5
}
