package seids

import (
	"net/netip"
	"testing"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
)

// BenchmarkFormatLine formats one Session Establishment Response line in
// each format (the per-message work of the Stage's formatting).
func BenchmarkFormatLine(b *testing.B) {
	r := record{frame: 123456, ts: 1704067200010528000, digits: 6, src: netip.MustParseAddrPort("10.0.0.1:8805"),
		dst: netip.MustParseAddrPort("10.0.0.2:8805"), headerOK: true, typ: 51, hasSEID: true, seid: 321269991204716545,
		seq: 9419, messages: 1, hasCause: true, cause: 1,
		fseids: []pfcp.FSEID{{SEID: 958742148884201473, IPv4: netip.MustParseAddr("10.0.0.2")}}}
	for _, f := range []uint8{fmtJSON, fmtText, fmtCSV} {
		fm := newFormatter(f)
		buf := make([]byte, 0, 1024)
		b.Run([...]string{fmtText: "text", fmtJSON: "json", fmtCSV: "csv"}[f], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf, _ = fm.appendLine(buf[:0], &r, "big.pcap")
			}
		})
	}
}
