package filter

import (
	"encoding/binary"
	"net/netip"
)

// Hand-built frames for the match tests, fuzz seeds and benchmarks.

var (
	macA  = []byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}
	macB  = []byte{0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb}
	bcast = []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
)

func ether(dst, src []byte, etype uint16, payload []byte) []byte {
	b := append(append(append([]byte{}, dst...), src...), byte(etype>>8), byte(etype))
	return append(b, payload...)
}

func vlanTag(id uint16, etype uint16, payload []byte) []byte {
	return append([]byte{byte(id >> 8), byte(id), byte(etype >> 8), byte(etype)}, payload...)
}

func ip4(proto byte, src, dst string, frag uint16, payload []byte) []byte {
	h := make([]byte, 20)
	h[0] = 0x45
	binary.BigEndian.PutUint16(h[2:], uint16(20+len(payload)))
	binary.BigEndian.PutUint16(h[6:], frag)
	h[8] = 64
	h[9] = proto
	s, d := netip.MustParseAddr(src).As4(), netip.MustParseAddr(dst).As4()
	copy(h[12:], s[:])
	copy(h[16:], d[:])
	return append(h, payload...)
}

func ip6(next byte, src, dst string, payload []byte) []byte {
	h := make([]byte, 40)
	h[0] = 0x60
	binary.BigEndian.PutUint16(h[4:], uint16(len(payload)))
	h[6] = next
	h[7] = 64
	s, d := netip.MustParseAddr(src).As16(), netip.MustParseAddr(dst).As16()
	copy(h[8:], s[:])
	copy(h[24:], d[:])
	return append(h, payload...)
}

// ext6 is an IPv6 extension header (hop-by-hop, destination options) of 8 bytes.
func ext6(next byte, payload []byte) []byte {
	return append([]byte{next, 0, 1, 4, 0, 0, 0, 0}, payload...)
}

// frag6 is an IPv6 fragment header.
func frag6(next byte, off uint16, more bool, payload []byte) []byte {
	v := off &^ 7
	if more {
		v |= 1
	}
	return append([]byte{next, 0, byte(v >> 8), byte(v), 0, 0, 0, 42}, payload...)
}

func tcpSeg(sport, dport uint16, flags byte) []byte {
	h := make([]byte, 20)
	binary.BigEndian.PutUint16(h[0:], sport)
	binary.BigEndian.PutUint16(h[2:], dport)
	h[12] = 5 << 4
	h[13] = flags
	binary.BigEndian.PutUint16(h[14:], 8192)
	return h
}

func udpDgram(sport, dport uint16, payload []byte) []byte {
	h := make([]byte, 8)
	binary.BigEndian.PutUint16(h[0:], sport)
	binary.BigEndian.PutUint16(h[2:], dport)
	binary.BigEndian.PutUint16(h[4:], uint16(8+len(payload)))
	return append(h, payload...)
}

func icmpMsg(typ, code byte) []byte { return []byte{typ, code, 0, 0, 0, 1, 0, 1} }

func arpPkt(op uint16, sender, target string) []byte {
	b := []byte{0, 1, 8, 0, 6, 4, byte(op >> 8), byte(op)}
	s, t := netip.MustParseAddr(sender).As4(), netip.MustParseAddr(target).As4()
	b = append(b, macA...)
	b = append(b, s[:]...)
	b = append(b, 0, 0, 0, 0, 0, 0)
	return append(b, t[:]...)
}

// pppoe is a PPPoE session header and PPP protocol field in front of payload.
func pppoe(session, proto uint16, payload []byte) []byte {
	h := []byte{0x11, 0, byte(session >> 8), byte(session), byte((len(payload) + 2) >> 8), byte(len(payload) + 2),
		byte(proto >> 8), byte(proto)}
	return append(h, payload...)
}

// sll is a Linux cooked v1 header carrying protocol etype.
func sll(etype uint16, payload []byte) []byte {
	h := []byte{0, 0, 0, 1, 0, 6}
	h = append(h, macA...)
	h = append(h, 0, 0, byte(etype>>8), byte(etype))
	return append(h, payload...)
}

// sll2 is a Linux cooked v2 header carrying protocol etype.
func sll2(etype uint16, payload []byte) []byte {
	h := []byte{byte(etype >> 8), byte(etype), 0, 0, 0, 0, 0, 2, 0, 1, 0, 6}
	h = append(h, macA...)
	h = append(h, 0, 0)
	return append(h, payload...)
}

// null is a BSD loopback header with family fam in little-endian order.
func null(fam uint32, payload []byte) []byte {
	return append(binary.LittleEndian.AppendUint32(nil, fam), payload...)
}

// fixtures are named frames with their link type.
type fixture struct {
	name string
	link uint16
	data []byte
}

