package flowkey_test

import (
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/decoders/flowkey"
	"github.com/pcapflow/pcapflow/generators"
)

// TestIMSIKeysGenerated keys generated S11 scenarios by IMSI and checks
// every frame's key against the generator's Expect: a subscriber's control
// messages (rejected ones included) and G-PDUs carry its key, whose string
// and file name spell the IMSI; Echo has no key.
func TestIMSIKeysGenerated(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  generators.GTPCScenario
	}{
		{"reuse-reject-retransmit-echo", generators.GTPCScenario{Subscribers: 12, RejectEvery: 4, Retransmit: 0.3, Echo: 2,
			ReuseTEIDs: true, Hold: 30 * time.Millisecond, UserPackets: 6, Seed: 21}},
		{"ipv6-transport", generators.GTPCScenario{Subscribers: 3, IPv6: true, UEIPv6: true, UserPackets: 4, Seed: 22, PLMN: "310260"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.cfg.Expect()
			out, _ := keyFiles(t, flowkey.Spec{Kind: flowkey.IMSI}, writeScenario(t, "gtpc.pcap", tc.cfg))
			if int64(len(out)) != e.Packets {
				t.Fatalf("%d frames keyed, want %d", len(out), e.Packets)
			}
			want := make([]string, len(out))
			for _, s := range e.PerSubscriber {
				for _, f := range s.Frames {
					want[f-1] = s.IMSI
				}
			}
			for k, o := range out {
				got := ""
				if o.ok {
					got = o.key.IMSI().String()
					if o.key.String() != "imsi "+got || o.key.FileName() != "imsi_"+got {
						t.Errorf("frame %d: key %q file %q", k+1, o.key.String(), o.key.FileName())
					}
				}
				if got != want[k] {
					t.Errorf("frame %d: key IMSI %q, want %q", k+1, got, want[k])
				}
			}
		})
	}
}
