package parquet

import (
	"net/netip"

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
	field("pfcp_type", u8, true),
	field("pfcp_seid", u64, true),
	field("pfcp_seq", u32, true),
}, nil)

func (packetsTable) Name() string          { return "packets" }
func (packetsTable) Schema() *arrow.Schema { return packetsSchema }

func (packetsTable) BindPackets(b *array.RecordBuilder) PacketAppender {
	a := &packetsAppender{}
	f := b.Fields()
	n := 0
	next := func() array.Builder { n++; return f[n-1] }
	a.ts = next().(*array.TimestampBuilder)
	a.sourceFile = next().(*array.StringBuilder)
	a.frame = next().(*array.Uint64Builder)
	a.offset = next().(*array.Int64Builder)
	a.caplen = next().(*array.Uint32Builder)
	a.length = next().(*array.Uint32Builder)
	a.linkType = next().(*array.Uint16Builder)
	a.iface = next().(*array.Uint32Builder)
	a.flags = next().(*array.Uint16Builder)
	a.ethSrc = next().(*array.StringBuilder)
	a.ethDst = next().(*array.StringBuilder)
	a.vlanOuter = next().(*array.Uint16Builder)
	a.vlanInner = next().(*array.Uint16Builder)
	a.ipVersion = next().(*array.Uint8Builder)
	a.srcIP = next().(*array.StringBuilder)
	a.dstIP = next().(*array.StringBuilder)
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
	a.communityID = next().(*array.StringBuilder)
	a.direction = next().(*array.StringBuilder)
	a.gtpType = next().(*array.Uint8Builder)
	a.teid = next().(*array.Uint32Builder)
	a.innerSrc = next().(*array.StringBuilder)
	a.innerDst = next().(*array.StringBuilder)
	a.innerProto = next().(*array.Uint8Builder)
	a.innerSport = next().(*array.Uint16Builder)
	a.innerDport = next().(*array.Uint16Builder)
	a.pfcpType = next().(*array.Uint8Builder)
	a.pfcpSEID = next().(*array.Uint64Builder)
	a.pfcpSeq = next().(*array.Uint32Builder)
	return a
}

// packetsAppender holds the typed column builders of one packets file.
type packetsAppender struct {
	ts                                   *array.TimestampBuilder
	sourceFile, ethSrc, ethDst           *array.StringBuilder
	srcIP, dstIP, communityID, direction *array.StringBuilder
	innerSrc, innerDst                   *array.StringBuilder
	frame, flowID, pfcpSEID              *array.Uint64Builder
	offset                               *array.Int64Builder
	caplen, length, iface, ipID          *array.Uint32Builder
	tcpSeq, tcpAck, payloadLen, teid     *array.Uint32Builder
	pfcpSeq                              *array.Uint32Builder
	linkType, flags, vlanOuter           *array.Uint16Builder
	vlanInner, srcPort, dstPort          *array.Uint16Builder
	tcpFlags, tcpWin                     *array.Uint16Builder
	innerSport, innerDport               *array.Uint16Builder
	ipVersion, proto, ttl                *array.Uint8Builder
	icmpType, icmpCode, gtpType          *array.Uint8Builder
	innerProto, pfcpType                 *array.Uint8Builder
	fragment                             *array.BooleanBuilder
	scratch                              [64]byte
}

func (a *packetsAppender) appendAddr(b *array.StringBuilder, addr netip.Addr) {
	if !addr.IsValid() {
		b.AppendNull()
		return
	}
	putBytes(b, addr.AppendTo(a.scratch[:0]))
}

func (a *packetsAppender) appendMAC(b *array.StringBuilder, m [6]byte) {
	const hex = "0123456789abcdef"
	s := a.scratch[:0]
	for i, x := range m {
		if i > 0 {
			s = append(s, ':')
		}
		s = append(s, hex[x>>4], hex[x&15])
	}
	putBytes(b, s)
}

func u16If(b *array.Uint16Builder, ok bool, v uint16) {
	if ok {
		putU16(b, v)
	} else {
		nullU16(b)
	}
}

func u8If(b *array.Uint8Builder, ok bool, v uint8) {
	if ok {
		putU8(b, v)
	} else {
		nullU8(b)
	}
}

func u32If(b *array.Uint32Builder, ok bool, v uint32) {
	if ok {
		putU32(b, v)
	} else {
		nullU32(b)
	}
}

