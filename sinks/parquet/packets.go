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
	row := &a.held
	a.ts.bind(next())
	a.sourceFile.bind(next(), nil, &a.dicts, row)
	a.frame.bind(next())
	a.offset.bind(next())
	a.caplen.bind(next())
	a.length.bind(next())
	a.linkType.bind(next())
	a.iface.bind(next())
	a.flags.bind(next())
	// The columns of a pair share a dictionary: each address is
	// formatted and stored once, and a flow's reply finds both of its
	// addresses' indices in the flow cache (see appendFlowAddrs).
	macs := a.ethSrc.bind(next(), nil, &a.dicts, row)
	a.ethDst.bind(next(), macs, &a.dicts, row)
	a.vlanOuter.bind(next())
	a.vlanInner.bind(next())
	a.ipVersion.bind(next())
	addrs := a.srcIP.bind(next(), nil, &a.dicts, row)
	a.dstIP.bind(next(), addrs, &a.dicts, row)
	a.proto.bind(next())
	a.ttl.bind(next())
	a.ipID.bind(next())
	a.fragment.bind(next())
	a.srcPort.bind(next())
	a.dstPort.bind(next())
	a.tcpFlags.bind(next())
	a.tcpSeq.bind(next())
	a.tcpAck.bind(next())
	a.tcpWin.bind(next())
	a.payloadLen.bind(next())
	a.icmpType.bind(next())
	a.icmpCode.bind(next())
	a.flowID.bind(next())
	a.communityID.bind(next(), nil, &a.dicts, row)
	a.direction.bind(next(), nil, &a.dicts, row)
	a.gtpType.bind(next())
	a.teid.bind(next())
	inner := a.innerSrc.bind(next(), nil, &a.dicts, row)
	a.innerDst.bind(next(), inner, &a.dicts, row)
	a.innerProto.bind(next())
	a.innerSport.bind(next())
	a.innerDport.bind(next())
	a.innerFlowID.bind(next())
	a.pfcpType.bind(next())
	a.pfcpSEID.bind(next())
	a.pfcpSeq.bind(next())
	if a.communityID.d != nil && a.direction.d != nil {
		a.flows = &flowCache{}
	}
	return a
}

// packetsAppender holds the columns of one packets file: its numeric
// columns, and the dictionary indices of its string columns, held for up
// to heldRows rows before they go to their builders (see heldcol.go).
type packetsAppender struct {
	ts                                 heldCol[arrow.Timestamp]
	sourceFile, communityID, direction strColumn
	ethSrc, ethDst                     macColumn
	srcIP, dstIP, innerSrc, innerDst   addrColumn
	dicts                              []dictColumn
	flows                              *flowCache // nil unless the string columns are dictionaries
	// held is the number of rows held, and during AppendPacket the row
	// being appended.
	held                                      int
	frame, flowID, pfcpSEID, innerFlowID      heldCol[uint64]
	offset                                    heldCol[int64]
	caplen, length, iface, ipID               heldCol[uint32]
	tcpSeq, tcpAck, payloadLen, teid, pfcpSeq heldCol[uint32]
	linkType, flags, vlanOuter, vlanInner     heldCol[uint16]
	srcPort, dstPort, tcpFlags, tcpWin        heldCol[uint16]
	innerSport, innerDport                    heldCol[uint16]
	ipVersion, proto, ttl, icmpType, icmpCode heldCol[uint8]
	gtpType, innerProto, pfcpType             heldCol[uint8]
	fragment                                  heldCol[bool]
	scratch                                   [64]byte
}

func (a *packetsAppender) dictionaries() []dictColumn { return a.dicts }

