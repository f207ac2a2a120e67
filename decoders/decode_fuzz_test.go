package decoders

import (
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/internal/testcap"
	"github.com/pcapflow/pcapflow/pipeline"
)

// FuzzDecode decodes arbitrary bytes on any link type, with and without
// Options.Decap: it must never panic, must give the same result from a
// fresh Decoder and from one that has just decoded something else, and
// must locate the payloads and IP headers inside the frame.
func FuzzDecode(f *testing.F) {
	for _, fx := range fixtures(f) {
		f.Add(fx.data, fx.link)
	}
	// Whole capture files (their headers exercise the decoder as garbage)
	// and their first frames with the real link types.
	corpus.Seed(func(b []byte) { f.Add(b, uint16(LinkEthernet)) }, 4096)
	if corpus.Find() != "" {
		for _, path := range corpus.Captures(f) {
			for i, fr := range testcap.Read(f, path) {
				if i == 8 {
					break
				}
				f.Add(fr.Data, fr.LinkType)
			}
		}
	}
	warm := fixtures(f)[0]
	f.Fuzz(func(t *testing.T, data []byte, link uint16) {
		for i, orig := range []uint32{uint32(len(data)), uint32(len(data)) + 100, uint32(len(data)), uint32(len(data)) + 100} {
			opts := Options{Decap: i >= 2} // tunnels decoded as Inner, then stripped
			var a, b pipeline.Decoded
			NewDecoder(opts).Decode(data, link, orig, &a)
			d := NewDecoder(opts)
			d.Decode(warm.data, warm.link, warm.origLen(), &b)
			d.Decode(data, link, orig, &b)
			if a != b {
				t.Fatalf("reused decoder differs:\n%s", diffDecoded(a, b))
			}
			if uint64(a.PayloadOffset)+uint64(a.PayloadLen) > uint64(len(data)) {
				t.Fatalf("payload [%d,+%d) outside a %d-byte frame", a.PayloadOffset, a.PayloadLen, len(data))
			}
			if uint64(a.InnerPayloadOffset)+uint64(a.InnerPayloadLen) > uint64(len(data)) || int(a.IPOffset) > len(data) || int(a.InnerIPOffset) > len(data) {
				t.Fatalf("inner payload [%d,+%d), IP at %d and %d: outside a %d-byte frame",
					a.InnerPayloadOffset, a.InnerPayloadLen, a.IPOffset, a.InnerIPOffset, len(data))
			}
			if a.Flags.Has(pipeline.FlagTruncated) && orig == uint32(len(data)) {
				t.Fatalf("truncated reported for an uncut frame")
			}
			if a.Flags.Has(pipeline.FlagUnknownLink) && a.Layers != 0 {
				t.Fatalf("unknown link type %d but layers %b", link, a.Layers)
			}
			if typ, _, ok := TunnelID(&a, data); ok && (typ == 0 || a.Layers&(pipeline.LayerVXLAN|pipeline.LayerGeneve|pipeline.LayerGRE) == 0) {
				t.Fatalf("tunnel %v without a tunnel layer (%b)", typ, a.Layers)
			}
		}
	})
}