func (a *packetsAppender) AppendPacket(p *pipeline.Packet, data []byte, ctx *PacketContext) int {
	d := &p.Decoded
	l := d.Layers
	putTS(a.ts, arrow.Timestamp(p.Timestamp))
	putString(a.sourceFile, ctx.SourceFile)
	putU64(a.frame, p.Frame)
	putI64(a.offset, p.Offset)
	putU32(a.caplen, p.CapLen)
	putU32(a.length, p.OrigLen)
	putU16(a.linkType, p.LinkType)
	putU32(a.iface, p.Interface)
	putU16(a.flags, uint16(d.Flags))
	if l.Has(pipeline.LayerEthernet) {
		a.appendMAC(a.ethSrc, d.EthSrc)
		a.appendMAC(a.ethDst, d.EthDst)
	} else {
		a.ethSrc.AppendNull()
		a.ethDst.AppendNull()
	}
	u16If(a.vlanOuter, d.NumVLAN > 0, d.VLAN[0])
	u16If(a.vlanInner, d.NumVLAN > 1, d.VLAN[1])

	ip := l&(pipeline.LayerIPv4|pipeline.LayerIPv6) != 0 && d.IP.Src.IsValid()
	var ver uint8 = 4
	if l.Has(pipeline.LayerIPv6) {
		ver = 6
	}
	u8If(a.ipVersion, ip, ver)
	if ip {
		a.appendAddr(a.srcIP, d.IP.Src)
		a.appendAddr(a.dstIP, d.IP.Dst)
	} else {
		a.srcIP.AppendNull()
		a.dstIP.AppendNull()
	}
	u8If(a.proto, ip, d.IP.Proto)
	u8If(a.ttl, ip, d.TTL)
	u32If(a.ipID, ip, d.IPID)
	putBool(a.fragment, l.Has(pipeline.LayerFragment))
	ported := ip && (d.IP.SrcPort != 0 || d.IP.DstPort != 0 || l&(pipeline.LayerTCP|pipeline.LayerUDP|pipeline.LayerSCTP) != 0)
	u16If(a.srcPort, ported, d.IP.SrcPort)
	u16If(a.dstPort, ported, d.IP.DstPort)
	tcp := l.Has(pipeline.LayerTCP)
	u16If(a.tcpFlags, tcp, d.TCPFlags)
	u32If(a.tcpSeq, tcp, d.TCPSeq)
	u32If(a.tcpAck, tcp && d.TCPFlags&pipeline.TCPAck != 0, d.TCPAck)
	u16If(a.tcpWin, tcp, d.TCPWindow)
	u32If(a.payloadLen, l&(pipeline.LayerTCP|pipeline.LayerUDP|pipeline.LayerICMPv4|pipeline.LayerICMPv6|pipeline.LayerSCTP) != 0, d.PayloadLen)
	icmp := l&(pipeline.LayerICMPv4|pipeline.LayerICMPv6) != 0
	u8If(a.icmpType, icmp, d.ICMPType)
	u8If(a.icmpCode, icmp, d.ICMPCode)
	if ctx.FlowID != 0 {
		putU64(a.flowID, ctx.FlowID)
		putString(a.communityID, ctx.CommunityID)
		putString(a.direction, ctx.Dir.String())
	} else {
		nullU64(a.flowID)
		a.communityID.AppendNull()
		a.direction.AppendNull()
	}
	gtp := l&(pipeline.LayerGTPU|pipeline.LayerGTPC) != 0
	u8If(a.gtpType, gtp, d.GTPType)
	u32If(a.teid, l.Has(pipeline.LayerGTPU), d.TEID)
	inner := l&(pipeline.LayerInnerIPv4|pipeline.LayerInnerIPv6) != 0 && d.Inner.Src.IsValid()
	if inner {
		a.appendAddr(a.innerSrc, d.Inner.Src)
		a.appendAddr(a.innerDst, d.Inner.Dst)
	} else {
		a.innerSrc.AppendNull()
		a.innerDst.AppendNull()
	}
	u8If(a.innerProto, inner, d.Inner.Proto)
	innerPorts := inner && l&(pipeline.LayerInnerTCP|pipeline.LayerInnerUDP) != 0
	u16If(a.innerSport, innerPorts, d.Inner.SrcPort)
	u16If(a.innerDport, innerPorts, d.Inner.DstPort)
	pfcp := l.Has(pipeline.LayerPFCP)
	u8If(a.pfcpType, pfcp, d.PFCPType)
	if pfcp && d.PFCPHasSEID {
		putU64(a.pfcpSEID, d.PFCPSEID)
	} else {
		nullU64(a.pfcpSEID)
	}
	u32If(a.pfcpSeq, pfcp, d.PFCPSeq)
	return 1
}