// AppendPacket appends p's row, held until Sync (or until heldRows rows
// are held); nullable columns are filled in groups that share their
// condition.
func (a *packetsAppender) AppendPacket(p *pipeline.Packet, data []byte, ctx *PacketContext) int {
	if a.held == heldRows {
		a.Sync()
	}
	i := a.held
	d := &p.Decoded
	l := d.Layers
	a.ts.put(i, arrow.Timestamp(p.Timestamp))
	a.sourceFile.append(ctx.SourceFile)
	a.frame.put(i, p.Frame)
	a.offset.put(i, p.Offset)
	a.caplen.put(i, p.CapLen)
	a.length.put(i, p.OrigLen)
	a.linkType.put(i, p.LinkType)
	a.iface.put(i, p.Interface)
	a.flags.put(i, uint16(d.Flags))
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
		a.vlanOuter.put(i, d.VLAN[0])
		a.vlanInner.put(i, d.VLAN[1])
	case d.NumVLAN > 0:
		a.vlanOuter.put(i, d.VLAN[0])
		a.vlanInner.null(i)
	default:
		a.vlanOuter.null(i)
		a.vlanInner.null(i)
	}

	ip := l&(pipeline.LayerIPv4|pipeline.LayerIPv6) != 0 && d.IP.Src.IsValid()
	if ip {
		var ver uint8 = 4
		if l.Has(pipeline.LayerIPv6) {
			ver = 6
		}
		a.ipVersion.put(i, ver)
		if fe != nil && a.srcIP.d != nil && a.dstIP.d != nil {
			a.appendFlowAddrs(fe, side, d.IP.Src, d.IP.Dst)
		} else {
			a.srcIP.append(d.IP.Src, a.scratch[:])
			a.dstIP.append(d.IP.Dst, a.scratch[:])
		}
		a.proto.put(i, d.IP.Proto)
		a.ttl.put(i, d.TTL)
		a.ipID.put(i, d.IPID)
	} else {
		a.ipVersion.null(i)
		a.srcIP.appendNull()
		a.dstIP.appendNull()
		a.proto.null(i)
		a.ttl.null(i)
		a.ipID.null(i)
	}
	a.fragment.put(i, l.Has(pipeline.LayerFragment))
	if ip && (d.IP.SrcPort != 0 || d.IP.DstPort != 0 || l&(pipeline.LayerTCP|pipeline.LayerUDP|pipeline.LayerSCTP) != 0) {
		a.srcPort.put(i, d.IP.SrcPort)
		a.dstPort.put(i, d.IP.DstPort)
	} else {
		a.srcPort.null(i)
		a.dstPort.null(i)
	}
	if l.Has(pipeline.LayerTCP) {
		a.tcpFlags.put(i, d.TCPFlags)
		a.tcpSeq.put(i, d.TCPSeq)
		if d.TCPFlags&pipeline.TCPAck != 0 {
			a.tcpAck.put(i, d.TCPAck)
		} else {
			a.tcpAck.null(i)
		}
		a.tcpWin.put(i, d.TCPWindow)
	} else {
		a.tcpFlags.null(i)
		a.tcpSeq.null(i)
		a.tcpAck.null(i)
		a.tcpWin.null(i)
	}
	if l&(pipeline.LayerTCP|pipeline.LayerUDP|pipeline.LayerICMPv4|pipeline.LayerICMPv6|pipeline.LayerSCTP) != 0 {
		a.payloadLen.put(i, d.PayloadLen)
	} else {
		a.payloadLen.null(i)
	}
	if l&(pipeline.LayerICMPv4|pipeline.LayerICMPv6) != 0 {
		a.icmpType.put(i, d.ICMPType)
		a.icmpCode.put(i, d.ICMPCode)
	} else {
		a.icmpType.null(i)
		a.icmpCode.null(i)
	}
	switch {
	case fe != nil:
		a.flowID.put(i, ctx.FlowID)
		a.appendFlowNames(fe, side, ctx.CommunityID, ctx.Dir)
	case ctx.FlowID != 0:
		a.flowID.put(i, ctx.FlowID)
		a.communityID.append(ctx.CommunityID)
		a.direction.append(ctx.Dir.String())
	default:
		a.flowID.null(i)
		a.communityID.appendNull()
		a.direction.appendNull()
	}
	if l&(pipeline.LayerGTPU|pipeline.LayerGTPC) != 0 {
		a.gtpType.put(i, d.GTPType)
	} else {
		a.gtpType.null(i)
	}
	if l.Has(pipeline.LayerGTPU) {
		a.teid.put(i, d.TEID)
	} else {
		a.teid.null(i)
	}
	if l&(pipeline.LayerInnerIPv4|pipeline.LayerInnerIPv6) != 0 && d.Inner.Src.IsValid() {
		a.innerSrc.append(d.Inner.Src, a.scratch[:])
		a.innerDst.append(d.Inner.Dst, a.scratch[:])
		a.innerProto.put(i, d.Inner.Proto)
		if l&(pipeline.LayerInnerTCP|pipeline.LayerInnerUDP) != 0 {
			a.innerSport.put(i, d.Inner.SrcPort)
			a.innerDport.put(i, d.Inner.DstPort)
		} else {
			a.innerSport.null(i)
			a.innerDport.null(i)
		}
	} else {
		a.innerSrc.appendNull()
		a.innerDst.appendNull()
		a.innerProto.null(i)
		a.innerSport.null(i)
		a.innerDport.null(i)
	}
	if ctx.InnerFlowID != 0 {
		a.innerFlowID.put(i, ctx.InnerFlowID)
	} else {
		a.innerFlowID.null(i)
	}
	if l.Has(pipeline.LayerPFCP) {
		a.pfcpType.put(i, d.PFCPType)
		if d.PFCPHasSEID {
			a.pfcpSEID.put(i, d.PFCPSEID)
		} else {
			a.pfcpSEID.null(i)
		}
		a.pfcpSeq.put(i, d.PFCPSeq)
	} else {
		a.pfcpType.null(i)
		a.pfcpSEID.null(i)
		a.pfcpSeq.null(i)
	}
	a.held++
	return 1
}

// Sync hands the held rows to the builders.
func (a *packetsAppender) Sync() {
	n := a.held
	if n == 0 {
		return
	}
	a.ts.sync(n)
	a.sourceFile.sync(n)
	a.frame.sync(n)
	a.offset.sync(n)
	a.caplen.sync(n)
	a.length.sync(n)
	a.linkType.sync(n)
	a.iface.sync(n)
	a.flags.sync(n)
	a.ethSrc.sync(n)
	a.ethDst.sync(n)
	a.vlanOuter.sync(n)
	a.vlanInner.sync(n)
	a.ipVersion.sync(n)
	a.srcIP.sync(n)
	a.dstIP.sync(n)
	a.proto.sync(n)
	a.ttl.sync(n)
	a.ipID.sync(n)
	a.fragment.sync(n)
	a.srcPort.sync(n)
	a.dstPort.sync(n)
	a.tcpFlags.sync(n)
	a.tcpSeq.sync(n)
	a.tcpAck.sync(n)
	a.tcpWin.sync(n)
	a.payloadLen.sync(n)
	a.icmpType.sync(n)
	a.icmpCode.sync(n)
	a.flowID.sync(n)
	a.communityID.sync(n)
	a.direction.sync(n)
	a.gtpType.sync(n)
	a.teid.sync(n)
	a.innerSrc.sync(n)
	a.innerDst.sync(n)
	a.innerProto.sync(n)
	a.innerSport.sync(n)
	a.innerDport.sync(n)
	a.innerFlowID.sync(n)
	a.pfcpType.sync(n)
	a.pfcpSEID.sync(n)
	a.pfcpSeq.sync(n)
	a.held = 0
}
