package filter

import (
	"slices"
	"strings"
	"testing"
)

// TestMatchFixtures checks libpcap's semantics on hand-built frames. The
// expected sets are what tcpdump 4.99.3 / libpcap 1.10.3 printed for the
// same frames written to one pcap per link type (eth-truncated-tcp with a
// wire length of 54).
func TestMatchFixtures(t *testing.T) {
	tests := []struct {
		expr string
		want string // space-separated fixture names that match
	}{
		{"tcp port 80", "eth-tcp-syn-80 eth-ip6-tcp-80 eth-truncated-tcp raw-ip6-tcp"},
		// libpcap finds IPv6 ports only right after the fixed header; "tcp"
		// alone also looks through one fragment header, not a hop-by-hop one.
		{"tcp", "eth-tcp-syn-80 eth-tcp-ack-443 eth-ip6-tcp-80 sll2-tcp-443 null-ip6-tcp raw-ip6-tcp eth-truncated-tcp"},
		{"udp", "eth-udp-53 eth-ip-frag2-udp eth-ip-frag1-udp eth-ip6-frag-udp sll-udp-8805 null-ip-udp"},
		// Ports match only the first fragment.
		{"udp port 53", "eth-udp-53 eth-ip-frag1-udp"},
		// No VLAN keyword: the tagged frame is not IP.
		{"ip", "eth-tcp-syn-80 eth-tcp-ack-443 eth-udp-53 eth-icmp-echo eth-ip-frag2-udp eth-ip-frag1-udp eth-truncated-tcp sll-udp-8805 sll2-tcp-443 null-ip-udp raw12-ip-icmp"},
		{"vlan and tcp port 80", "eth-vlan-tcp-80"},
		{"vlan 100", "eth-vlan-tcp-80"},
		{"vlan 10 and vlan 20 and icmp", "eth-qinq-icmp"},
		{"vlan and ip", "eth-vlan-tcp-80"},
		{"vlan and vlan and ip", "eth-qinq-icmp"},
		{"mpls 20 and udp", "eth-mpls-ip"},
		{"arp", "eth-arp-bcast"},
		{"host 10.0.0.2", "eth-tcp-syn-80 eth-tcp-ack-443 eth-icmp-echo eth-ip-frag2-udp eth-ip-frag1-udp eth-truncated-tcp eth-arp-bcast raw12-ip-icmp"},
		{"broadcast", "eth-arp-bcast eth-pppoed-padi"},
		{"icmp[icmptype] = icmp-echo", "eth-icmp-echo"},
		{"icmp6[icmp6type] = icmp6-neighborsolicit", "eth-ip6-icmp6-ns"},
		{"tcp[tcpflags] & tcp-syn != 0", "eth-tcp-syn-80"},
		// The truncated frame ends inside the TCP header: the load past the
		// end rejects the frame, whichever side of "or" comes first.
		{"tcp[13] = 2 or udp", "eth-tcp-syn-80 eth-udp-53 eth-ip-frag2-udp eth-ip-frag1-udp eth-ip6-frag-udp null-ip-udp sll-udp-8805"},
		{"udp or tcp[13] = 2", "eth-tcp-syn-80 eth-udp-53 eth-ip-frag2-udp eth-ip-frag1-udp eth-ip6-frag-udp null-ip-udp sll-udp-8805"},
		{"ip6 multicast", "eth-ip6-frag-udp eth-ip6-icmp6-ns"},
		{"ether src 00:11:22:33:44:55", "eth-tcp-syn-80 eth-udp-53 eth-icmp-echo eth-ip-frag2-udp eth-ip-frag1-udp eth-ip6-tcp-80 eth-ip6-hbh-tcp-80 eth-ip6-frag-udp eth-ip6-icmp6-ns eth-vlan-tcp-80 eth-qinq-icmp eth-mpls-ip eth-pppoe-tcp-80 eth-pppoe-ip6-udp eth-vlan-pppoe-icmp eth-pppoe-mpls-ip eth-pppoed-padi eth-arp-bcast eth-truncated-tcp"},
		{"greater 60", "null-ip6-tcp eth-ip6-tcp-80 eth-ip6-hbh-tcp-80 eth-ip6-frag-udp eth-ip6-icmp6-ns raw-ip6-tcp sll2-tcp-443 eth-pppoe-tcp-80 eth-pppoe-ip6-udp"},
		// After "pppoes" the offsets move past the PPPoE header and PPP
		// protocol field, and "ip", "ip6", "mpls" test the PPP protocol.
		{"pppoes", "eth-pppoe-tcp-80 eth-pppoe-ip6-udp eth-pppoe-mpls-ip"},
		{"pppoes 6", "eth-pppoe-ip6-udp"},
		{"pppoes and tcp port 80", "eth-pppoe-tcp-80"},
		{"pppoes and ip6 and udp port 53", "eth-pppoe-ip6-udp"},
		{"pppoes and host 10.0.0.2", "eth-pppoe-tcp-80"},
		{"vlan 9 and pppoes 7 and icmp", "eth-vlan-pppoe-icmp"},
		{"pppoes and mpls 5 and udp", "eth-pppoe-mpls-ip"},
		{"pppoes 8 and mpls and ip", "eth-pppoe-mpls-ip"},
		{"pppoed", "eth-pppoed-padi"},
		{"ip6 and not ip6 proto 6", "eth-ip6-hbh-tcp-80 eth-ip6-frag-udp eth-ip6-icmp6-ns"},
		{"", "*"},
	}
	for _, tt := range tests {
		f, err := Compile(tt.expr)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tt.expr, err)
		}
		var got []string
		for _, fx := range fixtures {
			if f.Check(fx.link) == nil && f.Match(fx.data, fx.link, nil) {
				got = append(got, fx.name)
			}
		}
		want := strings.Fields(tt.want)
		if tt.want == "*" {
			want = nil
			for _, fx := range fixtures {
				want = append(want, fx.name)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q\n got  %v\n want %v", tt.expr, got, want)
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		expr string
		link uint16
		want string
	}{
		{"vlan", 113, "no VLAN support for Linux cooked v1"},
		{"tcp or mpls", 276, "no MPLS support for Linux cooked v2"},
		{"ether host 0:1:2:3:4:5", 101, "ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel"},
		{"broadcast", 0, "not a broadcast link"},
		{"multicast", 12, "link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel"},
		{"vlan", 1, ""},
		{"tcp", 113, ""},
		{"tcp", 147, "pcapflow filters do not support link type 147"},
		// libpcap tests only IPv4 and IPv6 over MPLS, and reports a link
		// type without MPLS first.
		{"mpls and arp", 1, "unsupported protocol over mpls"},
		{"mpls and ether proto \\ipx", 1, "unsupported protocol over mpls"},
		{"mpls and pppoes", 1, "unsupported protocol over mpls"},
		{"mpls and arp", 113, "no MPLS support for Linux cooked v1"},
		{"mpls and host 10.0.0.1", 1, ""},
		// After "pppoes" the link is PPP, whatever it was.
		{"pppoes and vlan", 1, "no VLAN support for PPP"},
		{"pppoes and vlan", 276, "no VLAN support for PPP"},
		{"vlan and pppoes and vlan", 113, "no VLAN support for Linux cooked v1"},
		{"pppoes and ether host 0:1:2:3:4:5", 1, "ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel"},
		{"pppoes and broadcast", 1, "not a broadcast link"},
		{"pppoes and ether multicast", 1, "link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel"},
		{"pppoes and ip broadcast", 1, ""},
		// PPP and Cisco HDLC links: MPLS on PPP and Cisco HDLC only.
		{"vlan", 9, "no VLAN support for PPP"},
		{"mpls", 9, ""},
		{"mpls", 50, "no MPLS support for PPP over serial"},
		{"mpls", 51, "no MPLS support for PPPoE"},
		{"mpls", 104, ""},
		{"vlan", 104, "no VLAN support for Cisco HDLC"},
		{"ether host 0:1:2:3:4:5", 104, "ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel"},
		{"broadcast", 9, "not a broadcast link"},
	}
	for _, tt := range tests {
		err := MustCompile(tt.expr).Check(tt.link)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("%q on %d: got %q, want %q", tt.expr, tt.link, got, tt.want)
		}
	}
}

