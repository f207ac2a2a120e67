package pfcp

import (
	"testing"

	"github.com/pcapflow/pcapflow/internal/testcap"
)

// readPFCP returns every UDP datagram to or from port 8805 in capture path
// (outer UDP header only: PFCP quoted in ICMP errors is not traffic).
func readPFCP(tb testing.TB, path string) []testcap.Datagram {
	tb.Helper()
	return testcap.UDP(tb, path, testcap.Port(8805))
}
