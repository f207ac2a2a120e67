package seids

import (
	"io"
	"testing"

	"github.com/pcapflow/pcapflow/generators"
)

// benchScenario makes 200,002 PFCP messages: an association setup, then
// 33,333 sessions of establishment, modification and deletion exchanges.
var benchScenario = generators.PFCPScenario{Sessions: 33333, Rate: 1000, Seed: 1}

// BenchmarkSeids runs a generated 200k-message capture (a file in
// b.TempDir) through input → decode → seids --json to io.Discard.
func BenchmarkSeids(b *testing.B) {
	for _, c := range []struct {
		name string
		opts Options
	}{
		{"json", Options{Format: FormatJSON}},
		{"text", Options{}},
		{"sessions", Options{Sessions: true, Format: FormatJSON}},
	} {
		b.Run(c.name, func(b *testing.B) {
			path := writeTemp(b, "pfcp200k.pcap", generate(b, benchScenario))
			msgs := benchScenario.Expect().PFCPMessages
			b.ReportAllocs()
			for b.Loop() {
				opts := c.opts
				reportTo(b, []string{path}, opts, io.Discard)
			}
			b.ReportMetric(float64(msgs)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
