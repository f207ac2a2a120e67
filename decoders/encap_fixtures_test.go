package decoders

import (
	"encoding/binary"

	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Hand-built frames for MPLS, Ethernet pseudowires and PPPoE. tshark 4.0
// read the same shapes (generated with the same header bytes) as
// eth:mpls:ip, eth:mpls:ipv6, eth:mpls:pwethcw:eth:ip, eth:vlan:mpls:ip,
// eth:pppoes:ppp:ip and eth:pppoes:ppp:ipv6, pseudowires nested four deep
// included, with ip.src, the ports and the first mpls.label and vlan.id
// equal to the fields wanted here. It differs on a pseudowire without
// control word whose MAC addresses it cannot look up in its OUI table (see
// eth-mpls-pw-nocw-ipv4-tcp), and it follows pseudowires nested deeper
// than maxPWDepth (eth-mpls-pw-too-deep).

var (
	macC = [6]byte{0x02, 0x0c, 0x0c, 0x0c, 0x0c, 0x0c}
	macD = [6]byte{0x00, 0x0d, 0x0d, 0x0d, 0x0d, 0x0d}
)

// mplsStack builds a label stack with the bottom-of-stack bit on the last
// entry and TTL 64.
func mplsStack(labels ...uint32) []byte {
	var b []byte
	for i, l := range labels {
		e := l<<12 | 64
		if i == len(labels)-1 {
			e |= mplsBottomOfStack
		}
		b = binary.BigEndian.AppendUint32(b, e)
	}
	return b
}

// ethHeader builds an Ethernet header from macA to macB (outer frames) or
// between other addresses (pseudowire frames).
func ethHeader(dst, src [6]byte, etype uint16) []byte {
	return binary.BigEndian.AppendUint16(cat(dst[:], src[:]), etype)
}

func vlanTag(id, etype uint16) []byte {
	return binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint16(nil, id), etype)
}

// pppoeHeader builds a PPPoE session header for a PPP frame of n bytes.
func pppoeHeader(session uint16, n int) []byte {
	return binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint16([]byte{0x11, 0x00}, session), uint16(n))
}

