package decoders

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Hand-built frames with the Decoded value each must produce.

var (
	macA = [6]byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}
	macB = [6]byte{0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb}
	v4A  = netip.MustParseAddr("10.0.0.1")
	v4B  = netip.MustParseAddr("192.0.2.7")
	v6A  = netip.MustParseAddr("2001:db8::1")
	v6B  = netip.MustParseAddr("2001:db8::2")
)

// fixture is one frame and the decode result it must give.
type fixture struct {
	name string
	link uint16
	data []byte
	// orig is the wire length; 0 means len(data).
	orig uint32
	want pipeline.Decoded
	// tunnel is the GTP/PFCP problem the decoder must record (tunnel
	// fixtures only).
	tunnel tunnelProblem
}

func (f *fixture) origLen() uint32 {
	if f.orig == 0 {
		return uint32(len(f.data))
	}
	return f.orig
}

// serialize builds bytes from gopacket layers, fixing lengths.
func serialize(tb testing.TB, ls ...gopacket.SerializableLayer) []byte {
	tb.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true}, ls...); err != nil {
		tb.Fatalf("serialize: %v", err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

func eth(t layers.EthernetType) *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: net.HardwareAddr(macA[:]), DstMAC: net.HardwareAddr(macB[:]), EthernetType: t}
}

func ip4(proto layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Id: 0x1234, Protocol: proto,
		SrcIP: v4A.AsSlice(), DstIP: v4B.AsSlice()}
}

func ip6(next layers.IPProtocol) *layers.IPv6 {
	return &layers.IPv6{Version: 6, HopLimit: 63, NextHeader: next,
		SrcIP: v6A.AsSlice(), DstIP: v6B.AsSlice()}
}

