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
// the decoder found no length there.
func ipLen(p *pipeline.Packet) (uint32, bool) {
	if n := p.Decoded.IPLen; n != 0 {
		return n, true
	}
	if off := uint32(linkHeaderLen(&p.Decoded)); off < p.OrigLen {
		return p.OrigLen - off, false
	}
	return 0, false
}
