package flows_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/decoders/flows"
	"github.com/pcapflow/pcapflow/generators"
	"github.com/pcapflow/pcapflow/pipeline"
)

// observed is what a table made of a run: the flow and direction of each
// packet observed (outer, then tunnelled), and the records.
type observed struct {
	ids     []uint64
	dirs    []flows.Direction
	records []flows.Record
}

// observeRun feeds the packets of c to a new table in batches of batch
// packets, each given to Prepare first when prepare is set, observing
// only every every-th packet (the others were prepared but are skipped).
func observeRun(c *collectedPackets, batch, every int, prepare bool) observed {
	var o observed
	tab := flows.NewTable(flows.Options{Emit: func(r *flows.Record) { o.records = append(o.records, *r) }})
	for lo := 0; lo < len(c.pkts); lo += batch {
		hi := min(lo+batch, len(c.pkts))
		if prepare {
			tab.Prepare(c.pkts[lo:hi])
		}
		for i := lo; i < hi; i++ {
			if i%every != 0 {
				continue
			}
			p := &c.pkts[i]
			id, dir := tab.Observe(p, c.data[i])
			in, inDir := tab.ObserveInner(p, c.data[i], id)
			o.ids = append(o.ids, id, in)
			o.dirs = append(o.dirs, dir, inDir)
		}
	}
	tab.Flush()
	return o
}

// TestPrepareSameRecords checks that Prepare changes nothing Observe and
// ObserveInner return or emit: on the traffic mix, on GTP-U user planes
// (tunnelled flows, IPv4 and IPv6, fragments at an MTU of 576), with
// every packet observed and with every other one skipped after being
// prepared.
func TestPrepareSameRecords(t *testing.T) {
	for _, c := range []struct {
		name string
		src  pipeline.Source
	}{
		{"mix", generators.Mix{Packets: 30_000, Seed: 3}},
		{"user plane, MTU 576", generators.PFCPScenario{Sessions: 8, UserPlane: 24, MTU: 576, Seed: 2}},
		{"user plane over IPv6, MTU 576", generators.PFCPScenario{Sessions: 8, UserPlane: 24, IPv6: true, MTU: 576, Seed: 2}},
	} {
		var pk collectedPackets
		g := &pipeline.Graph{Source: c.src, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{})}, Sinks: []pipeline.Sink{&pk}, Workers: 2}
		if _, err := g.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, every := range []int{1, 2} {
			want := observeRun(&pk, 256, every, false)
			got := observeRun(&pk, 256, every, true)
			if len(want.records) == 0 {
				t.Fatalf("%s: no records", c.name)
			}
			if !reflect.DeepEqual(got.ids, want.ids) || !reflect.DeepEqual(got.dirs, want.dirs) {
				t.Errorf("%s, every %d: flows and directions differ with Prepare", c.name, every)
			}
			if !reflect.DeepEqual(got.records, want.records) {
				t.Errorf("%s, every %d: %d records with Prepare, %d without, or they differ", c.name, every, len(got.records), len(want.records))
			}
		}
	}
}
