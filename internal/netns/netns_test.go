package netns

import (
	"testing"
	"time"
)

func TestParsePing(t *testing.T) {
	tests := []struct {
		name   string
		out    string
		rtts   []time.Duration
		ttls   []int
		median time.Duration
	}{
		{"none", "PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.\n\n--- 10.0.0.2 ping statistics ---\n", nil, nil, 0},
		{"three", "64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.051 ms\n64 bytes from 10.0.0.2: icmp_seq=2 ttl=63 time=1.50 ms\n64 bytes from 10.0.0.2: icmp_seq=3 ttl=64 time=0.2 ms\n",
			[]time.Duration{51 * time.Microsecond, 1500 * time.Microsecond, 200 * time.Microsecond}, []int{64, 63, 64}, 200 * time.Microsecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ParsePing(tc.out)
			if len(r.RTT) != len(tc.rtts) {
				t.Fatalf("got %d replies, want %d", len(r.RTT), len(tc.rtts))
			}
			for i := range r.RTT {
				if d := r.RTT[i] - tc.rtts[i]; d > time.Microsecond || d < -time.Microsecond || r.TTL[i] != tc.ttls[i] {
					t.Errorf("reply %d: got rtt %v ttl %d, want %v %d", i, r.RTT[i], r.TTL[i], tc.rtts[i], tc.ttls[i])
				}
			}
			if m := r.Median(); m-tc.median > time.Microsecond || tc.median-m > time.Microsecond {
				t.Errorf("median %v, want %v", m, tc.median)
			}
		})
	}
}

// TestVethPing builds two namespaces joined by a veth pair and pings across.
func TestVethPing(t *testing.T) {
	Require(t)
	RequireCommand(t, "ping", "iputils-ping")
	a, b := New(t, "a"), New(t, "b")
	Veth(t, a, "va", b, "vb")
	a.Addr("va", "10.99.0.1/24")
	b.Addr("vb", "10.99.0.2/24")
	if mac := a.MAC("va"); len(mac) != 17 {
		t.Errorf("MAC %q", mac)
	}
	r := a.Ping("10.99.0.2", 3)
	if len(r.RTT) != 3 {
		t.Fatalf("got %d replies, want 3:\n%s", len(r.RTT), r.Output)
	}
}
