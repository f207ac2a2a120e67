package flowkey_test

import (
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/decoders/flowkey"
	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/pipeline"
)

// TestSessionKeysReusedTEIDs runs two generated PFCP scenarios with the
// same seed one after the other, so the second reuses every SEID and TEID of
// the first after its sessions were deleted: each session, of either run,
// must be one key holding its own PFCP messages and G-PDUs; the second run's
// sessions are the next generation of the same (CP, UP, CP SEID).
func TestSessionKeysReusedTEIDs(t *testing.T) {
	const sessions, userPlane = 6, 5
	day := 24 * time.Hour
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	sc := generators.PFCPScenario{Sessions: sessions, UserPlane: userPlane, RejectEvery: 3, Retransmit: 0.3,
		Seed: 7, Heartbeats: 2, QFI: 5, Start: base}
	a := writeScenario(t, "a.pcap", sc)
	sc.Start = base.Add(day)
	b := writeScenario(t, "b.pcap", sc)
	exp := sc.Expect()

	for _, tt := range []struct {
		name  string
		spec  flowkey.Spec
		gpdus bool
	}{
		{"session", flowkey.Spec{Kind: flowkey.Session}, true},
		{"seid", flowkey.Spec{Kind: flowkey.SEID}, false},
		{"session:nodes", flowkey.Spec{Kind: flowkey.Session, NodePairs: true}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, _ := keyFiles(t, tt.spec, a, b)
			type count struct {
				pfcp, gpdu int
				inputs     map[pipeline.InputID]bool
			}
			per := map[flowkey.Key]*count{}
			var nodes, otherGPDU, otherPFCP int
			for _, k := range out {
				d := &k.decoded
				isG := d.Layers.Has(pipeline.LayerGTPU) && d.GTPType == 255
				if !k.ok {
					if isG {
						otherGPDU++
					} else if d.Layers.Has(pipeline.LayerPFCP) && d.PFCPType >= 50 {
						otherPFCP++
					}
					continue
				}
				if k.key.NodePair() {
					nodes++
					continue
				}
				c := per[k.key]
				if c == nil {
					c = &count{inputs: map[pipeline.InputID]bool{}}
					per[k.key] = c
				}
				c.inputs[k.input] = true
				if isG {
					c.gpdu++
				} else {
					c.pfcp++
				}
			}
			if len(per) != 2*sessions {
				t.Fatalf("%d session keys, want %d", len(per), 2*sessions)
			}
			if otherPFCP != 0 {
				t.Errorf("%d session messages without a key", otherPFCP)
			}
			wantOtherG := 0
			if !tt.gpdus {
				wantOtherG = int(2 * exp.GPDUs)
			}
			if otherGPDU != wantOtherG {
				t.Errorf("%d G-PDUs without a key, want %d", otherGPDU, wantOtherG)
			}
			wantNodes := 0
			if tt.spec.NodePairs {
				for typ, n := range exp.MessagesByType {
					if typ < 50 {
						wantNodes += 2 * int(n)
					}
				}
			}
			if nodes != wantNodes {
				t.Errorf("%d node messages under node keys, want %d", nodes, wantNodes)
			}
			gens := map[uint32]int{}
			var rejected int
			for key, c := range per {
				if len(c.inputs) != 1 {
					t.Errorf("%v mixes both runs", key)
				}
				gens[key.Generation()]++
				switch {
				case c.gpdu == 0 && c.pfcp >= 2:
					rejected++
				case tt.gpdus && c.gpdu != userPlane:
					t.Errorf("%v holds %d G-PDUs, want %d", key, c.gpdu, userPlane)
				}
			}
			if gens[0] != sessions || gens[1] != sessions {
				t.Errorf("generations %v, want %d of 0 and of 1", gens, sessions)
			}
			if tt.gpdus && rejected != 2*int(exp.Rejected) {
				t.Errorf("%d keys without user plane, want %d rejected", rejected, 2*exp.Rejected)
			}
		})
	}
}
