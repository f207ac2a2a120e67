package stats

import (
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/pipeline"
)

// FuzzProtoPath checks that any combination of layer bits, flags, tags (on
// either side of a pseudowire), ports and link type gives a path without
// empty names and never panics.
func FuzzProtoPath(f *testing.F) {
	f.Add(uint32(pipeline.LayerEthernet|pipeline.LayerIPv4|pipeline.LayerUDP|pipeline.LayerGTPU|pipeline.LayerInnerIPv4), uint16(0), uint8(2), uint8(0), uint16(2152), uint16(53), uint32(10), uint16(1))
	f.Add(uint32(0), uint16(pipeline.FlagUnknownLink), uint8(0), uint8(0), uint16(0), uint16(0), uint32(0), uint16(1))
	f.Add(uint32(pipeline.LayerEthernet|pipeline.LayerMPLS|pipeline.LayerPWEthernet|pipeline.LayerIPv4), uint16(0), uint8(3), uint8(2), uint16(1), uint16(2), uint32(0), uint16(1))
	f.Add(uint32(pipeline.LayerIPv4|pipeline.LayerTCP), uint16(0), uint8(0), uint8(0), uint16(1), uint16(2), uint32(0), uint16(104))
	f.Add(uint32(0), uint16(0), uint8(0), uint8(0), uint16(0), uint16(0), uint32(0), uint16(51))
	f.Fuzz(func(t *testing.T, layers uint32, flags uint16, vlans, pwVLANs uint8, sp, dp uint16, payload uint32, link uint16) {
		d := pipeline.Decoded{Layers: pipeline.Layers(layers), Flags: pipeline.DecodeFlags(flags), NumVLAN: vlans, PWVLANs: pwVLANs,
			IP: pipeline.Flow{SrcPort: sp, DstPort: dp}, PayloadLen: payload}
		s := protoPath(&d, link).String()
		if s == "" || strings.Contains(s, "::") || strings.HasSuffix(s, ":") {
			t.Fatalf("bad path %q for %+v", s, d)
		}
	})
}
