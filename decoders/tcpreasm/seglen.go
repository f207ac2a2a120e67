package tcpreasm

import "github.com/pcapflow/pcapflow/pipeline"

// segmentLen returns the TCP payload length the IP header carrying v
// declares (captured bytes data): more than v.payLen when the snap length
// cut the segment. It falls back to v.payLen when that IP header is not
// where the decoder's layers say, or is inconsistent.
func segmentLen(p *pipeline.Packet, v *view, data []byte) uint32 {
	d := &p.Decoded
	capd := v.payLen
	if p.OrigLen <= p.CapLen {
		return capd
	}
	off := v.ipOffset(d)
	if off+6 > len(data) || uint32(off) > v.payOff {
		return capd
	}
	v4, v6 := pipeline.LayerIPv4, pipeline.LayerIPv6
	if v.inner {
		v4, v6 = pipeline.LayerInnerIPv4, pipeline.LayerInnerIPv6
	}
	hdr := v.payOff - uint32(off) // IP + TCP header bytes
	var total uint32
	switch {
	case data[off]>>4 == 4 && d.Layers.Has(v4):
		total = uint32(data[off+2])<<8 | uint32(data[off+3])
	case data[off]>>4 == 6 && d.Layers.Has(v6):
		if n := uint32(data[off+4])<<8 | uint32(data[off+5]); n != 0 {
			total = 40 + n
		}
	}
	if total < hdr+capd {
		return capd
	}
	if p.OrigLen < uint32(off)+hdr {
		return capd
	}
	// Never claim more than the frame could have held on the wire.
	if max := p.OrigLen - uint32(off) - hdr; total-hdr > max {
		return max
	}
	return total - hdr
}
