package decoders

import (
	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/pipeline"
)

// decodePFCP reads the headers of the PFCP messages in datagram payload p:
// the first one's fields and how many are chained (FO flag).
func (d *Decoder) decodePFCP(p []byte, dg datagram, out *pipeline.Decoded) {
	// Most datagrams are one well-formed message that fills them: read
	// its header without the iterator, which then finds what this finds.
	if h, err := pfcp.ParseHeader(p); err == nil && !h.FollowOn && h.MessageLen() == len(p) {
		setPFCP(h, out)
		out.PFCPMessages = 1
		return
	}
	it := pfcp.Messages(p)
	n := 0
	for it.Next() {
		if n == 0 {
			setPFCP(it.Header(), out)
		}
		if n < 255 {
			n++
		}
	}
	out.PFCPMessages = uint8(n)
	switch err := it.Err(); {
	case err == nil:
		if it.Rest() > 0 {
			d.tunnelBad(out) // bytes after a last message (FO clear)
		}
	case err == pfcp.ErrShort:
		// Too short for a header (the first, or one announced by FO):
		// no header fields are taken from it.
		d.tunnelShort(dg, out)
	default:
		h := it.Header()
		if n == 0 {
			setPFCP(h, out)
			out.PFCPMessages = 1
		}
		if err == pfcp.ErrLength && int(h.Length) >= h.HeaderLen-4 {
			d.tunnelShort(dg, out) // the message runs past the datagram
		} else {
			d.tunnelBad(out)
		}
	}
}

func setPFCP(h pfcp.Header, out *pipeline.Decoded) {
	out.Layers |= pipeline.LayerPFCP
	out.PFCPType = uint8(h.Type)
	out.PFCPHasSEID = h.HasSEID
	out.PFCPSEID = h.SEID
	out.PFCPSeq = h.Seq
}
