package seids

import (
	"io"
	"runtime"
	"testing"

	"github.com/pcapflow/pcapflow/generators"
)

// TestMessageReportAllocs: the message report allocates per run and as
// its tables grow, never per message: a capture four times longer costs
// (almost) no more allocations.
func TestMessageReportAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 30k messages")
	}
	small := generators.PFCPScenario{Sessions: 1000, Rate: 1000, Seed: 1}
	large := generators.PFCPScenario{Sessions: 5000, Rate: 1000, Seed: 1}
	smallPath := writeTemp(t, "small.pcap", generate(t, small))
	largePath := writeTemp(t, "large.pcap", generate(t, large))
	extra := float64(large.Expect().PFCPMessages - small.Expect().PFCPMessages)
	for _, opts := range []Options{{Format: FormatJSON}, {Format: FormatText}, {Format: FormatCSV}} {
		t.Run(opts.Format, func(t *testing.T) {
			count := func(path string) uint64 {
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				reportTo(t, []string{path}, opts, io.Discard)
				runtime.ReadMemStats(&after)
				return after.Mallocs - before.Mallocs
			}
			count(smallPath) // warm up the runtime and the packages' lazy tables
			a, b := count(smallPath), count(largePath)
			perMsg := (float64(b) - float64(a)) / extra
			t.Logf("%d allocations for %d messages, %d for %d: %.4f per extra message", a, small.Expect().PFCPMessages,
				b, large.Expect().PFCPMessages, perMsg)
			if perMsg > 0.01 {
				t.Errorf("%.4f allocations per message", perMsg)
			}
		})
	}
}
