package parquet

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/pcapflow/pcapflow/pipeline"
)

// packetsTable is the "packets" table: one row per frame.
type packetsTable struct{}

var u8, u16, u32, u64 = arrow.PrimitiveTypes.Uint8, arrow.PrimitiveTypes.Uint16, arrow.PrimitiveTypes.Uint32, arrow.PrimitiveTypes.Uint64
var i64, str, boolean = arrow.PrimitiveTypes.Int64, arrow.BinaryTypes.String, arrow.FixedWidthTypes.Boolean

var packetsSchema = arrow.NewSchema([]arrow.Field{
	field("ts", timestampNS, false),
	field("source_file", str, false),
	field("frame_no", u64, false),
	field("byte_offset", i64, false),
	field("caplen", u32, false),
	field("len", u32, false),
	field("link_type", u16, false),
	field("interface", u32, false),
	field("decode_flags", u16, false),
	field("eth_src", str, true),
	field("eth_dst", str, true),
	field("vlan_outer", u16, true),
	field("vlan_inner", u16, true),
	field("ip_version", u8, true),
	field("src_ip", str, true),
	field("dst_ip", str, true),
	field("ip_proto", u8, true),
	field("ttl", u8, true),
	field("ip_id", u32, true),
	field("fragment", boolean, false),
	field("src_port", u16, true),
	field("dst_port", u16, true),
	field("tcp_flags", u16, true),
	field("tcp_seq", u32, true),
	field("tcp_ack", u32, true),
	field("tcp_win", u16, true),
	field("payload_len", u32, true),
	field("icmp_type", u8, true),
	field("icmp_code", u8, true),
	field("flow_id", u64, true),
	field("community_id", str, true),
	field("direction", str, true),
	field("gtp_type", u8, true),
	field("teid", u32, true),
	field("inner_src_ip", str, true),
	field("inner_dst_ip", str, true),
	field("inner_proto", u8, true),
	field("inner_src_port", u16, true),
	field("inner_dst_port", u16, true),
	field("inner_flow_id", u64, true),
	field("pfcp_type", u8, true),
	field("pfcp_seid", u64, true),
	field("pfcp_seq", u32, true),
}, nil)

func (packetsTable) Name() string          { return "packets" }
func (packetsTable) Schema() *arrow.Schema { return packetsSchema }

// dictColumns names the string columns the sink's files build as
// dictionary indices (see dict.go).
func (packetsTable) dictColumns() []string {
	return []string{"source_file", "eth_src", "eth_dst", "src_ip", "dst_ip",
		"community_id", "direction", "inner_src_ip", "inner_dst_ip"}
}

