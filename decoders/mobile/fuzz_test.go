package mobile

import (
	"net/netip"
	"testing"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/internal/corpus"
)

// FuzzTables feeds arbitrary datagrams (cut from the fuzz bytes: a length
// octet, a direction bit, then the payload) to both tables as PFCP, as
// GTPv2-C and as GTPv1-C, alternating directions, then looks up tunnels and
// UE addresses:
// nothing may panic and every index returned must be in range.
func FuzzTables(f *testing.F) {
	corpus.Seed(func(b []byte) { f.Add(b) }, 4096)
	f.Add([]byte{16, 0, 0x21, 50, 0, 12, 0, 0, 0, 1, 0, 0, 57, 0, 0, 0})
	// A GTPv1-C Create PDP Context Request: IMSI, TEID Data I, TEID C, GSN Address.
	f.Add([]byte{38, 0, 0x32, 16, 0, 30, 0, 0, 0, 0, 0, 1, 0, 0, 2, 0x21, 0x43, 0x65, 0x87, 0x09, 0x21, 0x43, 0xf5,
		16, 0, 0, 0, 9, 17, 0, 0, 0, 8, 133, 0, 4, 10, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		a, b := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
		pt, gt := NewPFCPTable(), NewGTPCTable()
		var s pfcp.Summary
		for len(data) >= 2 {
			n := min(int(data[0]), len(data)-2)
			src, dst := a, b
			if data[1]&1 != 0 {
				src, dst = b, a
			}
			msg := data[2 : 2+n]
			data = data[2+n:]
			pfcp.Summarize(msg, &s)
			if i, c := pt.Add(src, dst, &s); c == ClassSession && (i < 0 || int(i) >= pt.Len()) {
				t.Fatalf("session %d of %d", i, pt.Len())
			}
			if i, ok := gt.Add(src, dst, msg); ok && (i < 0 || int(i) >= gt.Len()) {
				t.Fatalf("subscriber %d of %d", i, gt.Len())
			}
			if i, ok := gt.AddV1(src, dst, msg); ok && (i < 0 || int(i) >= gt.Len()) {
				t.Fatalf("GTPv1-C subscriber %d of %d", i, gt.Len())
			}
			if len(msg) >= 4 {
				teid := uint32(msg[0])<<24 | uint32(msg[1])<<16 | uint32(msg[2])<<8 | uint32(msg[3])
				if i, ok := pt.Tunnel(dst, teid); ok && int(i) >= pt.Len() {
					t.Fatalf("tunnel owner %d of %d", i, pt.Len())
				}
				if i, ok := gt.Tunnel(dst, teid); ok && int(i) >= gt.Len() {
					t.Fatalf("tunnel owner %d of %d", i, gt.Len())
				}
			}
		}
	})
}
