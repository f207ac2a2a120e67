package parquet

import (
	"net/netip"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/decoders/gtpc"
	"github.com/pcapflow/pcapflow/decoders/gtpu"
	"github.com/pcapflow/pcapflow/pipeline"
)

// gtpTable is the "gtp" table: one row per GTP packet, user plane
// (GTPv1-U, with the tunnelled tuple) and control plane (GTPv2-C and
// GTPv1-C, with the subscriber, bearer and tunnel elements).
type gtpTable struct{}

var gtpSchema = arrow.NewSchema([]arrow.Field{
	field("ts", timestampNS, false),
	field("source_file", str, false),
	field("frame_no", u64, false),
	field("flow_id", u64, true),
	field("src_ip", str, false),
	field("dst_ip", str, false),
	field("src_port", u16, false),
	field("dst_port", u16, false),
	field("plane", str, false),
	field("version", u8, false),
	field("msg_type", u8, false),
	field("msg_type_name", str, true),
	field("teid", u32, true),
	field("seq", u32, true),
	field("qfi", u8, true),
	field("inner_src_ip", str, true),
	field("inner_dst_ip", str, true),
	field("inner_proto", u8, true),
	field("inner_src_port", u16, true),
	field("inner_dst_port", u16, true),
	field("imsi", str, true),
	field("msisdn", str, true),
	field("cause", u8, true),
	field("rat_type", u8, true),
	field("ebi", u8, true),
	field("paa_ipv4", str, true),
	field("paa_ipv6", str, true),
	field("fteid_teids", arrow.ListOf(u32), false),
	field("fteid_ips", arrow.ListOf(str), false),
	field("fteid_interfaces", arrow.ListOf(u8), false),
	field("piggybacked", boolean, false),
	field("malformed", boolean, false),
}, nil)

func (gtpTable) Name() string          { return "gtp" }
func (gtpTable) Schema() *arrow.Schema { return gtpSchema }

func (gtpTable) BindPackets(b *array.RecordBuilder) PacketAppender {
	return &gtpAppender{b: b}
}

type gtpAppender struct {
	b       *array.RecordBuilder
	sum     gtpc.Summary
	pdp     gtpu.PDPElements
	digits  gtpc.Digits
	scratch [64]byte
}

// Sync does nothing: the rows go to the builders as they are appended.
func (a *gtpAppender) Sync() {}

func (a *gtpAppender) AppendPacket(p *pipeline.Packet, data []byte, ctx *PacketContext) int {
	d := &p.Decoded
	l := d.Layers
	if l&(pipeline.LayerGTPU|pipeline.LayerGTPC) == 0 || d.Flags.Has(pipeline.FlagInICMPError) {
		return 0
	}
	w := rowWriter{f: a.b.Fields(), scratch: a.scratch[:0]}
	w.ts(p.Timestamp)
	w.str(ctx.SourceFile)
	w.u64(p.Frame)
	w.u64If(ctx.FlowID != 0, ctx.FlowID)
	w.addr(d.IP.Src)
	w.addr(d.IP.Dst)
	w.u16(d.IP.SrcPort)
	w.u16(d.IP.DstPort)
	v1, v2 := false, false
	switch {
	case l.Has(pipeline.LayerGTPU):
		w.str("user")
		w.u8(1)
		w.u8(d.GTPType)
		w.null()
		w.u32(d.TEID)
		w.null()
		w.u8If(d.QFI != 0, d.QFI)
	case decoders.GTPCVersion(d) == 1:
		v1 = true
		w.str("control")
		w.u8(1)
		w.u8(d.GTPCType)
		w.null()
		w.u32(d.GTPCTEID)
		w.u32(d.GTPCSeq)
		w.null()
	default:
		v2 = true
		w.str("control")
		w.u8(2)
		w.u8(d.GTPCType)
		w.strOrNull(gtpc.MessageType(d.GTPCType).String())
		w.u32If(d.GTPCHasTEID, d.GTPCTEID)
		w.u32(d.GTPCSeq)
		w.null()
	}
	inner := l&(pipeline.LayerInnerIPv4|pipeline.LayerInnerIPv6) != 0 && d.Inner.Src.IsValid()
	if inner {
		w.addr(d.Inner.Src)
		w.addr(d.Inner.Dst)
	} else {
		w.null()
		w.null()
	}
	w.u8If(inner, d.Inner.Proto)
	ports := inner && l&(pipeline.LayerInnerTCP|pipeline.LayerInnerUDP) != 0
	w.u16If(ports, d.Inner.SrcPort)
	w.u16If(ports, d.Inner.DstPort)

	start, end := int(d.PayloadOffset), int(d.PayloadOffset)+int(d.PayloadLen)
	if v1 {
		var h gtpu.Header
		a.pdp = gtpu.PDPElements{}
		if start <= end && end <= len(data) {
			if _, st := gtpu.Parse(data[start:end], &h); st == gtpu.OK {
				gtpu.ReadPDP(h.Body(data[start:end]), &a.pdp)
			}
		}
		a.appendPDP(&w, d)
		return 1
	}
	s := &a.sum
	*s = gtpc.Summary{}
	if v2 && start <= end && end <= len(data) {
		gtpc.Summarize(data[start:end], s)
	}
	if s.HasIMSI {
		w.bytes(s.IMSI.AppendTo(w.scratch[:0]))
	} else {
		w.null()
	}
	if s.HasMSISDN {
		w.bytes(s.MSISDN.AppendTo(w.scratch[:0]))
	} else {
		w.null()
	}
	w.u8If(s.HasCause, uint8(s.Cause))
	w.u8If(s.HasRAT, uint8(s.RAT))
	w.u8If(s.NumEBIs > 0, s.EBIs[0])
	if s.HasPAA {
		w.addr(s.PAA.IPv4)
		w.addr(s.PAA.IPv6)
	} else {
		w.null()
		w.null()
	}
	fts := s.StoredFTEIDs()
	fl := w.fteidLists()
	for i := range fts {
		f := &fts[i]
		a := f.IPv4
		if !a.IsValid() {
			a = f.IPv6
		}
		fl.add(f.TEID, a, true, uint8(f.Interface))
	}
	w.boolean(s.NumMsgs > 1)
	w.boolean(d.Flags.Has(pipeline.FlagMalformed) || s.Malformed)
	return 1
}