var fixtures = []fixture{
	{"eth-tcp-syn-80", 1, ether(macB, macA, 0x0800, ip4(6, "10.0.0.1", "10.0.0.2", 0, tcpSeg(40000, 80, 0x02)))},
	{"eth-tcp-ack-443", 1, ether(macA, macB, 0x0800, ip4(6, "10.0.0.2", "192.168.1.9", 0, tcpSeg(443, 40001, 0x10)))},
	{"eth-udp-53", 1, ether(macB, macA, 0x0800, ip4(17, "10.0.0.1", "10.0.0.53", 0, udpDgram(5353, 53, []byte("q"))))},
	{"eth-icmp-echo", 1, ether(macB, macA, 0x0800, ip4(1, "10.0.0.1", "10.0.0.2", 0, icmpMsg(8, 0)))},
	{"eth-ip-frag2-udp", 1, ether(macB, macA, 0x0800, ip4(17, "10.0.0.1", "10.0.0.2", 185, udpDgram(53, 53, nil)))},
	{"eth-ip-frag1-udp", 1, ether(macB, macA, 0x0800, ip4(17, "10.0.0.1", "10.0.0.2", 0x2000, udpDgram(53, 53, nil)))},
	{"eth-ip6-tcp-80", 1, ether(macB, macA, 0x86dd, ip6(6, "2001:db8::1", "2001:db8::2", tcpSeg(1234, 80, 0x18)))},
	{"eth-ip6-hbh-tcp-80", 1, ether(macB, macA, 0x86dd, ip6(0, "2001:db8::1", "2001:db8::2", ext6(6, tcpSeg(1234, 80, 0x18))))},
	{"eth-ip6-frag-udp", 1, ether(macB, macA, 0x86dd, ip6(44, "fe80::1", "ff02::fb", frag6(17, 0, true, udpDgram(5353, 5353, nil))))},
	{"eth-ip6-icmp6-ns", 1, ether(macB, macA, 0x86dd, ip6(58, "fe80::1", "ff02::1:ff00:2", icmpMsg(135, 0)))},
	{"eth-vlan-tcp-80", 1, ether(macB, macA, 0x8100, vlanTag(100, 0x0800, ip4(6, "10.0.0.1", "10.0.0.2", 0, tcpSeg(40000, 80, 0x02))))},
	{"eth-qinq-icmp", 1, ether(macB, macA, 0x88a8, vlanTag(10, 0x8100, vlanTag(20, 0x0800, ip4(1, "10.0.0.1", "10.0.0.2", 0, icmpMsg(0, 0)))))},
	{"eth-mpls-ip", 1, ether(macB, macA, 0x8847, append([]byte{0x00, 0x01, 0x41, 0x40}, ip4(17, "10.0.0.1", "10.0.0.2", 0, udpDgram(1, 2, nil))...))},
	{"eth-pppoe-tcp-80", 1, ether(macB, macA, 0x8864, pppoe(5, 0x21, ip4(6, "10.0.0.1", "10.0.0.2", 0, tcpSeg(40000, 80, 0x02))))},
	{"eth-pppoe-ip6-udp", 1, ether(macB, macA, 0x8864, pppoe(6, 0x57, ip6(17, "2001:db8::1", "2001:db8::2", udpDgram(5353, 53, []byte("q")))))},
	{"eth-vlan-pppoe-icmp", 1, ether(macB, macA, 0x8100, vlanTag(9, 0x8864, pppoe(7, 0x21, ip4(1, "10.0.0.1", "10.0.0.2", 0, icmpMsg(8, 0)))))},
	{"eth-pppoe-mpls-ip", 1, ether(macB, macA, 0x8864, pppoe(8, 0x281, append([]byte{0x00, 0x00, 0x51, 0x40}, ip4(17, "10.0.0.1", "10.0.0.2", 0, udpDgram(1, 2, nil))...)))},
	{"eth-pppoed-padi", 1, ether(bcast, macA, 0x8863, []byte{0x11, 0x09, 0, 0, 0, 4, 0x01, 0x01, 0, 0})},
	{"eth-arp-bcast", 1, ether(bcast, macA, 0x0806, arpPkt(1, "10.0.0.1", "10.0.0.2"))},
	{"eth-truncated-tcp", 1, ether(macB, macA, 0x0800, ip4(6, "10.0.0.1", "10.0.0.2", 0, tcpSeg(40000, 80, 0x02)))[:40]},
	{"sll-udp-8805", 113, sll(0x0800, ip4(17, "127.0.0.4", "127.0.0.7", 0, udpDgram(8805, 8805, nil)))},
	{"sll2-tcp-443", 276, sll2(0x0800, ip4(6, "10.1.1.1", "10.2.2.2", 0, tcpSeg(443, 50000, 0x18)))},
	{"null-ip-udp", 0, null(2, ip4(17, "127.0.0.1", "127.0.0.1", 0, udpDgram(8805, 57966, nil)))},
	{"null-ip6-tcp", 0, null(30, ip6(6, "::1", "::1", tcpSeg(49888, 81, 0x18)))},
	{"raw-ip6-tcp", 101, ip6(6, "2001:db8::1", "2001:db8::2", tcpSeg(35995, 80, 0x10))},
	{"raw12-ip-icmp", 12, ip4(1, "10.0.0.1", "10.0.0.2", 0, icmpMsg(11, 0))},
	{"empty", 1, nil},
}

// fixture returns the named fixture's frame.
func fixtureByName(name string) fixture {
	for _, f := range fixtures {
		if f.name == name {
			return f
		}
	}
	panic("no fixture " + name)
}
