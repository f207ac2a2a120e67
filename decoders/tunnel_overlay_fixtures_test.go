package decoders

import (
	"encoding/binary"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Hand-built VXLAN, Geneve, GRE/ERSPAN and IP-in-IP frames. tshark 4.0
// read the same bytes with the inner addresses and ports wanted here (see
// the README's correctness section).

func vxlanHdr(vni uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte{0x08, 0, 0, 0}, vni<<8)
}

// geneveHdr builds a Geneve header with opts (a multiple of 4 bytes).
func geneveHdr(proto uint16, vni uint32, opts []byte) []byte {
	b := []byte{byte(len(opts) / 4), 0}
	b = binary.BigEndian.AppendUint16(b, proto)
	b = binary.BigEndian.AppendUint32(b, vni<<8)
	return append(b, opts...)
}

// greHdr builds a GRE header with the given flag bits (0x80 checksum,
// 0x20 key, 0x10 sequence number) and zeroed optional fields.
func greHdr(flags byte, proto uint16) []byte {
	b := binary.BigEndian.AppendUint16([]byte{flags, 0}, proto)
	for _, bit := range []byte{0x80, 0x20, 0x10} {
		if flags&bit != 0 {
			b = append(b, 1, 2, 3, 4)
		}
	}
	return b
}