// BindPackets binds the appender to b, a builder of Schema or of
// indexSchema(Schema, dictColumns).
func (packetsTable) BindPackets(b *array.RecordBuilder) PacketAppender {
	a := &packetsAppender{}
	f := b.Fields()
	n := 0
	next := func() array.Builder { n++; return f[n-1] }
	a.ts = next().(*array.TimestampBuilder)
	a.sourceFile.bind(next(), nil, &a.dicts)
	a.frame = next().(*array.Uint64Builder)
	a.offset = next().(*array.Int64Builder)
	a.caplen = next().(*array.Uint32Builder)
	a.length = next().(*array.Uint32Builder)
	a.linkType = next().(*array.Uint16Builder)
	a.iface = next().(*array.Uint32Builder)
	a.flags = next().(*array.Uint16Builder)
	// The columns of a pair share a dictionary: each address is
	// formatted and stored once, and a flow's reply finds both of its
	// addresses' indices in the flow cache (see appendFlowAddrs).
	macs := a.ethSrc.bind(next(), nil, &a.dicts)
	a.ethDst.bind(next(), macs, &a.dicts)
	a.vlanOuter = next().(*array.Uint16Builder)
	a.vlanInner = next().(*array.Uint16Builder)
	a.ipVersion = next().(*array.Uint8Builder)
	addrs := a.srcIP.bind(next(), nil, &a.dicts)
	a.dstIP.bind(next(), addrs, &a.dicts)
	a.proto = next().(*array.Uint8Builder)
	a.ttl = next().(*array.Uint8Builder)
	a.ipID = next().(*array.Uint32Builder)
	a.fragment = next().(*array.BooleanBuilder)
	a.srcPort = next().(*array.Uint16Builder)
	a.dstPort = next().(*array.Uint16Builder)
	a.tcpFlags = next().(*array.Uint16Builder)
	a.tcpSeq = next().(*array.Uint32Builder)
	a.tcpAck = next().(*array.Uint32Builder)
	a.tcpWin = next().(*array.Uint16Builder)
	a.payloadLen = next().(*array.Uint32Builder)
	a.icmpType = next().(*array.Uint8Builder)
	a.icmpCode = next().(*array.Uint8Builder)
	a.flowID = next().(*array.Uint64Builder)
	a.communityID.bind(next(), nil, &a.dicts)
	a.direction.bind(next(), nil, &a.dicts)
	a.gtpType = next().(*array.Uint8Builder)
	a.teid = next().(*array.Uint32Builder)
	inner := a.innerSrc.bind(next(), nil, &a.dicts)
	a.innerDst.bind(next(), inner, &a.dicts)
	a.innerProto = next().(*array.Uint8Builder)
	a.innerSport = next().(*array.Uint16Builder)
	a.innerDport = next().(*array.Uint16Builder)
	a.innerFlowID = next().(*array.Uint64Builder)
	a.pfcpType = next().(*array.Uint8Builder)
	a.pfcpSEID = next().(*array.Uint64Builder)
	a.pfcpSeq = next().(*array.Uint32Builder)
	a.fields = f
	if a.communityID.d != nil && a.direction.d != nil {
		a.flows = &flowCache{}
	}
	return a
}

// packetsAppender holds the typed column builders of one packets file.
type packetsAppender struct {
	ts                                 *array.TimestampBuilder
	sourceFile, communityID, direction strColumn
	ethSrc, ethDst                     macColumn
	srcIP, dstIP, innerSrc, innerDst   addrColumn
	dicts                              []dictColumn
	flows                              *flowCache // nil unless the string columns are dictionaries
	// fields are all the builders, ts first; room counts the rows they
	// take.
	fields                           []array.Builder
	room                             rowRoom
	frame, flowID, pfcpSEID          *array.Uint64Builder
	offset                           *array.Int64Builder
	caplen, length, iface, ipID      *array.Uint32Builder
	tcpSeq, tcpAck, payloadLen, teid *array.Uint32Builder
	pfcpSeq                          *array.Uint32Builder
	linkType, flags, vlanOuter       *array.Uint16Builder
	vlanInner, srcPort, dstPort      *array.Uint16Builder
	tcpFlags, tcpWin                 *array.Uint16Builder
	innerSport, innerDport           *array.Uint16Builder
	innerFlowID                      *array.Uint64Builder
	ipVersion, proto, ttl            *array.Uint8Builder
	icmpType, icmpCode, gtpType      *array.Uint8Builder
	innerProto, pfcpType             *array.Uint8Builder
	fragment                         *array.BooleanBuilder
	scratch                          [64]byte
}

func (a *packetsAppender) dictionaries() []dictColumn { return a.dicts }

