package parquet

import (
	"net/netip"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// pfcpMessagesTable is the "pfcp_messages" table: one row per PFCP
// datagram (UDP 8805 and --pfcp-port), with its correlated session.
type pfcpMessagesTable struct{}

var pfcpMessagesSchema = arrow.NewSchema([]arrow.Field{
	field("ts", timestampNS, false),
	field("source_file", str, false),
	field("frame_no", u64, false),
	field("flow_id", u64, true),
	field("src_ip", str, false),
	field("src_port", u16, false),
	field("dst_ip", str, false),
	field("dst_port", u16, false),
	field("msg_type", u8, false),
	field("msg_type_name", str, true),
	field("seid", u64, true),
	field("seq", u32, false),
	field("messages", u16, false),
	field("fseid", u64, true),
	field("fseid_ipv4", str, true),
	field("fseid_ipv6", str, true),
	field("node_id", str, true),
	field("cause", u8, true),
	field("ue_ip", str, true),
	field("fteid_teid", u32, true),
	field("fteid_ip", str, true),
	field("fteids", u16, false),
	field("vendor_ies", u16, false),
	field("enterprise_id", u16, true),
	field("ies", u32, false),
	field("malformed", boolean, false),
	field("error", str, true),
	field("error_offset", u32, true),
	field("session_id", u32, true),
}, nil)

func (pfcpMessagesTable) Name() string          { return "pfcp_messages" }
func (pfcpMessagesTable) Schema() *arrow.Schema { return pfcpMessagesSchema }

func (pfcpMessagesTable) BindPFCPMessages(b *array.RecordBuilder) PFCPMessageAppender {
	return &pfcpMessagesAppender{b: b}
}

type pfcpMessagesAppender struct {
	b       *array.RecordBuilder
	scratch [256]byte
}

// rowWriter appends the columns of one row in schema order.
type rowWriter struct {
	f       []array.Builder
	n       int
	scratch []byte
}

func (w *rowWriter) next() array.Builder { w.n++; return w.f[w.n-1] }
func (w *rowWriter) ts(v int64)          { w.next().(*array.TimestampBuilder).Append(arrow.Timestamp(v)) }
func (w *rowWriter) u64(v uint64)        { w.next().(*array.Uint64Builder).Append(v) }
func (w *rowWriter) u32(v uint32)        { w.next().(*array.Uint32Builder).Append(v) }
func (w *rowWriter) u16(v uint16)        { w.next().(*array.Uint16Builder).Append(v) }
func (w *rowWriter) u8(v uint8)          { w.next().(*array.Uint8Builder).Append(v) }
func (w *rowWriter) i64(v int64)         { w.next().(*array.Int64Builder).Append(v) }
func (w *rowWriter) boolean(v bool)      { w.next().(*array.BooleanBuilder).Append(v) }
func (w *rowWriter) str(v string)        { w.next().(*array.StringBuilder).Append(v) }
func (w *rowWriter) bytes(v []byte)      { w.next().(*array.StringBuilder).BinaryBuilder.Append(v) }
func (w *rowWriter) null()               { w.next().AppendNull() }

func (w *rowWriter) strOrNull(v string) {
	if v == "" {
		w.null()
	} else {
		w.str(v)
	}
}

func (w *rowWriter) addr(a netip.Addr) {
	if !a.IsValid() {
		w.null()
		return
	}
	w.bytes(a.AppendTo(w.scratch[:0]))
}

func (w *rowWriter) u64If(ok bool, v uint64) {
	if ok {
		w.u64(v)
	} else {
		w.null()
	}
}

func (w *rowWriter) u32If(ok bool, v uint32) {
	if ok {
		w.u32(v)
	} else {
		w.null()
	}
}

func (w *rowWriter) u16If(ok bool, v uint16) {
	if ok {
		w.u16(v)
	} else {
		w.null()
	}
}

func (w *rowWriter) u8If(ok bool, v uint8) {
	if ok {
		w.u8(v)
	} else {
		w.null()
	}
}

func (w *rowWriter) i64If(ok bool, v int64) {
	if ok {
		w.i64(v)
	} else {
		w.null()
	}
}

func (a *pfcpMessagesAppender) AppendPFCPMessage(m *PFCPMessage) {
	w := rowWriter{f: a.b.Fields(), scratch: a.scratch[:0]}
	s := &m.Summary
	h := &s.Header
	w.ts(m.Time)
	w.str(m.SourceFile)
	w.u64(m.Frame)
	w.u64If(m.FlowID != 0, m.FlowID)
	w.addr(m.Src.Addr())
	w.u16(m.Src.Port())
	w.addr(m.Dst.Addr())
	w.u16(m.Dst.Port())
	w.u8(uint8(h.Type))
	if h.Type.Known() {
		w.str(h.Type.String())
	} else {
		w.null()
	}
	w.u64If(h.HasSEID, h.SEID)
	w.u32(h.Seq)
	w.u16(uint16(min(s.Messages, 0xffff)))
	fs := s.NumFSEIDs > 0
	w.u64If(fs, s.FSEIDs[0].SEID)
	w.addr(s.FSEIDs[0].IPv4)
	w.addr(s.FSEIDs[0].IPv6)
	if s.HasNodeID {
		w.bytes(s.NodeText(w.scratch[:0]))
	} else {
		w.null()
	}
	w.u8If(s.HasCause, uint8(s.Cause))
	ue := s.UEIPs[0]
	if s.NumUEIPs > 0 && ue.IPv4.IsValid() {
		w.addr(ue.IPv4)
	} else if s.NumUEIPs > 0 {
		w.addr(ue.IPv6)
	} else {
		w.null()
	}
	ft := s.FTEIDs[0]
	hasFT := s.NumFTEIDs > 0 && !ft.Choose()
	w.u32If(hasFT, ft.TEID)
	switch {
	case hasFT && ft.IPv4.IsValid():
		w.addr(ft.IPv4)
	case hasFT:
		w.addr(ft.IPv6)
	default:
		w.null()
	}
	w.u16(uint16(min(s.NumFTEIDs, 0xffff)))
	w.u16(uint16(min(s.NumVendorIEs, 0xffff)))
	w.u16If(s.NumVendorIEs > 0, s.EnterpriseIDs[0])
	w.u32(uint32(s.IEs))
	w.boolean(s.Malformed)
	if s.Malformed && s.Err != nil {
		w.str(s.Err.Error())
	} else {
		w.null()
	}
	w.u32If(s.Malformed, uint32(s.ErrOffset))
	w.u32If(m.Session != 0, uint32(m.Session))
}