func overlayFixtures(tb testing.TB) []fixture {
	tb.Helper()
	innerTCP := serialize(tb, ip4(layers.IPProtocolTCP), tcp(), gopacket.Payload("hello"))
	innerUDP6 := serialize(tb, ip6(layers.IPProtocolUDP), udp(), gopacket.Payload("0123456789"))
	innerEth := cat(ethHeader(macC, macD, etherIPv4), innerTCP)
	var fs []fixture
	add := func(f fixture) { fs = append(fs, f) }
	v4udp := func(sport, dport uint16, p []byte) []byte {
		return serialize(tb, eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolUDP), udpTo(sport, dport), gopacket.Payload(p))
	}
	v4over := func(proto layers.IPProtocol, p []byte) []byte {
		return serialize(tb, eth(layers.EthernetTypeIPv4), ip4(proto), gopacket.Payload(p))
	}
	tcpIn := func(d pipeline.Decoded, end int) pipeline.Decoded {
		d.Layers |= pipeline.LayerInnerIPv4 | pipeline.LayerInnerTCP
		d.Inner = pipeline.Flow{Src: v4A, Dst: v4B, SrcPort: 40000, DstPort: 80, Proto: 6}
		innerTCPWant(&d, end)
		return d
	}
	udp6In := func(d pipeline.Decoded, end int) pipeline.Decoded {
		d.Layers |= pipeline.LayerInnerIPv6 | pipeline.LayerInnerUDP
		d.Inner = pipeline.Flow{Src: v6A, Dst: v6B, SrcPort: 5353, DstPort: 53, Proto: 17}
		d.InnerPayloadOffset, d.InnerPayloadLen = uint32(end-10), 10
		return d
	}
	const at4 = 14 + 20 + 8
	ipOver := func(proto uint8) pipeline.Decoded { return v4Want(ethWant(0x0800), proto) }

	// VXLAN: Ethernet / IPv4 / TCP inside, and with a VLAN tag inside.
	{
		p := cat(vxlanHdr(5001), innerEth)
		d := udpWant(false, 54321, vxlanPort, at4, len(p))
		d.Layers |= pipeline.LayerVXLAN | pipeline.LayerInnerEthernet
		add(fixture{name: "vxlan-eth-ipv4-tcp", link: 1, data: v4udp(54321, vxlanPort, p), want: tcpIn(d, at4+len(p))})
		q := cat(vxlanHdr(7), ethHeader(macC, macD, etherDot1Q), vlanTag(42, etherIPv6), innerUDP6)
		e := udpWant(false, 1000, vxlanPort, at4, len(q))
		e.Layers |= pipeline.LayerVXLAN | pipeline.LayerInnerEthernet
		add(fixture{name: "vxlan-eth-vlan-ipv6-udp", link: 1, data: v4udp(1000, vxlanPort, q), want: udp6In(e, at4+len(q))})
		// From port 4789 (an ephemeral port of a DNS client, say) is not VXLAN.
		dns := []byte("\x12\x34 not vxlan")
		add(fixture{name: "udp-from-vxlan-port", link: 1, data: v4udp(vxlanPort, 53, dns),
			want: udpWant(false, vxlanPort, 53, at4, len(dns))})
		// Cut by the snap length inside the VXLAN header.
		full := v4udp(54321, vxlanPort, p)
		c := udpWant(false, 54321, vxlanPort, at4, 4)
		c.Flags |= pipeline.FlagTruncated
		add(fixture{name: "vxlan-cut-in-header", link: 1, data: full[:at4+4], orig: uint32(len(full)), want: c})
	}
	// Geneve with 8 bytes of options carrying Ethernet, and carrying IPv4 directly.
	{
		p := cat(geneveHdr(etherTEB, 9, make([]byte, 8)), innerEth)
		d := udpWant(false, 40000, genevePort, at4, len(p))
		d.Layers |= pipeline.LayerGeneve | pipeline.LayerInnerEthernet
		add(fixture{name: "geneve-options-eth-ipv4-tcp", link: 1, data: v4udp(40000, genevePort, p), want: tcpIn(d, at4+len(p))})
		q := cat(geneveHdr(etherIPv4, 9, nil), innerTCP)
		e := udpWant(false, 40000, genevePort, at4, len(q))
		e.Layers |= pipeline.LayerGeneve
		add(fixture{name: "geneve-ipv4-tcp", link: 1, data: v4udp(40000, genevePort, q), want: tcpIn(e, at4+len(q))})
	}
	// GRE: plain IPv4, key and sequence number with IPv6, transparent
	// Ethernet bridging, ERSPAN types I, II and III (with and without the
	// platform subheader).
	for _, c := range []struct {
		name  string
		gre   []byte
		inner []byte
		v6    bool
		eth   bool
	}{
		{"gre-ipv4-tcp", greHdr(0, etherIPv4), innerTCP, false, false},
		{"gre-key-seq-ipv6-udp", greHdr(0x30, etherIPv6), innerUDP6, true, false},
		{"gre-checksum-teb-ipv4-tcp", greHdr(0x80, etherTEB), innerEth, false, true},
		{"erspan1-ipv4-tcp", greHdr(0, etherERSPAN2), innerEth, false, true},
		{"erspan2-ipv4-tcp", cat(greHdr(0x10, etherERSPAN2), []byte{0x10, 0x64, 0, 0, 0, 0, 0, 1}), innerEth, false, true},
		{"erspan3-ipv4-tcp", cat(greHdr(0x10, etherERSPAN3), []byte{0x20, 0x64, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}), innerEth, false, true},
		{"erspan3-subheader-ipv4-tcp", cat(greHdr(0x10, etherERSPAN3), []byte{0x20, 0x64, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1}, make([]byte, 8)), innerEth, false, true},
	} {
		p := cat(c.gre, c.inner)
		d := ipOver(47)
		d.Layers |= pipeline.LayerGRE
		if c.eth {
			d.Layers |= pipeline.LayerInnerEthernet
		}
		end := 14 + 20 + len(p)
		if c.v6 {
			d = udp6In(d, end)
		} else {
			d = tcpIn(d, end)
		}
		add(fixture{name: c.name, link: 1, data: v4over(47, p), want: d})
	}
	// GRE version 1 (PPTP) and a GRE header with the routing bit are not followed.
	{
		d := ipOver(47)
		d.Layers |= pipeline.LayerGRE
		add(fixture{name: "gre-v1-pptp", link: 1, data: v4over(47, cat([]byte{0x30, 0x81, 0x88, 0x0b, 0, 4, 0, 1, 0, 0, 0, 1}, []byte{0xff, 0x03, 0, 0x21})), want: d})
		add(fixture{name: "gre-routing", link: 1, data: v4over(47, cat([]byte{0x40, 0, 0x08, 0}, innerTCP)), want: d})
		cut := d
		cut.Flags |= pipeline.FlagMalformed
		add(fixture{name: "gre-key-missing", link: 1, data: v4over(47, []byte{0x20, 0, 0x08, 0, 1}), want: cut})
	}
	// IP in IP: 4in4, 6in4, 4in6 (DS-Lite).
	{
		d := ipOver(4)
		d.Layers |= pipeline.LayerIPinIP
		add(fixture{name: "ipip-ipv4-tcp", link: 1, data: v4over(4, innerTCP), want: tcpIn(d, 14+20+len(innerTCP))})
		e := ipOver(41)
		e.Layers |= pipeline.LayerIPinIP
		add(fixture{name: "6in4-ipv6-udp", link: 1, data: v4over(41, innerUDP6), want: udp6In(e, 14+20+len(innerUDP6))})
		// Tunnelled ICMP keeps its type and code.
		for _, c := range []struct {
			name  string
			outer uint8
			inner []byte
			ip    pipeline.Layers
			flow  pipeline.Flow
			typ   uint8
		}{
			{"ipip-ipv4-icmp-echo", 4, serialize(tb, ip4(layers.IPProtocolICMPv4),
				&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 1, Seq: 2}, gopacket.Payload("ping")),
				pipeline.LayerInnerIPv4, pipeline.Flow{Src: v4A, Dst: v4B, Proto: 1}, 8},
			{"6in4-ipv6-icmp6-echo-reply", 41, serialize(tb, ip6(layers.IPProtocolICMPv6),
				&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(129, 0)}, gopacket.Payload("pong")),
				pipeline.LayerInnerIPv6, pipeline.Flow{Src: v6A, Dst: v6B, Proto: 58}, 129},
		} {
			d := ipOver(c.outer)
			d.Layers |= pipeline.LayerIPinIP | c.ip | pipeline.LayerInnerICMP
			d.Inner, d.InnerICMPType = c.flow, c.typ
			add(fixture{name: c.name, link: 1, data: v4over(layers.IPProtocol(c.outer), c.inner), want: d})
		}
		f := v6Want(ethWant(0x86dd), 4)
		f.Layers |= pipeline.LayerIPinIP
		add(fixture{name: "4in6-ipv4-tcp", link: 1,
			data: serialize(tb, eth(layers.EthernetTypeIPv6), ip6(layers.IPProtocolIPv4), gopacket.Payload(innerTCP)),
			want: tcpIn(f, 14+40+len(innerTCP))})
	}
	// A tunnel inside a tunnel is not followed: GRE in a G-PDU.
	{
		deepest := ip4(layers.IPProtocolTCP)
		deepest.SrcIP, deepest.DstIP = []byte{198, 51, 100, 1}, []byte{198, 51, 100, 2}
		p := gtpuMsg(255, 1, -1, serialize(tb, ip4(47), gopacket.Payload(cat(greHdr(0, etherIPv4),
			serialize(tb, deepest, tcp(), gopacket.Payload("hello"))))))
		d := udpWant(false, 2152, 2152, at4, len(p))
		d.Layers |= pipeline.LayerGTPU | pipeline.LayerInnerIPv4
		d.TEID, d.GTPType = 1, 255
		d.Inner = pipeline.Flow{Src: v4A, Dst: v4B, Proto: 47}
		add(fixture{name: "gtpu-gpdu-gre-not-followed", link: 1, data: v4udp(2152, 2152, p), want: d})
	}
	return fs
}

