package filter

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct{ expr, want string }{
		{"", ""},
		{"tcp", "tcp"},
		{"host 10.0.0.1", "host 10.0.0.1"},
		{"src host 10.0.0.1", "src host 10.0.0.1"},
		{"ip src or dst host 10.0.0.1", "ip src or dst host 10.0.0.1"},
		{"dst and src net 10.0.0.0/8", "src and dst net 10.0.0.0/8"},
		{"host 10.0.0.2 or 10.0.0.1", "(host 10.0.0.2 or host 10.0.0.1)"},
		{"port 80 or 443", "(port 80 or port 443)"},
		{"tcp dst port 80 or 443 and not 22", "((tcp dst port 80 or tcp dst port 443) and (not tcp dst port 22))"},
		{"host 10.0.0.1 and (port 53 or port 443)", "(host 10.0.0.1 and (port 53 or port 443))"},
		{"port 53 and (54 or 55)", "(port 53 and (port 54 or port 55))"},
		{"tcp or udp and port 53", "((tcp or udp) and port 53)"},
		{"not tcp and udp", "((not tcp) and udp)"},
		{"! ip || ip6 && arp", "(((not ip) or ip6) and arp)"},
		{"net 10.0.0.0 mask 255.0.0.0", "net 10.0.0.0 mask 255.0.0.0"},
		{"ip6 net fe80::/10", "ip6 net fe80::/10"},
		{"ether host 0:1:2:3:4:5", "ether host 0:1:2:3:4:5"},
		{"ip proto \\tcp", "ip proto tcp"},
		{"ether proto \\ip6", "ether proto ip6"},
		{"proto 17", "proto 17"},
		{"portrange 1-1023", "portrange 1-1023"},
		{"vlan 100 and ip", "(vlan 100 and ip)"},
		{"mpls", "mpls"},
		{"vlan 9 and pppoes 7 and ip", "((vlan 9 and pppoes 7) and ip)"},
		{"pppoed or pppoes", "(pppoed or pppoes)"},
		{"ether broadcast or ip multicast", "(ether broadcast or ip multicast)"},
		{"greater 100", "(len >= 100)"},
		{"less 60", "(len <= 60)"},
		{"len - 14 > 0x10", "((len - 14) > 16)"},
		{"tcp[tcpflags] & tcp-syn != 0", "((tcp[13:1] & 2) != 0)"},
		{"icmp[icmptype] == icmp-echo", "(icmp[0:1] = 8)"},
		{"ip[2:2] - ((ip[0] & 0xf) << 2) > 0", "((ip[2:2] - ((ip[0:1] & 15) << 2)) > 0)"},
		{"ip[0] - 2 - 1 = 2", "(((ip[0:1] - 2) - 1) = 2)"},
		{"ip[0] << 1 + 1 = 2", "((ip[0:1] << (1 + 1)) = 2)"},
		{"ip[0] / 4 % 7 = 3", "((ip[0:1] / (4 % 7)) = 3)"},
		{"ip[0] % 7 * 4 = 3", "((ip[0:1] % (7 * 4)) = 3)"},
		{"ip[0] & 4 ^ 7 = 3", "((ip[0:1] & (4 ^ 7)) = 3)"},
		{"ip[0] | 2 & 3 = 3", "((ip[0:1] | (2 & 3)) = 3)"},
		{"(tcp[0] + 1) > 0 and tcp", "(((tcp[0:1] + 1) > 0) and tcp)"},
		{"(tcp)", "tcp"},
		{"-ip[8] < 5", "(-ip[8:1] < 5)"},
		{"ip[0:4] = 010", "(ip[0:4] = 8)"},
	}
	for _, tt := range tests {
		f, err := Compile(tt.expr)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.expr, err)
			continue
		}
		if got := f.String(); got != tt.want {
			t.Errorf("Compile(%q).String()\n got  %s\n want %s", tt.expr, got, tt.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		expr string
		col  int
		msg  string
	}{
		{"tcp port", 9, "expected a port number after 'port'"},
		{"port x80", 6, "unknown port 'x80'"},
		{"port 70000", 6, "illegal port number 70000 > 65535"},
		{"tcp and 80", 9, "'80' has no qualifier to inherit: write host, net, port or proto before it"},
		{"host", 5, "expected a host address after 'host'"},
		{"tcp src 80", 1, "'tcp' modifier applied to host"},
		{"ip6 host 1.2.3.4", 1, "'ip6' modifier applied to ip host"},
		{"ip host ::1", 1, "'ip' modifier applied to ip6 host"},
		{"net 10.1.1.1/8", 5, "non-network bits set in \"10.1.1.1/8\""},
		{"ip[0:3] = 1", 6, "data size must be 1, 2, or 4"},
		{"ip[1] / 0 = 1", 7, "division by zero"},
		{"ip[1] << 40 = 1", 7, "shift by more than 31 bits"},
		{"host foo.invalid", 6, "unknown host 'foo.invalid' (pcapflow does not resolve names)"},
		{"(tcp", 1, "unbalanced '('"},
		{"tcp)", 4, "unbalanced ')'"},
		{"tcp or", 7, "unexpected end of expression; expected a primitive"},
		{"ip[0] 3", 7, "expected a comparison (=, !=, <, <=, >, >=) but found '3'"},
		{"tcp $", 5, "unexpected character '$'"},
		{"gateway x", 1, "'gateway' is not supported by pcapflow"},
		{"vlan 5000", 6, "VLAN tag 5000 greater than maximum 4095"},
		{"pppoes 70000", 8, "PPPoE session number 70000 greater than maximum 65535"},
		{"ip proto \\nosuch", 10, "unknown ip proto 'nosuch'"},
		{"udp port http", 10, "port 'http' is tcp"},
		{"ip port 80", 1, "illegal qualifier of 'port'"},
		{"host 1.2.3.4/8", 6, "mask syntax for networks only"},
		{"ether", 1, "'ether' needs a qualifier here (host, src, dst, proto…)"},
		{"ip6 broadcast", 1, "only link-layer/IP broadcast filters supported"},
		{"port 99999999999", 6, "number 99999999999 is too large"},
	}
	for _, tt := range tests {
		_, err := Compile(tt.expr)
		var fe *Error
		if !errors.As(err, &fe) {
			t.Errorf("Compile(%q) = %v, want an *Error", tt.expr, err)
			continue
		}
		if fe.Column != tt.col || fe.Msg != tt.msg {
			t.Errorf("Compile(%q):\n got  column %d: %s\n want column %d: %s", tt.expr, fe.Column, fe.Msg, tt.col, tt.msg)
		}
	}
}

func TestErrorText(t *testing.T) {
	_, err := Compile("tcp port x")
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("want *Error, got %v", err)
	}
	if got, want := fe.Error(), "syntax error at column 10: unknown port 'x'"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := fe.Caret(), "tcp port x\n         ^"; got != want {
		t.Errorf("Caret() =\n%s\nwant\n%s", got, want)
	}
}