func tcp() *layers.TCP {
	return &layers.TCP{SrcPort: 40000, DstPort: 80, Seq: 1000, Ack: 2000, SYN: true, ACK: true, NS: true,
		Window: 65535, Options: []layers.TCPOption{
			{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
			{OptionType: layers.TCPOptionKindNop}, {OptionType: layers.TCPOptionKindNop},
			{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
			{OptionType: layers.TCPOptionKindNop}, {OptionType: layers.TCPOptionKindNop},
			{OptionType: layers.TCPOptionKindNop}, {OptionType: layers.TCPOptionKindNop},
		}}
}

func udp() *layers.UDP { return &layers.UDP{SrcPort: 5353, DstPort: 53} }

// tcpWant fills the TCP fields tcp() produces.
func tcpWant(d pipeline.Decoded) pipeline.Decoded {
	d.Layers |= pipeline.LayerTCP
	d.IP.SrcPort, d.IP.DstPort = 40000, 80
	d.TCPSeq, d.TCPAck, d.TCPWindow = 1000, 2000, 65535
	d.TCPFlags = pipeline.TCPSyn | pipeline.TCPAck | pipeline.TCPNs
	return d
}

func ethWant(etype uint16) pipeline.Decoded {
	return pipeline.Decoded{Layers: pipeline.LayerEthernet, EthSrc: macA, EthDst: macB, EtherType: etype}
}

func v4Want(d pipeline.Decoded, proto uint8) pipeline.Decoded {
	d.Layers |= pipeline.LayerIPv4
	d.IP.Src, d.IP.Dst, d.IP.Proto = v4A, v4B, proto
	d.TTL, d.IPID = 64, 0x1234
	return d
}

func v6Want(d pipeline.Decoded, proto uint8) pipeline.Decoded {
	d.Layers |= pipeline.LayerIPv6
	d.IP.Src, d.IP.Dst, d.IP.Proto = v6A, v6B, proto
	d.TTL = 63
	return d
}

func withPayload(d pipeline.Decoded, off, n int) pipeline.Decoded {
	d.PayloadOffset, d.PayloadLen = uint32(off), uint32(n)
	return d
}

// ipv6Ext builds one extension header of 8*units bytes (hop-by-hop,
// routing or destination options layout) holding next.
func ipv6Ext(next uint8, units int) []byte {
	b := make([]byte, 8*units)
	b[0], b[1] = next, uint8(units-1)
	if units > 0 {
		b[2] = 1 // PadN option filling the rest
		b[3] = uint8(len(b) - 4)
	}
	return b
}

func ipv6Frag(next uint8, offset uint16, more bool, id uint32) []byte {
	b := make([]byte, 8)
	b[0] = next
	fo := offset &^ 7
	if more {
		fo |= 1
	}
	binary.BigEndian.PutUint16(b[2:], fo)
	binary.BigEndian.PutUint32(b[4:], id)
	return b
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// sllHeader builds a Linux cooked header (v1) with a 6-byte source address.
func sllHeader(proto uint16) []byte {
	b := make([]byte, 16)
	binary.BigEndian.PutUint16(b[0:], 4) // sent by us
	binary.BigEndian.PutUint16(b[2:], 1) // ARPHRD_ETHER
	binary.BigEndian.PutUint16(b[4:], 6)
	copy(b[6:], macA[:])
	binary.BigEndian.PutUint16(b[14:], proto)
	return b
}

func sll2Header(proto uint16) []byte {
	b := make([]byte, 20)
	binary.BigEndian.PutUint16(b[0:], proto)
	binary.BigEndian.PutUint32(b[4:], 2) // interface index
	binary.BigEndian.PutUint16(b[8:], 1) // ARPHRD_ETHER
	b[10] = 0                            // to us
	b[11] = 6
	copy(b[12:], macA[:])
	return b
}

func le32(v uint32) []byte  { return binary.LittleEndian.AppendUint32(nil, v) }
func be32b(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// fixtures returns every hand-built frame.
func fixtures(tb testing.TB) []fixture {
	tb.Helper()
	payload5 := gopacket.Payload("hello")
	payload10 := gopacket.Payload("0123456789")

	ipTCP := serialize(tb, ip4(layers.IPProtocolTCP), tcp(), payload5)
	ip6UDP := serialize(tb, ip6(layers.IPProtocolUDP), udp(), payload10)
	tcpOnly := serialize(tb, tcp(), payload5) // 32-byte header + 5
	udpOnly := serialize(tb, udp(), payload10)

	var fs []fixture
	add := func(f fixture) { fs = append(fs, f) }

	// Ethernet / IPv4 / TCP with options.
	add(fixture{name: "eth-ipv4-tcp", link: 1,
		data: serialize(tb, eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolTCP), tcp(), payload5),
		want: withPayload(tcpWant(v4Want(ethWant(0x0800), 6)), 14+20+32, 5)})

	// IPv4 options (router alert + NOP padding), UDP, Ethernet padding to 60 bytes.
	opt := ip4(layers.IPProtocolUDP)
	opt.Options = []layers.IPv4Option{{OptionType: 148, OptionLength: 4, OptionData: []byte{0, 0}}}
	{
		d := v4Want(ethWant(0x0800), 17)
		d.Layers |= pipeline.LayerUDP
		d.IP.SrcPort, d.IP.DstPort = 5353, 53
		add(fixture{name: "eth-ipv4-options-udp-padded", link: 1,
			data: serialize(tb, eth(layers.EthernetTypeIPv4), opt, udp(), gopacket.Payload("ab")),
			want: withPayload(d, 14+24+8, 2)})
	}

	// One 802.1Q tag.
	{
		d := v4Want(ethWant(0x0800), 17)
		d.Layers |= pipeline.LayerVLAN | pipeline.LayerUDP
		d.VLAN, d.NumVLAN = [2]uint16{100, 0}, 1
		d.IP.SrcPort, d.IP.DstPort = 5353, 53
		add(fixture{name: "eth-dot1q-ipv4-udp", link: 1,
			data: serialize(tb, eth(layers.EthernetTypeDot1Q),
				&layers.Dot1Q{VLANIdentifier: 100, Type: layers.EthernetTypeIPv4},
				ip4(layers.IPProtocolUDP), udp(), payload10),
			want: withPayload(d, 14+4+20+8, 10)})
	}

	// QinQ: 802.1ad outer tag, 802.1Q inner tag, IPv6 / TCP.
	{
		d := tcpWant(v6Want(ethWant(0x86dd), 6))
		d.Layers |= pipeline.LayerVLAN
		d.VLAN, d.NumVLAN = [2]uint16{200, 300}, 2
		add(fixture{name: "eth-qinq-ipv6-tcp", link: 1,
			data: serialize(tb, eth(layers.EthernetTypeQinQ),
				&layers.Dot1Q{VLANIdentifier: 200, Type: layers.EthernetTypeDot1Q},
				&layers.Dot1Q{VLANIdentifier: 300, Type: layers.EthernetTypeIPv6},
				ip6(layers.IPProtocolTCP), tcp(), payload5),
			want: withPayload(d, 14+8+40+32, 5)})
	}

	// Three tags, the first with the pre-standard 0x9100 and VLAN id 4095.
	{
		frame := cat(macB[:], macA[:], []byte{0x91, 0x00},
			[]byte{0x0f, 0xff, 0x81, 0x00}, []byte{0x00, 0x02, 0x81, 0x00}, []byte{0x20, 0x03, 0x08, 0x00},
			ipTCP)
		d := withPayload(tcpWant(v4Want(ethWant(0x0800), 6)), 14+12+20+32, 5)
		d.Layers |= pipeline.LayerVLAN
		d.VLAN, d.NumVLAN = [2]uint16{4095, 2}, 3
		add(fixture{name: "eth-3-tags-9100", link: 1, data: frame, want: d})
	}

	// ARP request.
	{
		d := ethWant(0x0806)
		d.Layers |= pipeline.LayerARP
		add(fixture{name: "eth-arp", link: 1,
			data: serialize(tb, eth(layers.EthernetTypeARP), &layers.ARP{AddrType: layers.LinkTypeEthernet,
				Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4, Operation: 1,
				SourceHwAddress: macA[:], SourceProtAddress: v4A.AsSlice(),
				DstHwAddress: make([]byte, 6), DstProtAddress: v4B.AsSlice()}),
			want: d})
	}

	// 802.3 frame with an LLC header: not IP.
	add(fixture{name: "eth-8023-llc", link: 1,
		data: cat(macB[:], macA[:], []byte{0x00, 0x06, 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c}),
		want: ethWant(0x0006)})

	// ICMP echo request.
	{
		d := v4Want(ethWant(0x0800), 1)
		d.Layers |= pipeline.LayerICMPv4
		d.ICMPType = 8
		add(fixture{name: "eth-ipv4-icmp-echo", link: 1,
			data: serialize(tb, eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolICMPv4),
				&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 7, Seq: 1}, payload10),
			want: withPayload(d, 14+20+8, 10)})
	}

	// ICMP port unreachable quoting an IPv4/UDP datagram: the outer tuple
	// keeps ports 0 and the quoted ports are not taken.
	{
		quoted := serialize(tb, &layers.IPv4{Version: 4, IHL: 5, TTL: 1, Protocol: layers.IPProtocolUDP,
			SrcIP: v4B.AsSlice(), DstIP: v4A.AsSlice()}, &layers.UDP{SrcPort: 33434, DstPort: 33435})
		d := v4Want(ethWant(0x0800), 1)
		d.Layers |= pipeline.LayerICMPv4
		d.Flags |= pipeline.FlagInICMPError
		d.ICMPType, d.ICMPCode = 3, 3
		add(fixture{name: "eth-ipv4-icmp-error", link: 1,
			data: serialize(tb, eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolICMPv4),
				&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(3, 3)}, gopacket.Payload(quoted)),
			want: withPayload(d, 14+20+8, len(quoted))})
	}

	// ICMPv6 echo request and an ICMPv6 error quoting IPv6/UDP.
	{
		d := v6Want(ethWant(0x86dd), 58)
		d.Layers |= pipeline.LayerICMPv6
		d.ICMPType = 128
		add(fixture{name: "eth-ipv6-icmpv6-echo", link: 1,
			data: serialize(tb, eth(layers.EthernetTypeIPv6), ip6(layers.IPProtocolICMPv6),
				&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(128, 0)},
				gopacket.Payload{0, 7, 0, 1, 'p', 'i', 'n', 'g'}),
			want: withPayload(d, 14+40+8, 4)})

		e := v6Want(ethWant(0x86dd), 58)
		e.Layers |= pipeline.LayerICMPv6
		e.Flags |= pipeline.FlagInICMPError
		e.ICMPType, e.ICMPCode = 1, 4
		add(fixture{name: "eth-ipv6-icmpv6-error", link: 1,
			data: serialize(tb, eth(layers.EthernetTypeIPv6), ip6(layers.IPProtocolICMPv6),
				&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(1, 4)},
				gopacket.Payload(cat([]byte{0, 0, 0, 0}, ip6UDP))),
			want: withPayload(e, 14+40+8, len(ip6UDP))})
	}

	// IPv6 extension headers: hop-by-hop, destination options, routing, then TCP.
	{
		ext := cat(ipv6Ext(60, 1), ipv6Ext(43, 2), ipv6Ext(6, 1))
		d := withPayload(tcpWant(v6Want(ethWant(0x86dd), 6)), 14+40+len(ext)+32, 5)
		add(fixture{name: "eth-ipv6-ext-tcp", link: 1,
			data: serialize(tb, eth(layers.EthernetTypeIPv6), ip6(0), gopacket.Payload(cat(ext, tcpOnly))),
			want: d})
	}

	// IPv6 authentication header (length in 4-byte units, minus 2), then UDP.
	{
		ah := make([]byte, 24)
		ah[0], ah[1] = 17, 4 // (4+2)*4 = 24 bytes
		d := v6Want(ethWant(0x86dd), 17)
		d.Layers |= pipeline.LayerUDP
		d.IP.SrcPort, d.IP.DstPort = 5353, 53
		add(fixture{name: "eth-ipv6-ah-udp", link: 1,
			data: serialize(tb, eth(layers.EthernetTypeIPv6), ip6(51), gopacket.Payload(cat(ah, udpOnly))),
			want: withPayload(d, 14+40+24+8, 10)})
	}

	// IPv6 fragments: the first carries the UDP header, a later one does not.
	{
		d := v6Want(ethWant(0x86dd), 17)
		d.Layers |= pipeline.LayerUDP | pipeline.LayerFragment
		d.IP.SrcPort, d.IP.DstPort = 5353, 53
		d.IPID, d.MoreFragments = 0xdeadbeef, true
		// The UDP length covers the whole datagram, beyond this fragment.
		bigUDP := append([]byte(nil), udpOnly...)
		binary.BigEndian.PutUint16(bigUDP[4:], 3000)
		first := cat(ipv6Frag(17, 0, true, 0xdeadbeef), bigUDP)
		add(fixture{name: "eth-ipv6-frag-first", link: 1,
			data: serialize(tb, eth(layers.EthernetTypeIPv6), ip6(44), gopacket.Payload(first)),
			want: withPayload(d, 14+40+8+8, 10)})

		n := v6Want(ethWant(0x86dd), 17)
		n.Layers |= pipeline.LayerFragment
		n.Flags |= pipeline.FlagNonFirstFragment
		n.IPID, n.FragOffset = 0xdeadbeef, 1448
		add(fixture{name: "eth-ipv6-frag-later", link: 1,
			data: serialize(tb, eth(layers.EthernetTypeIPv6), ip6(0),
				gopacket.Payload(cat(ipv6Ext(44, 1), ipv6Frag(17, 1448, false, 0xdeadbeef), payload10))),
			want: withPayload(n, 14+40+8+8, 10)}) // the fragment's data
	}

	// IPv4 fragments.
	{
		f1 := ip4(layers.IPProtocolUDP)
		f1.Flags = layers.IPv4MoreFragments
		d := v4Want(ethWant(0x0800), 17)
		d.Layers |= pipeline.LayerUDP | pipeline.LayerFragment
		d.IP.SrcPort, d.IP.DstPort = 5353, 53
		d.MoreFragments = true
		data := serialize(tb, eth(layers.EthernetTypeIPv4), f1, udp(), payload10)
		binary.BigEndian.PutUint16(data[14+20+4:], 3000) // the whole datagram's length
		add(fixture{name: "eth-ipv4-frag-first", link: 1, data: data, want: withPayload(d, 14+20+8, 10)})

		f2 := ip4(layers.IPProtocolUDP)
		f2.FragOffset = 185 // 1480 bytes
		n := v4Want(ethWant(0x0800), 17)
		n.Layers |= pipeline.LayerFragment
		n.Flags |= pipeline.FlagNonFirstFragment
		n.FragOffset = 1480
		add(fixture{name: "eth-ipv4-frag-last", link: 1,
			data: serialize(tb, eth(layers.EthernetTypeIPv4), f2, gopacket.Payload("0123456789abcdefghij")),
			want: withPayload(n, 14+20, 20)})
	}

	// SCTP ports; GRE (no ports).
	{
		sctp := cat([]byte{0x0b, 0x59, 0x0b, 0x5a, 0, 0, 0, 1, 0, 0, 0, 0}, payload10)
		d := v4Want(ethWant(0x0800), 132)
		d.Layers |= pipeline.LayerSCTP
		d.IP.SrcPort, d.IP.DstPort = 2905, 2906
		add(fixture{name: "eth-ipv4-sctp", link: 1,
			data: serialize(tb, eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolSCTP), gopacket.Payload(sctp)),
			want: withPayload(d, 14+20+12, 10)})

		// An IP protocol the decoder does not follow: ESP.
		add(fixture{name: "eth-ipv4-esp", link: 1,
			data: serialize(tb, eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolESP), gopacket.Payload("0123456789abcdefghij")),
			want: v4Want(ethWant(0x0800), 50)})
	}

	// Linux cooked captures.
	{
		d := withPayload(tcpWant(v4Want(pipeline.Decoded{Layers: pipeline.LayerLinuxSLL, EthSrc: macA, EtherType: 0x0800}, 6)), 16+20+32, 5)
		add(fixture{name: "sll-ipv4-tcp", link: 113, data: cat(sllHeader(0x0800), ipTCP), want: d})

		e := v6Want(pipeline.Decoded{Layers: pipeline.LayerLinuxSLL2, EthSrc: macA, EtherType: 0x86dd}, 17)
		e.Layers |= pipeline.LayerUDP
		e.IP.SrcPort, e.IP.DstPort = 5353, 53
		add(fixture{name: "sll2-ipv6-udp", link: 276, data: cat(sll2Header(0x86dd), ip6UDP),
			want: withPayload(e, 20+40+8, 10)})

		v := withPayload(tcpWant(v4Want(pipeline.Decoded{Layers: pipeline.LayerLinuxSLL | pipeline.LayerVLAN,
			EthSrc: macA, EtherType: 0x0800, VLAN: [2]uint16{7, 0}, NumVLAN: 1}, 6)), 16+4+20+32, 5)
		add(fixture{name: "sll-vlan-ipv4-tcp", link: 113, data: cat(sllHeader(0x8100), []byte{0, 7, 8, 0}, ipTCP), want: v})
	}

	// BSD NULL and OpenBSD LOOP headers.
	loopV4 := withPayload(tcpWant(v4Want(pipeline.Decoded{Layers: pipeline.LayerLoopback, EtherType: 0x0800}, 6)), 4+20+32, 5)
	loopV6 := v6Want(pipeline.Decoded{Layers: pipeline.LayerLoopback | pipeline.LayerUDP, EtherType: 0x86dd}, 17)
	loopV6.IP.SrcPort, loopV6.IP.DstPort = 5353, 53
	loopV6 = withPayload(loopV6, 4+40+8, 10)
	for _, c := range []struct {
		name string
		link uint16
		hdr  []byte
		v6   bool
	}{
		{"null-le-inet", 0, le32(2), false},
		{"null-be-inet", 0, be32b(2), false},
		{"null-le-inet6-darwin", 0, le32(30), true},
		{"null-be-inet6-bsd", 0, be32b(24), true},
		{"null-le-inet6-freebsd", 0, le32(28), true},
		{"null-ethertype-0f000800", 0, []byte{0x0f, 0x00, 0x08, 0x00}, false},
		{"null-ethertype-00000800", 0, []byte{0x00, 0x00, 0x08, 0x00}, false},
		{"null-ethertype-000086dd", 0, []byte{0x00, 0x00, 0x86, 0xdd}, true},
		{"loop-be-inet", 108, be32b(2), false},
		{"loop-le-inet6", 108, le32(28), true},
	} {
		if c.v6 {
			add(fixture{name: c.name, link: c.link, data: cat(c.hdr, ip6UDP), want: loopV6})
		} else {
			add(fixture{name: c.name, link: c.link, data: cat(c.hdr, ipTCP), want: loopV4})
		}
	}
	add(fixture{name: "null-ppp", link: 0, data: cat([]byte{0xff, 0x03, 0x00, 0x21}, ipTCP),
		want: pipeline.Decoded{Layers: pipeline.LayerLoopback}})
	add(fixture{name: "null-family-iso", link: 0, data: cat(le32(7), ipTCP),
		want: pipeline.Decoded{Layers: pipeline.LayerLoopback}})

	// Raw IP link types.
	rawV4 := withPayload(tcpWant(v4Want(pipeline.Decoded{EtherType: 0x0800}, 6)), 20+32, 5)
	rawV6 := v6Want(pipeline.Decoded{EtherType: 0x86dd, Layers: pipeline.LayerUDP}, 17)
	rawV6.IP.SrcPort, rawV6.IP.DstPort = 5353, 53
	rawV6 = withPayload(rawV6, 40+8, 10)
	add(fixture{name: "raw101-ipv4", link: 101, data: ipTCP, want: rawV4})
	add(fixture{name: "raw101-ipv6", link: 101, data: ip6UDP, want: rawV6})
	add(fixture{name: "raw12-ipv6", link: 12, data: ip6UDP, want: rawV6})
	add(fixture{name: "raw14-ipv4", link: 14, data: ipTCP, want: rawV4})
	add(fixture{name: "ipv4-228", link: 228, data: ipTCP, want: rawV4})
	add(fixture{name: "ipv6-229", link: 229, data: ip6UDP, want: rawV6})
	add(fixture{name: "raw101-version5", link: 101, data: cat([]byte{0x50}, ipTCP[1:]),
		want: pipeline.Decoded{Flags: pipeline.FlagMalformed}})
	add(fixture{name: "unknown-link", link: 147, data: ipTCP,
		want: pipeline.Decoded{Flags: pipeline.FlagUnknownLink}})

	// Malformed headers: decoding stops, the outer fields stay.
	{
		bad := append([]byte(nil), ipTCP...)
		bad[0] = 0x44 // IHL 4
		d := v4Want(pipeline.Decoded{EtherType: 0x0800, Flags: pipeline.FlagMalformed}, 6)
		add(fixture{name: "ipv4-ihl-4", link: 228, data: bad, want: d})

		short := append([]byte(nil), ipTCP...)
		binary.BigEndian.PutUint16(short[2:], 16) // total length < header
		add(fixture{name: "ipv4-total-below-ihl", link: 228, data: short, want: d})

		long := append([]byte(nil), ipTCP...)
		binary.BigEndian.PutUint16(long[2:], uint16(len(ipTCP)+100)) // beyond an uncut frame
		l := rawV4
		l.Flags |= pipeline.FlagMalformed
		add(fixture{name: "ipv4-total-beyond-frame", link: 228, data: long, want: l})

		add(fixture{name: "ethertype-ipv4-holding-ipv6", link: 1,
			data: cat(serialize(tb, eth(layers.EthernetTypeIPv4)), ip6UDP),
			want: pipeline.Decoded{Layers: pipeline.LayerEthernet, EthSrc: macA, EthDst: macB, EtherType: 0x0800,
				Flags: pipeline.FlagMalformed}})

		doff := append([]byte(nil), ipTCP...)
		doff[20+12] = 0x31 // data offset 3, NS kept
		m := tcpWant(v4Want(pipeline.Decoded{EtherType: 0x0800, Flags: pipeline.FlagMalformed}, 6))
		add(fixture{name: "tcp-data-offset-3", link: 228, data: doff, want: m})

		ul := serialize(tb, ip4(layers.IPProtocolUDP), udp(), payload10)
		binary.BigEndian.PutUint16(ul[20+4:], 5)
		u := v4Want(pipeline.Decoded{EtherType: 0x0800, Flags: pipeline.FlagMalformed, Layers: pipeline.LayerUDP}, 17)
		u.IP.SrcPort, u.IP.DstPort = 5353, 53
		add(fixture{name: "udp-length-5", link: 228, data: ul, want: u})
	}

	// Snap-length cut inside the TCP options: the IP tuple and TCP fixed
	// fields stay, the payload is unknown.
	{
		full := serialize(tb, eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolTCP), tcp(), payload5)
		d := tcpWant(v4Want(ethWant(0x0800), 6))
		d.Flags |= pipeline.FlagTruncated
		add(fixture{name: "eth-ipv4-tcp-cut-in-options", link: 1, data: full[:14+20+24], orig: uint32(len(full)), want: d})

		p := tcpWant(v4Want(ethWant(0x0800), 6))
		p.TCPFlags, p.TCPSeq, p.TCPAck, p.TCPWindow = 0, 0, 0, 0
		p.Layers &^= pipeline.LayerTCP
		p.Flags |= pipeline.FlagTruncated
		add(fixture{name: "eth-ipv4-tcp-cut-after-ports", link: 1, data: full[:14+20+6], orig: uint32(len(full)), want: p})
	}
	fs = append(fs, tunnelFixtures(tb)...)
	fs = append(fs, encapFixtures(tb)...)
	fs = append(fs, overlayFixtures(tb)...)
	for i := range fs {
		w := &fs[i].want
		w.IPLen = declaredIPLen(fs[i].data, w)
		w.IPOffset, w.InnerIPOffset = ipOffsets(fs[i].data, w)
		w.InnerIPLen = innerIPLen(fs[i].data, w)
	}
	return fs
}