func encapFixtures(tb testing.TB) []fixture {
	tb.Helper()
	ipTCP := serialize(tb, ip4(layers.IPProtocolTCP), tcp(), gopacket.Payload("hello"))
	ip4UDP := serialize(tb, ip4(layers.IPProtocolUDP), udp(), gopacket.Payload("0123456789"))
	ip6UDP := serialize(tb, ip6(layers.IPProtocolUDP), udp(), gopacket.Payload("0123456789"))
	ip6TCP := serialize(tb, ip6(layers.IPProtocolTCP), tcp(), gopacket.Payload("hello"))
	outer := ethHeader(macB, macA, etherMPLS)
	cw := []byte{0, 0, 0, 0}

	mpls := func(d pipeline.Decoded, label uint32) pipeline.Decoded {
		d.Layers |= pipeline.LayerMPLS
		d.MPLSLabel = label
		return d
	}
	udpOf := func(d pipeline.Decoded, off int) pipeline.Decoded {
		d.Layers |= pipeline.LayerUDP
		d.IP.SrcPort, d.IP.DstPort = 5353, 53
		return withPayload(d, off, 10)
	}
	var fs []fixture
	add := func(f fixture) { fs = append(fs, f) }

	add(fixture{name: "eth-mpls-ipv4-tcp", link: 1, data: cat(outer, mplsStack(100), ipTCP),
		want: withPayload(tcpWant(v4Want(mpls(ethWant(etherMPLS), 100), 6)), 14+4+20+32, 5)})
	add(fixture{name: "eth-mpls2-ipv6-udp", link: 1, data: cat(outer, mplsStack(16, 1<<20-1), ip6UDP),
		want: udpOf(v6Want(mpls(ethWant(etherMPLS), 16), 17), 14+8+40+8)})
	add(fixture{name: "eth-mpls-multicast-ipv4-udp", link: 1,
		data: cat(ethHeader(macB, macA, etherMPLSMulti), mplsStack(7), ip4UDP),
		want: udpOf(v4Want(mpls(ethWant(etherMPLSMulti), 7), 17), 14+4+20+8)})
	{
		v := tcpWant(v4Want(mpls(ethWant(etherMPLS), 200), 6))
		v.Layers |= pipeline.LayerVLAN
		v.VLAN, v.NumVLAN = [2]uint16{5, 0}, 1
		add(fixture{name: "eth-vlan-mpls-ipv4-tcp", link: 1,
			data: cat(ethHeader(macB, macA, etherDot1Q), vlanTag(5, etherMPLS), mplsStack(200), ipTCP),
			want: withPayload(v, 14+4+4+20+32, 5)})
	}
	{
		v := tcpWant(v4Want(pipeline.Decoded{Layers: pipeline.LayerLinuxSLL, EthSrc: macA, EtherType: etherMPLS}, 6))
		add(fixture{name: "sll-mpls-ipv4-tcp", link: 113, data: cat(sllHeader(etherMPLS), mplsStack(300), ipTCP),
			want: withPayload(mpls(v, 300), 16+4+20+32, 5)})
	}

	// Ethernet pseudowires: with the control word, without it, with VLAN
	// tags on both sides.
	pw := func(d pipeline.Decoded) pipeline.Decoded {
		d.Layers |= pipeline.LayerPWEthernet
		return d
	}
	add(fixture{name: "eth-mpls-pw-cw-ipv4-tcp", link: 1,
		data: cat(outer, mplsStack(300), cw, ethHeader(macC, macD, etherIPv4), ipTCP),
		want: withPayload(tcpWant(v4Want(pw(mpls(ethWant(etherMPLS), 300)), 6)), 14+4+4+14+20+32, 5)})
	// tshark takes the first four bytes (00 0d 0d 0d) as a control word
	// here, unless it knows the MAC addresses' OUIs.
	add(fixture{name: "eth-mpls-pw-nocw-ipv4-tcp", link: 1,
		data: cat(outer, mplsStack(300), ethHeader(macD, macC, etherIPv4), ipTCP),
		want: withPayload(tcpWant(v4Want(pw(mpls(ethWant(etherMPLS), 300)), 6)), 14+4+14+20+32, 5)})
	{
		v := udpOf(v6Want(pw(mpls(ethWant(etherMPLS), 301)), 17), 14+4+4+4+14+4+4+40+8)
		v.Layers |= pipeline.LayerVLAN
		v.VLAN, v.NumVLAN, v.PWVLANs = [2]uint16{10, 20}, 3, 2
		add(fixture{name: "eth-vlan-mpls-pw-cw-qinq-ipv6-udp", link: 1,
			data: cat(ethHeader(macB, macA, etherDot1Q), vlanTag(10, etherMPLS), mplsStack(301), cw,
				ethHeader(macC, macD, etherQinQ), vlanTag(20, etherDot1Q), vlanTag(30, etherIPv6), ip6UDP),
			want: v})
	}
	{
		// Pseudowires nest maxPWDepth deep; the label is the outermost.
		nest := func(n int) []byte {
			b := outer
			for i := range n {
				b = cat(b, mplsStack(uint32(1000+i)), cw, ethHeader(macC, macD, etherMPLS))
			}
			return b
		}
		deep := nest(maxPWDepth)
		add(fixture{name: "eth-mpls-pw-in-pw", link: 1, data: cat(deep, mplsStack(9), ipTCP),
			want: withPayload(tcpWant(v4Want(pw(mpls(ethWant(etherMPLS), 1000)), 6)), len(deep)+4+20+32, 5)})
		add(fixture{name: "eth-mpls-pw-too-deep", link: 1, data: cat(deep, mplsStack(9), cw, ethHeader(macC, macD, etherIPv4), ipTCP),
			want: pw(mpls(ethWant(etherMPLS), 1000))})
	}
	// A pseudowire associated channel (first nibble 1) is not decoded.
	add(fixture{name: "eth-mpls-ach", link: 1, data: cat(outer, mplsStack(13), []byte{0x10, 0, 0, 0x07}, make([]byte, 20)),
		want: mpls(ethWant(etherMPLS), 13)})
	{
		// A stack without its bottom entry runs to the end of the frame.
		stack := []byte{0x00, 0x06, 0x40, 0x40, 0x00, 0x07, 0x40, 0x40}
		cut := mpls(ethWant(etherMPLS), 100)
		cut.Flags |= pipeline.FlagTruncated
		add(fixture{name: "eth-mpls-stack-cut", link: 1, data: cat(outer, stack), orig: 100, want: cut})
		bad := cut
		bad.Flags = pipeline.FlagMalformed
		add(fixture{name: "eth-mpls-no-bottom", link: 1, data: cat(outer, stack, []byte{1, 2}), want: bad})
	}

	// PPPoE sessions.
	pppoe := func(d pipeline.Decoded) pipeline.Decoded {
		d.Layers |= pipeline.LayerPPPoE
		return d
	}
	session := ethHeader(macB, macA, etherPPPoESession)
	add(fixture{name: "eth-pppoe-ipv4-udp", link: 1,
		data: cat(session, pppoeHeader(0x1234, 2+len(ip4UDP)), []byte{0x00, 0x21}, ip4UDP),
		want: udpOf(v4Want(pppoe(ethWant(etherPPPoESession)), 17), 14+6+2+20+8)})
	add(fixture{name: "eth-pppoe-pfc-ipv6-tcp", link: 1,
		data: cat(session, pppoeHeader(7, 1+len(ip6TCP)), []byte{0x57}, ip6TCP),
		want: withPayload(tcpWant(v6Want(pppoe(ethWant(etherPPPoESession)), 6)), 14+6+1+40+32, 5)})
	add(fixture{name: "eth-pppoe-lcp", link: 1,
		data: cat(session, pppoeHeader(7, 6), []byte{0xc0, 0x21, 0x09, 0x01, 0x00, 0x04}),
		want: pppoe(ethWant(etherPPPoESession))})
	{
		// Version, type and code are not checked, as in tshark.
		add(fixture{name: "eth-pppoe-version-2", link: 1,
			data: cat(session, []byte{0x21, 0x00, 0, 7, 0, 30}, []byte{0x00, 0x21}, ip4UDP),
			want: udpOf(v4Want(pppoe(ethWant(etherPPPoESession)), 17), 14+6+2+20+8)})
		cut := pppoe(ethWant(etherPPPoESession))
		cut.Flags |= pipeline.FlagTruncated
		add(fixture{name: "eth-pppoe-cut-in-protocol", link: 1,
			data: cat(session, pppoeHeader(7, 22), []byte{0x00}), orig: 80, want: cut})
	}
	// PPP and Cisco HDLC link types.
	{
		link := func(name string, lt uint16, data []byte, d pipeline.Decoded) {
			add(fixture{name: name, link: lt, data: data, want: d})
		}
		tcpV4 := func(l pipeline.Layers, etype uint16, off int) pipeline.Decoded {
			return withPayload(tcpWant(v4Want(pipeline.Decoded{Layers: l, EtherType: etype}, 6)), off+20+32, 5)
		}
		link("ppp-hdlc-framing-ipv4-tcp", LinkPPP, cat([]byte{0xff, 0x03, 0x00, 0x21}, ipTCP), tcpV4(0, 0, 4))
		link("ppp-no-framing-pfc-ipv4-tcp", LinkPPP, cat([]byte{0x21}, ipTCP), tcpV4(0, 0, 1))
		link("ppp-lcp", LinkPPP, []byte{0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x04}, pipeline.Decoded{})
		v6 := udpOf(v6Want(pipeline.Decoded{}, 17), 4+40+8)
		link("ppp-serial-ipv6-udp", LinkPPPHDLC, cat([]byte{0xff, 0x03, 0x00, 0x57}, ip6UDP), v6)
		link("ppp-serial-cisco-ipv4-tcp", LinkPPPHDLC, cat([]byte{0x0f, 0x00, 0x08, 0x00}, ipTCP), tcpV4(0, etherIPv4, 4))
		link("chdlc-ipv4-tcp", LinkCHDLC, cat([]byte{0x8f, 0x00, 0x08, 0x00}, ipTCP), tcpV4(0, etherIPv4, 4))
		link("chdlc-mpls-ipv4-tcp", LinkCHDLC, cat([]byte{0x0f, 0x00, 0x88, 0x47}, mplsStack(77), ipTCP),
			mpls(tcpV4(0, etherMPLS, 8), 77))
		link("ppp-ether-ipv4-tcp", LinkPPPoE, cat(pppoeHeader(3, 2+len(ipTCP)), []byte{0x00, 0x21}, ipTCP),
			tcpV4(pipeline.LayerPPPoE, 0, 8))
		cut := pipeline.Decoded{Flags: pipeline.FlagTruncated}
		add(fixture{name: "chdlc-cut", link: LinkCHDLC, data: []byte{0x0f, 0x00}, orig: 60, want: cut})
	}
	// NFLOG: attributes in little-endian order, the packet in attribute 9.
	{
		tlv := func(typ uint16, v []byte) []byte {
			b := binary.LittleEndian.AppendUint16(nil, uint16(4+len(v)))
			b = binary.LittleEndian.AppendUint16(b, typ)
			b = append(b, v...)
			for len(b)%4 != 0 {
				b = append(b, 0)
			}
			return b
		}
		hdr := cat([]byte{2, 0, 0, 1}, tlv(1, []byte{0x08, 0x00, 3, 0}), tlv(10, []byte("drop\x00")))
		frame := cat(hdr, tlv(9, ipTCP))
		v := withPayload(tcpWant(v4Want(pipeline.Decoded{EtherType: etherIPv4}, 6)), len(hdr)+4+20+32, 5)
		add(fixture{name: "nflog-ipv4-tcp", link: LinkNFLOG, data: frame, want: v})
		w := udpOf(v6Want(pipeline.Decoded{EtherType: etherIPv6}, 17), 4+8+4+40+8)
		add(fixture{name: "nflog-ipv6-udp", link: LinkNFLOG, data: cat([]byte{10, 0, 0, 1}, tlv(1, []byte{0x86, 0xdd, 1, 0}), tlv(9, ip6UDP)), want: w})
		add(fixture{name: "nflog-no-payload", link: LinkNFLOG, data: hdr, want: pipeline.Decoded{}})
		bad := pipeline.Decoded{Flags: pipeline.FlagMalformed}
		add(fixture{name: "nflog-zero-length-attribute", link: LinkNFLOG, data: cat([]byte{2, 0, 0, 1}, []byte{0, 0, 9, 0}, ipTCP), want: bad})
	}
	return fs
}
