package filter

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
)

// corpusExpressions returns the expressions of testdata/expressions.txt.
func corpusExpressions(tb testing.TB) []string {
	f, err := os.Open(filepath.Join("testdata", "expressions.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// FuzzCompile: no expression makes Compile panic; what compiles matches
// the fixtures without panicking; errors carry a column inside the
// expression.
func FuzzCompile(f *testing.F) {
	for _, e := range corpusExpressions(f) {
		f.Add(e)
	}
	for _, e := range []string{"tcp port", "(((", "ip[", "ip[0:", "\\", "::", "1:2:3:4:5:6:7", "vlan 1 and mpls 2 and ip[-1] > 0",
		"host 10.1 or 300.1.1.1", "net ::/0", "portrange 5-", "tcp[ip[0] % 0] = 1", "ip[0] ^ ^ 1"} {
		f.Add(e)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		flt, err := Compile(expr)
		if err != nil {
			if fe, ok := err.(*Error); ok && (fe.Column < 0 || fe.Column > len(expr)+1) {
				t.Fatalf("column %d outside %q", fe.Column, expr)
			}
			return
		}
		_ = flt.String()
		for _, fx := range fixtures {
			flt.Match(fx.data, fx.link, nil)
		}
	})
}

// fuzzFilters are the filters FuzzMatch runs over arbitrary frames.
var fuzzFilters = []string{
	"tcp port 80", "host 10.0.0.1 and (port 53 or port 443)", "vlan and vlan and tcp[tcpflags] & tcp-syn != 0",
	"mpls and mpls 3 and ip", "vlan and pppoes 7 and mpls and ip6", "pppoes and vlan", "ip6 net fe80::/10 or icmp6[0] = 135", "tcp[ip[0] & 0xf] = 1 or udp[len - 60] = 3",
	"len - ip[2:2] > 14", "ether[0:4] / (ip[0] & 1) = 0", "arp host 10.0.0.1 or ether src 0:1:2:3:4:5", "broadcast or multicast",
	"ip[2:2] - ((ip[0] & 0xf) << 2) - ((tcp[12] & 0xf0) >> 2) > 0",
}

// FuzzMatch: Match never panics on any bytes and link type.
func FuzzMatch(f *testing.F) {
	corpus.Seed(func(b []byte) { f.Add(b, uint16(1)) }, 4096)
	for _, fx := range fixtures {
		f.Add(fx.data, fx.link)
	}
	var flts []*Filter
	for _, e := range fuzzFilters {
		flts = append(flts, MustCompile(e))
	}
	f.Fuzz(func(t *testing.T, data []byte, link uint16) {
		for _, flt := range flts {
			flt.Match(data, link, nil)
			flt.MatchFrame(data, uint32(len(data))/2, link, nil)
		}
	})
}
