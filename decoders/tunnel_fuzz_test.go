package decoders

import (
	"encoding/binary"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/pipeline"
)

// udpFrame wraps payload p in Ethernet/IPv4/UDP to port dport, with
// lengths set from p (no checksums: the decoder does not verify them).
func udpFrame(dport uint16, p []byte) []byte {
	b := make([]byte, 14+20+8, 14+20+8+len(p))
	copy(b, macB[:])
	copy(b[6:], macA[:])
	binary.BigEndian.PutUint16(b[12:], 0x0800)
	ip := b[14:]
	ip[0], ip[8], ip[9] = 0x45, 64, 17
	binary.BigEndian.PutUint16(ip[2:], uint16(20+8+len(p)))
	copy(ip[12:], v4A.AsSlice())
	copy(ip[16:], v4B.AsSlice())
	u := ip[20:]
	binary.BigEndian.PutUint16(u[0:], 40000)
	binary.BigEndian.PutUint16(u[2:], dport)
	binary.BigEndian.PutUint16(u[4:], uint16(8+len(p)))
	return append(b, p...)
}

// FuzzDecodeTunnel feeds arbitrary UDP payloads to the GTP-U, GTP-C and
// PFCP decoders (port chosen by which), whole and cut by a snap length:
// never a panic, the same result from a reused decoder, inner fields only
// under GTP-U, and mobile-core layers only on their own port.
func FuzzDecodeTunnel(f *testing.F) {
	for _, fx := range tunnelFixtures(f) {
		if len(fx.data) > 42 {
			for w := range uint8(3) {
				f.Add(fx.data[42:], w)
			}
		}
	}
	corpus.Seed(func(b []byte) {
		if len(b) > 512 {
			b = b[:512]
		}
		f.Add(b, uint8(0))
	}, 512)
	ports := [3]uint16{DefaultGTPUPort, DefaultGTPCPort, DefaultPFCPPort}
	mobile := pipeline.LayerGTPU | pipeline.LayerGTPC | pipeline.LayerPFCP
	warm := tunnelFixtures(f)[0]
	f.Fuzz(func(t *testing.T, payload []byte, which uint8) {
		if len(payload) > 60000 {
			return
		}
		port := ports[int(which)%len(ports)]
		frame := udpFrame(port, payload)
		for _, n := range []int{len(frame), 42 + len(payload)/2} {
			var a, b pipeline.Decoded
			NewDecoder(Options{}).Decode(frame[:n], 1, uint32(len(frame)), &a)
			d := NewDecoder(Options{})
			d.Decode(warm.data, warm.link, warm.origLen(), &b)
			d.Decode(frame[:n], 1, uint32(len(frame)), &b)
			if a != b {
				t.Fatalf("reused decoder differs:\n%s", diffDecoded(a, b))
			}
			inner := pipeline.LayerInnerIPv4 | pipeline.LayerInnerIPv6
			if a.Layers&inner != 0 && !a.Layers.Has(pipeline.LayerGTPU) {
				t.Fatalf("inner layers without GTP-U: %b", a.Layers)
			}
			got := a.Layers & mobile
			if got != 0 && got != [3]pipeline.Layers{pipeline.LayerGTPU, pipeline.LayerGTPC, pipeline.LayerPFCP}[int(which)%3] {
				t.Fatalf("port %d gave layers %b", port, a.Layers)
			}
			if n == len(frame) && a.Flags.Has(pipeline.FlagTruncated) {
				t.Fatalf("truncated reported for an uncut frame")
			}
		}
	})
}