// TestDecap decodes every tunnel fixture with Options.Decap: the packet is
// then the tunnelled one, with the tuple, TCP fields and offsets the
// fixture wants for Inner; nothing of the outer headers is left.
func TestDecap(t *testing.T) {
	d := NewDecoder(Options{Decap: true})
	n := 0
	for _, f := range overlayFixtures(t) {
		w := f.want
		if w.Layers&(pipeline.LayerInnerIPv4|pipeline.LayerInnerIPv6) == 0 || w.Layers.Has(pipeline.LayerGTPU) {
			continue
		}
		n++
		_, w.InnerIPOffset = ipOffsets(f.data, &w)
		var got pipeline.Decoded
		d.Decode(f.data, f.link, f.origLen(), &got)
		ip := pipeline.LayerIPv4
		if w.Layers.Has(pipeline.LayerInnerIPv6) {
			ip = pipeline.LayerIPv6
		}
		switch {
		case !got.Layers.Has(pipeline.LayerDecapsulated | ip):
			t.Errorf("%s: layers %b, want decapsulated IP", f.name, got.Layers)
		case got.Layers.Has(pipeline.LayerEthernet) != w.Layers.Has(pipeline.LayerInnerEthernet):
			t.Errorf("%s: Ethernet layer %v, want %v", f.name, got.Layers.Has(pipeline.LayerEthernet), w.Layers.Has(pipeline.LayerInnerEthernet))
		case got.IP != w.Inner || got.IPOffset != w.InnerIPOffset:
			t.Errorf("%s: tuple %v at %d, want %v at %d", f.name, got.IP, got.IPOffset, w.Inner, w.InnerIPOffset)
		case got.TCPFlags != w.InnerTCPFlags || got.TCPSeq != w.InnerTCPSeq || got.ICMPType != w.InnerICMPType:
			t.Errorf("%s: TCP flags %x seq %d ICMP type %d, want %x %d %d", f.name, got.TCPFlags, got.TCPSeq, got.ICMPType,
				w.InnerTCPFlags, w.InnerTCPSeq, w.InnerICMPType)
		case w.InnerPayloadLen > 0 && (got.PayloadOffset != w.InnerPayloadOffset || got.PayloadLen != w.InnerPayloadLen):
			t.Errorf("%s: payload %d+%d, want %d+%d", f.name, got.PayloadOffset, got.PayloadLen, w.InnerPayloadOffset, w.InnerPayloadLen)
		case got.Layers&(pipeline.LayerVXLAN|pipeline.LayerGeneve|pipeline.LayerGRE|pipeline.LayerIPinIP|pipeline.LayerUDP) != 0 && w.Inner.Proto != 17:
			t.Errorf("%s: outer layers left: %b", f.name, got.Layers)
		}
	}
	if n < 10 {
		t.Fatalf("only %d tunnel fixtures", n)
	}
}