func TestMatchAllocs(t *testing.T) {
	for _, expr := range []string{"tcp port 80", "host 10.0.0.1 and (port 53 or port 443)",
		"tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn", "len - ip[2:2] > 14 or ip6 net 2001:db8::/32"} {
		f := MustCompile(expr)
		for _, fx := range fixtures {
			if n := testing.AllocsPerRun(100, func() { f.Match(fx.data, fx.link, nil) }); n != 0 {
				t.Errorf("%q on %s: %v allocations per Match", expr, fx.name, n)
			}
		}
	}
}

// pppFixtures are frames of the PPP and Cisco HDLC link types.
var pppFixtures = []fixture{
	{"ppp-tcp-80", 9, append([]byte{0xff, 0x03, 0x00, 0x21}, ip4(6, "10.0.0.1", "10.0.0.2", 0, tcpSeg(40000, 80, 0x02))...)},
	{"ppp-ip6-udp-53", 9, append([]byte{0xff, 0x03, 0x00, 0x57}, ip6(17, "2001:db8::1", "2001:db8::2", udpDgram(5353, 53, []byte("q")))...)},
	{"ppp-mpls-udp", 9, append([]byte{0xff, 0x03, 0x02, 0x81, 0x00, 0x01, 0x41, 0x40}, ip4(17, "10.0.0.1", "10.0.0.2", 0, udpDgram(1, 2, nil))...)},
	{"ppp-lcp", 9, []byte{0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x04}},
	{"ppp-serial-tcp-443", 50, append([]byte{0xff, 0x03, 0x00, 0x21}, ip4(6, "10.0.0.2", "192.168.1.9", 0, tcpSeg(443, 40001, 0x10))...)},
	{"pppoe-link-icmp", 51, append([]byte{0x11, 0, 0, 5, 0, 30, 0x00, 0x21}, ip4(1, "10.0.0.1", "10.0.0.2", 0, icmpMsg(8, 0))...)},
	{"chdlc-tcp-80", 104, append([]byte{0x0f, 0x00, 0x08, 0x00}, ip4(6, "10.0.0.1", "10.0.0.2", 0, tcpSeg(40000, 80, 0x02))...)},
	{"chdlc-mpls-udp", 104, append([]byte{0x0f, 0x00, 0x88, 0x47, 0x00, 0x01, 0x41, 0x40}, ip4(17, "10.0.0.1", "10.0.0.2", 0, udpDgram(1, 2, nil))...)},
}

