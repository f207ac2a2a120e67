package flows

import "github.com/pcapflow/pcapflow/pipeline"

// ipLen returns the outer IP packet's total length as its header declares
// it (and true), or the frame length after the link header (and false) when
// the decoder found no length there.
func ipLen(p *pipeline.Packet) (uint32, bool) {
	if n := p.Decoded.IPLen; n != 0 {
		return n, true
	}
	if off := uint32(p.Decoded.IPOffset); off < p.OrigLen {
		return p.OrigLen - off, false
	}
	return 0, false
}