// innerIPLen is the length the tunnelled IP header of frame declares, as
// Decoded.InnerIPLen must report it (read at the wanted InnerIPOffset).
func innerIPLen(frame []byte, want *pipeline.Decoded) uint16 {
	off := int(want.InnerIPOffset)
	switch {
	case want.Layers.Has(pipeline.LayerInnerIPv4) && off+4 <= len(frame):
		return binary.BigEndian.Uint16(frame[off+2:])
	case want.Layers.Has(pipeline.LayerInnerIPv6) && off+6 <= len(frame):
		if n := binary.BigEndian.Uint16(frame[off+4:]); n != 0 {
			return 40 + n
		}
	}
	return 0
}

// ipOffsets are where the outer and the tunnelled IP headers of frame
// start, as Decoded.IPOffset and InnerIPOffset must report them: the first
// copy of the expected outer source address in the frame is the outer
// header's, the last copy of the inner source address the inner header's
// (fixture payloads hold no addresses).
func ipOffsets(frame []byte, want *pipeline.Decoded) (outer, inner uint16) {
	at := func(a netip.Addr, v6, last bool) uint16 {
		b, back := a.AsSlice(), 12
		if v6 {
			back = 8
		}
		i := bytes.Index(frame, b)
		if last {
			i = bytes.LastIndex(frame, b)
		}
		if i < back {
			return 0
		}
		return uint16(i - back)
	}
	if l := want.Layers; l&(pipeline.LayerIPv4|pipeline.LayerIPv6) != 0 {
		outer = at(want.IP.Src, l.Has(pipeline.LayerIPv6), false)
	}
	if l := want.Layers; l&(pipeline.LayerInnerIPv4|pipeline.LayerInnerIPv6) != 0 {
		inner = at(want.Inner.Src, l.Has(pipeline.LayerInnerIPv6), true)
	}
	return outer, inner
}