// AppendPacket appends p's row. Every builder has room for it (see room),
// so values go in with the builders' unchecked appends, which the
// compiler inlines; nullable columns are filled in groups that share
// their condition.
func (a *packetsAppender) AppendPacket(p *pipeline.Packet, data []byte, ctx *PacketContext) int {
	if !a.room.take(a.ts.Len(), a.ts.Cap()) {
		a.room.reserve(a.fields)
	}
	d := &p.Decoded
	l := d.Layers
	a.ts.UnsafeAppend(arrow.Timestamp(p.Timestamp))
	a.sourceFile.append(ctx.SourceFile)
	a.frame.UnsafeAppend(p.Frame)
	a.offset.UnsafeAppend(p.Offset)
	a.caplen.UnsafeAppend(p.CapLen)
	a.length.UnsafeAppend(p.OrigLen)
	a.linkType.UnsafeAppend(p.LinkType)
	a.iface.UnsafeAppend(p.Interface)
	a.flags.UnsafeAppend(uint16(d.Flags))
	var fe *flowEntry
	side := sideOf(ctx.Dir)
	if a.flows != nil && ctx.FlowID != 0 {
		fe = a.flows.get(ctx.FlowSlot, ctx.FlowID, a.communityID.d.gen)
	}
	switch {
	case !l.Has(pipeline.LayerEthernet):
		a.ethSrc.appendNull()
		a.ethDst.appendNull()
	case fe != nil && a.ethSrc.d != nil && a.ethDst.d != nil:
		a.appendFlowMACs(fe, side, d.EthSrc, d.EthDst)
	default:
		a.ethSrc.append(d.EthSrc, a.scratch[:])
		a.ethDst.append(d.EthDst, a.scratch[:])
	}
	switch {
	case d.NumVLAN > 1:
		a.vlanOuter.UnsafeAppend(d.VLAN[0])
		a.vlanInner.UnsafeAppend(d.VLAN[1])
	case d.NumVLAN > 0:
		a.vlanOuter.UnsafeAppend(d.VLAN[0])
		a.vlanInner.UnsafeAppendBoolToBitmap(false)
	default:
		a.vlanOuter.UnsafeAppendBoolToBitmap(false)
		a.vlanInner.UnsafeAppendBoolToBitmap(false)
	}

	ip := l&(pipeline.LayerIPv4|pipeline.LayerIPv6) != 0 && d.IP.Src.IsValid()
	if ip {
		var ver uint8 = 4
		if l.Has(pipeline.LayerIPv6) {
			ver = 6
		}
		a.ipVersion.UnsafeAppend(ver)
		if fe != nil && a.srcIP.d != nil && a.dstIP.d != nil {
			a.appendFlowAddrs(fe, side, d.IP.Src, d.IP.Dst)
		} else {
			a.srcIP.append(d.IP.Src, a.scratch[:])
			a.dstIP.append(d.IP.Dst, a.scratch[:])
		}
		a.proto.UnsafeAppend(d.IP.Proto)
		a.ttl.UnsafeAppend(d.TTL)
		a.ipID.UnsafeAppend(d.IPID)
	} else {
		a.ipVersion.UnsafeAppendBoolToBitmap(false)
		a.srcIP.appendNull()
		a.dstIP.appendNull()
		a.proto.UnsafeAppendBoolToBitmap(false)
		a.ttl.UnsafeAppendBoolToBitmap(false)
		a.ipID.UnsafeAppendBoolToBitmap(false)
	}
	a.fragment.UnsafeAppend(l.Has(pipeline.LayerFragment))
	if ip && (d.IP.SrcPort != 0 || d.IP.DstPort != 0 || l&(pipeline.LayerTCP|pipeline.LayerUDP|pipeline.LayerSCTP) != 0) {
		a.srcPort.UnsafeAppend(d.IP.SrcPort)
		a.dstPort.UnsafeAppend(d.IP.DstPort)
	} else {
		a.srcPort.UnsafeAppendBoolToBitmap(false)
		a.dstPort.UnsafeAppendBoolToBitmap(false)
	}
	if l.Has(pipeline.LayerTCP) {
		a.tcpFlags.UnsafeAppend(d.TCPFlags)
		a.tcpSeq.UnsafeAppend(d.TCPSeq)
		if d.TCPFlags&pipeline.TCPAck != 0 {
			a.tcpAck.UnsafeAppend(d.TCPAck)
		} else {
			a.tcpAck.UnsafeAppendBoolToBitmap(false)
		}
		a.tcpWin.UnsafeAppend(d.TCPWindow)
	} else {
		a.tcpFlags.UnsafeAppendBoolToBitmap(false)
		a.tcpSeq.UnsafeAppendBoolToBitmap(false)
		a.tcpAck.UnsafeAppendBoolToBitmap(false)
		a.tcpWin.UnsafeAppendBoolToBitmap(false)
	}
	if l&(pipeline.LayerTCP|pipeline.LayerUDP|pipeline.LayerICMPv4|pipeline.LayerICMPv6|pipeline.LayerSCTP) != 0 {
		a.payloadLen.UnsafeAppend(d.PayloadLen)
	} else {
		a.payloadLen.UnsafeAppendBoolToBitmap(false)
	}
	if l&(pipeline.LayerICMPv4|pipeline.LayerICMPv6) != 0 {
		a.icmpType.UnsafeAppend(d.ICMPType)
		a.icmpCode.UnsafeAppend(d.ICMPCode)
	} else {
		a.icmpType.UnsafeAppendBoolToBitmap(false)
		a.icmpCode.UnsafeAppendBoolToBitmap(false)
	}
	switch {
	case fe != nil:
		a.flowID.UnsafeAppend(ctx.FlowID)
		a.appendFlowNames(fe, side, ctx.CommunityID, ctx.Dir)
	case ctx.FlowID != 0:
		a.flowID.UnsafeAppend(ctx.FlowID)
		a.communityID.append(ctx.CommunityID)
		a.direction.append(ctx.Dir.String())
	default:
		a.flowID.UnsafeAppendBoolToBitmap(false)
		a.communityID.appendNull()
		a.direction.appendNull()
	}
	if l&(pipeline.LayerGTPU|pipeline.LayerGTPC) != 0 {
		a.gtpType.UnsafeAppend(d.GTPType)
	} else {
		a.gtpType.UnsafeAppendBoolToBitmap(false)
	}
	if l.Has(pipeline.LayerGTPU) {
		a.teid.UnsafeAppend(d.TEID)
	} else {
		a.teid.UnsafeAppendBoolToBitmap(false)
	}
	if l&(pipeline.LayerInnerIPv4|pipeline.LayerInnerIPv6) != 0 && d.Inner.Src.IsValid() {
		a.innerSrc.append(d.Inner.Src, a.scratch[:])
		a.innerDst.append(d.Inner.Dst, a.scratch[:])
		a.innerProto.UnsafeAppend(d.Inner.Proto)
		if l&(pipeline.LayerInnerTCP|pipeline.LayerInnerUDP) != 0 {
			a.innerSport.UnsafeAppend(d.Inner.SrcPort)
			a.innerDport.UnsafeAppend(d.Inner.DstPort)
		} else {
			a.innerSport.UnsafeAppendBoolToBitmap(false)
			a.innerDport.UnsafeAppendBoolToBitmap(false)
		}
	} else {
		a.innerSrc.appendNull()
		a.innerDst.appendNull()
		a.innerProto.UnsafeAppendBoolToBitmap(false)
		a.innerSport.UnsafeAppendBoolToBitmap(false)
		a.innerDport.UnsafeAppendBoolToBitmap(false)
	}
	if ctx.InnerFlowID != 0 {
		a.innerFlowID.UnsafeAppend(ctx.InnerFlowID)
	} else {
		a.innerFlowID.UnsafeAppendBoolToBitmap(false)
	}
	if l.Has(pipeline.LayerPFCP) {
		a.pfcpType.UnsafeAppend(d.PFCPType)
		if d.PFCPHasSEID {
			a.pfcpSEID.UnsafeAppend(d.PFCPSEID)
		} else {
			a.pfcpSEID.UnsafeAppendBoolToBitmap(false)
		}
		a.pfcpSeq.UnsafeAppend(d.PFCPSeq)
	} else {
		a.pfcpType.UnsafeAppendBoolToBitmap(false)
		a.pfcpSEID.UnsafeAppendBoolToBitmap(false)
		a.pfcpSeq.UnsafeAppendBoolToBitmap(false)
	}
	return 1
}