// appendPDP writes the subscriber and tunnel columns of a GTPv1-C message
// from a.pdp: IMSI, MSISDN, Cause, NSAPI (in ebi, its GTPv1 counterpart),
// End User Address (in paa_ipv4/paa_ipv6) and the TEID Control Plane and
// TEID Data I with the sender's signalling and user-plane GSN Addresses
// (interface types are GTPv2's: null here).
func (a *gtpAppender) appendPDP(w *rowWriter, d *pipeline.Decoded) {
	p := &a.pdp
	if p.IMSI != nil && gtpc.DecodeTBCD(p.IMSI, &a.digits) {
		w.bytes(a.digits.AppendTo(w.scratch[:0]))
	} else {
		w.null()
	}
	if len(p.MSISDN) > 1 && gtpc.DecodeTBCD(p.MSISDN[1:], &a.digits) {
		w.bytes(a.digits.AppendTo(w.scratch[:0]))
	} else {
		w.null()
	}
	w.u8If(p.HasCause, p.Cause)
	w.null() // RAT type
	w.u8If(p.HasNSAPI, p.NSAPI)
	w.addr(p.UEv4)
	w.addr(p.UEv6)
	fl := w.fteidLists()
	user := p.GSN[1]
	if !user.IsValid() {
		user = p.GSN[0]
	}
	for _, t := range [2]struct {
		ok   bool
		teid uint32
		at   netip.Addr
	}{{p.HasTEIDC, p.TEIDControl, p.GSN[0]}, {p.HasTEIDData, p.TEIDData, user}} {
		if t.ok {
			fl.add(t.teid, t.at, false, 0)
		}
	}
	w.boolean(false)
	w.boolean(d.Flags.Has(pipeline.FlagMalformed) || p.Err != nil)
}

// fteidLists is one row's fteid_teids, fteid_ips and fteid_interfaces
// lists, open for their entries.
type fteidLists struct {
	teids   *array.Uint32Builder
	ips     *array.StringBuilder
	ifaces  *array.Uint8Builder
	scratch []byte
}

// fteidLists opens the row's three F-TEID lists (the next three columns).
func (w *rowWriter) fteidLists() fteidLists {
	var vb [3]array.Builder
	for i := range vb {
		l := w.next().(*array.ListBuilder)
		l.Append(true)
		vb[i] = l.ValueBuilder()
	}
	return fteidLists{vb[0].(*array.Uint32Builder), vb[1].(*array.StringBuilder), vb[2].(*array.Uint8Builder), w.scratch[:0]}
}

// add appends one F-TEID: its TEID, address (null when invalid) and
// interface type (null without one).
func (f *fteidLists) add(teid uint32, a netip.Addr, hasIface bool, iface uint8) {
	f.teids.Append(teid)
	if a.IsValid() {
		f.ips.BinaryBuilder.Append(a.AppendTo(f.scratch[:0]))
	} else {
		f.ips.AppendNull()
	}
	if hasIface {
		f.ifaces.Append(iface)
	} else {
		f.ifaces.AppendNull()
	}
}
