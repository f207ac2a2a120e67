package flows

import "github.com/pcapflow/pcapflow/pipeline"

// linkHeaderLen returns the length of the link-layer header before the IP
// header, from the layers the decoder found.
func linkHeaderLen(d *pipeline.Decoded) int {
	switch {
	case d.Layers.Has(pipeline.LayerEthernet):
		return 14 + 4*int(d.NumVLAN)
	case d.Layers.Has(pipeline.LayerLinuxSLL):
		return 16 + 4*int(d.NumVLAN)
	case d.Layers.Has(pipeline.LayerLinuxSLL2):
		return 20 + 4*int(d.NumVLAN)
	case d.Layers.Has(pipeline.LayerLoopback):
		return 4
	}
	return 0
}

// ipLen returns the outer IP packet's total length as its header declares
// it (and true), or the frame length after the link header (and false) when
// the header cannot be found where expected.
func ipLen(p *pipeline.Packet, data []byte) (uint32, bool) {
	off := linkHeaderLen(&p.Decoded)
	fallback := uint32(0)
	if uint32(off) < p.OrigLen {
		fallback = p.OrigLen - uint32(off)
	}
	if off+6 > len(data) {
		return fallback, false
	}
	switch data[off] >> 4 {
	case 4:
		if p.Decoded.Layers.Has(pipeline.LayerIPv4) {
			if n := uint32(data[off+2])<<8 | uint32(data[off+3]); n != 0 {
				return n, true
			}
		}
	case 6:
		if p.Decoded.Layers.Has(pipeline.LayerIPv6) {
			if n := uint32(data[off+4])<<8 | uint32(data[off+5]); n != 0 {
				return 40 + n, true
			}
		}
	}
	return fallback, false
}