// declaredIPLen is the length the outer IP header of frame declares, as
// Decoded.IPLen must report it: found by the expected source address (the
// first copy of it in the frame is the outer header's), read from the
// header's bytes (IPv4 total length, 40 + IPv6 payload length; 0 stays 0).
func declaredIPLen(frame []byte, want *pipeline.Decoded) uint32 {
	switch {
	case want.Layers.Has(pipeline.LayerIPv4):
		a := want.IP.Src.As4()
		if i := bytes.Index(frame, a[:]); i >= 12 {
			return uint32(binary.BigEndian.Uint16(frame[i-10:]))
		}
	case want.Layers.Has(pipeline.LayerIPv6):
		a := want.IP.Src.As16()
		if i := bytes.Index(frame, a[:]); i >= 8 {
			if n := uint32(binary.BigEndian.Uint16(frame[i-4:])); n != 0 {
				return 40 + n
			}
		}
	}
	return 0
}

// diffDecoded lists the fields that differ between want and got.
func diffDecoded(want, got pipeline.Decoded) string {
	var b strings.Builder
	wv, gv := reflect.ValueOf(want), reflect.ValueOf(got)
	for i := range wv.NumField() {
		w, g := wv.Field(i).Interface(), gv.Field(i).Interface()
		if !reflect.DeepEqual(w, g) {
			fmt.Fprintf(&b, "  %s: want %+v, got %+v\n", wv.Type().Field(i).Name, w, g)
		}
	}
	return b.String()
}
