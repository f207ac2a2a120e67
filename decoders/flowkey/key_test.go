package flowkey

import (
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
)

func TestKeyString(t *testing.T) {
	a4, b4 := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
	a6, b6 := netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("::1")
	tests := []struct {
		key        Key
		str, fname string
	}{
		{Key{kind: IPPair, a: a4, b: b4}, "10.0.0.1 <-> 10.0.0.2", "10.0.0.1_10.0.0.2"},
		{Key{kind: ThreeTuple, a: a4, b: b4, proto: 47}, "gre 10.0.0.1 <-> 10.0.0.2", "gre_10.0.0.1_10.0.0.2"},
		{Key{kind: ThreeTuple, a: a4, b: b4, proto: 253}, "ip253 10.0.0.1 <-> 10.0.0.2", "ip253_10.0.0.1_10.0.0.2"},
		{Key{kind: FiveTuple, a: a4, b: b4, aPort: 1234, bPort: 80, proto: 6}, "tcp 10.0.0.1:1234 <-> 10.0.0.2:80", "tcp_10.0.0.1_1234_10.0.0.2_80"},
		{Key{kind: FiveTuple, a: b6, b: a6, aPort: 1234, bPort: 80, proto: 6, gen: 1}, "tcp [::1]:1234 <-> [2001:db8::1]:80 #2", "tcp_0--1_1234_2001-db8--1_80-2"},
		{Key{kind: FiveTupleDir, a: a6, b: b6, aPort: 53, bPort: 9, proto: 17}, "udp [2001:db8::1]:53 -> [::1]:9", "udp_2001-db8--1_53_to_0--1_9"},
		{Key{kind: SrcIP, a: a4}, "src 10.0.0.1", "src_10.0.0.1"},
		{Key{kind: ServerIP, a: a6}, "server 2001:db8::1", "server_2001-db8--1"},
		{Key{kind: ServerPort, proto: 6, aPort: 443}, "tcp server port 443", "server_tcp_443"},
		{Key{kind: ClientPort, proto: 17, aPort: 5353}, "udp client port 5353", "client_udp_5353"},
		{Key{kind: VLAN, id: 4094}, "vlan 4094", "vlan_4094"},
		{Key{kind: MACPair, macA: [6]byte{0, 1, 2, 3, 4, 5}, macB: [6]byte{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}}, "00:01:02:03:04:05 <-> aa:bb:cc:dd:ee:ff", "00-01-02-03-04-05_aa-bb-cc-dd-ee-ff"},
		{Key{kind: Count, id: 1}, "chunk 1", "chunk-000001"},
		{Key{kind: Time, id: 12345678}, "chunk 12345678", "chunk-12345678"},
		{Key{}, "invalid key", "invalid"},
	}
	for _, tt := range tests {
		if got := tt.key.String(); got != tt.str {
			t.Errorf("String() = %q, want %q", got, tt.str)
		}
		if got := tt.key.FileName(); got != tt.fname {
			t.Errorf("FileName() = %q, want %q", got, tt.fname)
		}
	}
}

func randAddr(r *rand.Rand) netip.Addr {
	switch r.IntN(5) {
	case 0:
		var b [4]byte
		for i := range b {
			b[i] = byte(r.IntN(4)) // small values make collisions likely if names were ambiguous
		}
		return netip.AddrFrom4(b)
	case 1:
		return netip.AddrFrom16([16]byte{15: byte(r.IntN(256))}) // ::N
	case 2:
		return netip.AddrFrom16([16]byte{10: 0xff, 11: 0xff, 12: 10, 15: byte(r.IntN(3))}) // ::ffff:10.0.0.N
	default:
		var b [16]byte
		for i := range b {
			if r.IntN(3) == 0 {
				b[i] = byte(r.IntN(256))
			}
		}
		return netip.AddrFrom16(b)
	}
}

// TestFileNameSafeAndUnique builds many keys of every kind and checks that
// names are safe file names and that distinct keys of a kind never share one.
func TestFileNameSafeAndUnique(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	seen := map[Kind]map[string]Key{}
	for i := 0; i < 200000; i++ {
		kind := Kind(1 + r.IntN(int(Time)))
		key := Key{kind: kind}
		switch kind {
		case IPPair, ThreeTuple, FiveTuple, FiveTupleDir:
			key.a, key.b = randAddr(r), randAddr(r)
			if kind != FiveTupleDir && key.b.Less(key.a) {
				key.a, key.b = key.b, key.a
			}
			if kind != IPPair {
				key.proto = byte(r.IntN(256))
			}
			if kind == FiveTuple || kind == FiveTupleDir {
				key.aPort, key.bPort = uint16(r.IntN(3)), uint16(r.IntN(65536))
				key.gen = uint32(r.IntN(3))
			}
		case SrcIP, DstIP, ClientIP, ServerIP:
			key.a = randAddr(r)
		case ServerPort, ClientPort:
			key.proto, key.aPort = byte(r.IntN(256)), uint16(r.IntN(65536))
		case VLAN:
			key.id = uint64(r.IntN(4096))
		case MACPair:
			key.macA[5], key.macB[0] = byte(r.IntN(256)), byte(r.IntN(256))
		default:
			key.id = uint64(r.Int64N(1 << 40))
		}
		name := key.FileName()
		checkSafeName(t, name)
		m := seen[kind]
		if m == nil {
			m = map[string]Key{}
			seen[kind] = m
		}
		if prev, ok := m[name]; ok && prev != key {
			t.Fatalf("keys %v and %v share file name %q", prev, key, name)
		}
		m[name] = key
	}
	// Across kinds too: the prefixes and shapes keep names apart.
	all := map[string]Kind{}
	for kind, m := range seen {
		for name := range m {
			if k, ok := all[name]; ok && k != kind {
				t.Errorf("name %q used by kinds %v and %v", name, k, kind)
			}
			all[name] = kind
		}
	}
}

func checkSafeName(t *testing.T, name string) {
	t.Helper()
	if name == "" || len(name) > 200 || name[0] == '.' || name[0] == '-' {
		t.Fatalf("unsafe name %q", name)
	}
	if strings.ContainsAny(name, "/\\:*?\"<>| %") {
		t.Fatalf("unsafe character in %q", name)
	}
	for _, c := range name {
		if c < 0x20 || c > 0x7e {
			t.Fatalf("non-printable character in %q", name)
		}
	}
}

func TestFileNameLongest(t *testing.T) {
	a := netip.MustParseAddr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
	k := Key{kind: FiveTupleDir, a: a, b: a, aPort: 65535, bPort: 65535, proto: 136, gen: ^uint32(0) - 1}
	checkSafeName(t, k.FileName())
}