// TestMatchPPPLinks checks libpcap's offsets on PPP (protocol field at byte
// 2, or 6 after a PPPoE header) and Cisco HDLC (Ethertype at byte 2)
// links. The expected sets are what tcpdump 4.99.3 / libpcap 1.10.3
// printed for the same frames written to one pcap per link type.
func TestMatchPPPLinks(t *testing.T) {
	tests := []struct {
		expr string
		want string
	}{
		{"ip", "ppp-tcp-80 ppp-serial-tcp-443 pppoe-link-icmp chdlc-tcp-80"},
		{"ip6", "ppp-ip6-udp-53"},
		{"tcp port 80", "ppp-tcp-80 chdlc-tcp-80"},
		{"udp port 53", "ppp-ip6-udp-53"},
		{"host 10.0.0.2", "ppp-tcp-80 ppp-serial-tcp-443 pppoe-link-icmp chdlc-tcp-80"},
		{"icmp", "pppoe-link-icmp"},
		{"mpls and udp", "ppp-mpls-udp chdlc-mpls-udp"},
		{"mpls 20", "ppp-mpls-udp chdlc-mpls-udp"},
		{"not ip and not ip6", "ppp-mpls-udp ppp-lcp chdlc-mpls-udp"},
		{"ether proto 0x21", "ppp-tcp-80 ppp-serial-tcp-443 pppoe-link-icmp"},
	}
	for _, tt := range tests {
		f := MustCompile(tt.expr)
		var got []string
		for _, fx := range pppFixtures {
			if f.Check(fx.link) == nil && f.Match(fx.data, fx.link, nil) {
				got = append(got, fx.name)
			}
		}
		want := strings.Fields(tt.want)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q\n got  %v\n want %v", tt.expr, got, want)
		}
	}
}
