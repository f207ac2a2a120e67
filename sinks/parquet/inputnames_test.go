package parquet

import (
	"testing"

	"github.com/pcapflow/pcapflow/pipeline"
)

// TestInputNames asks for the names of inputs in runs and alternations
// (as a merge of several captures does) and an unknown id: each answer is
// the table's.
func TestInputNames(t *testing.T) {
	var tab pipeline.Inputs
	a := tab.Add(&pipeline.Input{Name: "a.pcap"})
	b := tab.Add(&pipeline.Input{Name: "b.pcapng"})
	n := newInputNames(&tab)
	for i, id := range []pipeline.InputID{a, a, b, a, b, b, 7, a, 7} {
		if got, want := n.name(id), tab.Name(id); got != want {
			t.Errorf("ask %d: input %d is %q, want %q", i, id, got, want)
		}
	}
}
