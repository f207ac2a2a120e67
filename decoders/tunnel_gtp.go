package decoders

import (
	"github.com/pcapflow/pcapflow/decoders/gtpc"
	"github.com/pcapflow/pcapflow/decoders/gtpu"
	"github.com/pcapflow/pcapflow/pipeline"
)

// decodeGTPU decodes a GTPv1-U datagram payload p and, for a G-PDU, the
// tunnelled IP packet.
func (d *Decoder) decodeGTPU(p []byte, dg datagram, out *pipeline.Decoded) {
	h := &d.gtpuHdr
	off, st := gtpu.Parse(p, h)
	if len(p) < gtpu.HeaderLen || st == gtpu.BadVersion || st == gtpu.NotGTP {
		// Not even a mandatory header, or not GTPv1 (GTP', GTPv2...).
		if st == gtpu.Truncated {
			d.tunnelShort(dg, out)
		} else {
			d.tunnelBad(out)
		}
		return
	}
	out.Layers |= pipeline.LayerGTPU
	out.TEID = h.TEID
	out.GTPType = uint8(h.Type)
	if h.PDUSession.Present {
		out.QFI = h.PDUSession.QFI
	}
	switch {
	case st == gtpu.Truncated:
		d.tunnelShort(dg, out)
	case st != gtpu.OK:
		d.tunnelBad(out)
	}
	if off == 0 || h.Type != gtpu.GPDU || off >= h.End {
		return
	}
	msg := p[:h.End]
	switch msg[off] >> 4 {
	case 4:
		d.decodeInner(msg, off, false, dg, out)
	case 6:
		d.decodeInner(msg, off, true, dg, out)
	}
}

// decodeInner decodes the IP packet tunnelled at msg[off:]. Inside the
// first fragment of an outer datagram the inner packet is expected to be
// incomplete: it is decoded as if cut by the snap length, and the
// truncation that implies is not reported.
func (d *Decoder) decodeInner(msg []byte, off int, v6 bool, dg datagram, out *pipeline.Decoded) {
	cut, before := d.cut, out.Flags
	if dg == dgFragment {
		d.cut = true
	}
	if v6 {
		d.decodeIPv6(msg, off, true, out)
	} else {
		d.decodeIPv4(msg, off, true, out)
	}
	if dg == dgFragment {
		out.Flags = before | out.Flags&^pipeline.FlagTruncated
	}
	d.cut = cut
}

// decodeGTPC decodes the header of a GTP-C datagram payload: GTPv2-C, or
// GTPv1-C (marked by GTPType, see GTPCVersion).
func (d *Decoder) decodeGTPC(p []byte, dg datagram, out *pipeline.Decoded) {
	if len(p) == 0 {
		d.tunnelShort(dg, out)
		return
	}
	switch p[0] >> 5 {
	case 2:
		h := &d.gtpcHdr
		off, st := gtpc.ParseHeader(p, h)
		if off > 0 {
			out.Layers |= pipeline.LayerGTPC
			out.GTPCType = uint8(h.Type)
			out.GTPCHasTEID = h.HasTEID
			out.GTPCTEID = h.TEID
			out.GTPCSeq = h.Seq
		}
		switch {
		case st == gtpc.Truncated:
			d.tunnelShort(dg, out)
		case st != gtpc.OK:
			d.tunnelBad(out)
		}
	case 1:
		h := &d.gtpuHdr
		_, st := gtpu.Parse(p, h)
		if len(p) >= gtpu.HeaderLen && st != gtpu.NotGTP {
			out.Layers |= pipeline.LayerGTPC
			out.GTPCType = uint8(h.Type)
			out.GTPType = uint8(h.Type)
			out.GTPCHasTEID = true
			out.GTPCTEID = h.TEID
			if h.S {
				out.GTPCSeq = uint32(h.Seq)
			}
		}
		switch {
		case st == gtpu.Truncated:
			d.tunnelShort(dg, out)
		case st != gtpu.OK:
			d.tunnelBad(out)
		}
	default:
		d.tunnelBad(out)
	}
}
