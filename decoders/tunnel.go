package decoders

import "github.com/pcapflow/pcapflow/pipeline"

// tunnelProblem records what went wrong in a frame's GTP-U, GTP-C or PFCP
// content, so the stage can count it apart from outer-header problems.
type tunnelProblem uint8

const (
	tunnelMalformed tunnelProblem = 1 << iota
	tunnelTruncated
)

// tunnelBad records an inconsistent mobile-core message: bad version,
// impossible length, trailing bytes.
func (d *Decoder) tunnelBad(out *pipeline.Decoded) {
	out.Flags |= pipeline.FlagMalformed
	d.tunnel |= tunnelMalformed
}

// tunnelShort records a mobile-core message that ends before its header or
// its length field says. Whose fault that is depends on the datagram: a
// snap-length cut is truncation, a complete datagram means a wrong length,
// and a first fragment is simply incomplete (no flag).
func (d *Decoder) tunnelShort(dg datagram, out *pipeline.Decoded) {
	switch dg {
	case dgFragment:
	case dgSnapCut:
		out.Flags |= pipeline.FlagTruncated
		d.tunnel |= tunnelTruncated
	default:
		d.tunnelBad(out)
	}
}

// GTPCVersion returns the GTP-C version of a decoded packet: 2 for GTPv2-C,
// 1 for GTPv1-C (which the decoder marks by also setting GTPType, see the
// package documentation), 0 when the packet carries no GTP-C header.
func GTPCVersion(d *pipeline.Decoded) uint8 {
	switch {
	case !d.Layers.Has(pipeline.LayerGTPC):
		return 0
	case d.GTPType != 0 && !d.Layers.Has(pipeline.LayerGTPU):
		return 1
	default:
		return 2
	}
}
