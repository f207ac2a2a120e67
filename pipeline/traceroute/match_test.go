package traceroute

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
)

// ip4 builds an IPv4 packet around l4.
func ip4(src, dst string, ttl, proto byte, l4 []byte) []byte {
	b := make([]byte, 20, 20+len(l4))
	b[0] = 0x45
	binary.BigEndian.PutUint16(b[2:], uint16(20+len(l4)))
	b[8], b[9] = ttl, proto
	s, d := netip.MustParseAddr(src).As4(), netip.MustParseAddr(dst).As4()
	copy(b[12:], s[:])
	copy(b[16:], d[:])
	return append(b, l4...)
}

func echo(typ byte, id, seq uint16) []byte {
	m := make([]byte, 16)
	m[0] = typ
	binary.BigEndian.PutUint16(m[4:], id)
	binary.BigEndian.PutUint16(m[6:], seq)
	return m
}

func udp(sport, dport uint16) []byte {
	m := make([]byte, 16)
	binary.BigEndian.PutUint16(m[0:], sport)
	binary.BigEndian.PutUint16(m[2:], dport)
	binary.BigEndian.PutUint16(m[4:], 16)
	return m
}

func icmpErr(typ, code byte, quoted []byte) []byte {
	return append([]byte{typ, code, 0, 0, 0, 0, 0, 0}, quoted[:28]...)
}

func TestClassify(t *testing.T) {
	a, z, r := "10.0.0.1", "10.9.9.9", "10.0.0.254"
	probeEcho := ip4(a, z, 3, 1, echo(8, 77, 5))
	probeUDP := ip4(a, z, 2, 17, udp(40000, 33436))
	keyEcho := Key{netip.MustParseAddr(a), netip.MustParseAddr(z), 1, 77, 5}
	keyUDP := Key{netip.MustParseAddr(a), netip.MustParseAddr(z), 17, 40000, 33436}
	for _, tc := range []struct {
		name string
		pkt  []byte
		kind Kind
		from string
		key  Key
	}{
		{"echo reply", ip4(z, a, 60, 1, echo(0, 77, 5)), Reached, z, keyEcho},
		{"time exceeded for echo", ip4(r, a, 64, 1, icmpErr(11, 0, probeEcho)), TimeExceeded, r, keyEcho},
		{"time exceeded for udp", ip4(r, a, 64, 1, icmpErr(11, 0, probeUDP)), TimeExceeded, r, keyUDP},
		{"port unreachable from target", ip4(z, a, 64, 1, icmpErr(3, 3, probeUDP)), Reached, z, keyUDP},
		{"port unreachable from a router", ip4(r, a, 64, 1, icmpErr(3, 3, probeUDP)), Unreachable, r, keyUDP},
		{"host unreachable", ip4(r, a, 64, 1, icmpErr(3, 1, probeEcho)), Unreachable, r, keyEcho},
		{"echo request is no answer", probeEcho, NotAnswer, "", Key{}},
		{"truncated quote", ip4(r, a, 64, 1, icmpErr(11, 0, probeUDP)[:20]), NotAnswer, "", Key{}},
		{"not ip", []byte{0x00, 1, 2}, NotAnswer, "", Key{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Classify(tc.pkt)
			if got.Kind != tc.kind {
				t.Fatalf("kind %v, want %v", got.Kind, tc.kind)
			}
			if tc.kind == NotAnswer {
				return
			}
			if got.From.String() != tc.from || got.Probe != tc.key {
				t.Errorf("from %s probe %+v; want %s %+v", got.From, got.Probe, tc.from, tc.key)
			}
		})
	}
	if k, ttl, ok := ProbeKeyOf(probeUDP); !ok || k != keyUDP || ttl != 2 {
		t.Errorf("ProbeKeyOf(udp) = %+v %d %v", k, ttl, ok)
	}
	if _, _, ok := ProbeKeyOf(ip4(z, a, 60, 1, echo(0, 77, 5))); ok {
		t.Errorf("an echo reply taken for a probe")
	}
}

func FuzzClassify(f *testing.F) {
	f.Add(ip4("10.0.0.254", "10.0.0.1", 64, 1, icmpErr(11, 0, ip4("10.0.0.1", "10.9.9.9", 1, 17, udp(1, 2)))))
	f.Add(ip4("10.9.9.9", "10.0.0.1", 64, 1, echo(0, 1, 2)))
	corpus.Seed(func(b []byte) { f.Add(b) }, 2048)
	f.Fuzz(func(t *testing.T, b []byte) {
		a := Classify(b)
		if a.Kind != NotAnswer && !a.From.IsValid() {
			t.Fatalf("answer without a source")
		}
		ProbeKeyOf(b)
		h := NewHops(HopsOptions{})
		h.Packet(b, 1, 1)
		h.Packet(b, 2, 2)
		h.Paths()
	})
}
