package parquet

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/pcapflow/pcapflow/decoders/flows"
)

// flowsTable is the "flows" table: one row per bidirectional flow, after
// Zeek's conn.log.
type flowsTable struct{}

var flowsSchema = arrow.NewSchema([]arrow.Field{
	field("flow_id", u64, false),
	field("community_id", str, false),
	field("ts_first", timestampNS, false),
	field("ts_last", timestampNS, false),
	field("duration_ns", i64, false),
	field("orig_ip", str, false),
	field("orig_port", u16, false),
	field("resp_ip", str, false),
	field("resp_port", u16, false),
	field("proto", u8, false),
	field("service", str, true),
	field("orig_pkts", u64, false),
	field("resp_pkts", u64, false),
	field("orig_bytes", u64, false),
	field("resp_bytes", u64, false),
	field("orig_ip_bytes", u64, false),
	field("resp_ip_bytes", u64, false),
	field("orig_frame_bytes", u64, false),
	field("resp_frame_bytes", u64, false),
	field("conn_state", str, false),
	field("history", str, false),
	field("syn_ack_rtt_ns", i64, true),
	field("ack_rtt_ns", i64, true),
	field("handshake_rtt_ns", i64, true),
	field("retransmissions", u32, false),
	field("fast_retransmissions", u32, false),
	field("spurious_retransmissions", u32, false),
	field("out_of_order", u32, false),
	field("dup_acks", u32, false),
	field("zero_windows", u32, false),
	field("keep_alives", u32, false),
	field("orig_max_in_flight", u64, true),
	field("resp_max_in_flight", u64, true),
	field("orig_retrans_episodes", u32, true),
	field("resp_retrans_episodes", u32, true),
	field("stalls", u32, true),
	field("stall_time_ns", i64, true),
	field("orig_zero_window_events", u32, true),
	field("resp_zero_window_events", u32, true),
	field("orig_gaps", u32, true),
	field("resp_gaps", u32, true),
	field("orig_gap_bytes", u64, true),
	field("resp_gap_bytes", u64, true),
	field("end_reason", str, false),
	field("first_source_file", str, false),
	field("first_frame", u64, false),
}, nil)

func (flowsTable) Name() string          { return "flows" }
func (flowsTable) Schema() *arrow.Schema { return flowsSchema }

func (flowsTable) BindFlows(b *array.RecordBuilder) FlowAppender {
	return &flowsAppender{b: b}
}

type flowsAppender struct {
	b       *array.RecordBuilder
	scratch [64]byte
}

func (a *flowsAppender) AppendFlow(r *flows.Record, sourceFile string) {
	f := a.b.Fields()
	n := 0
	next := func() array.Builder { n++; return f[n-1] }
	u64b := func(v uint64) { next().(*array.Uint64Builder).Append(v) }
	u32b := func(v uint32) { next().(*array.Uint32Builder).Append(v) }
	strb := func(v string) { next().(*array.StringBuilder).Append(v) }
	ns := func(v int64) {
		b := next().(*array.Int64Builder)
		if v < 0 {
			b.AppendNull()
		} else {
			b.Append(v)
		}
	}
	u64b(r.ID)
	strb(r.CommunityID)
	next().(*array.TimestampBuilder).Append(arrow.Timestamp(r.First))
	next().(*array.TimestampBuilder).Append(arrow.Timestamp(r.Last))
	next().(*array.Int64Builder).Append(r.Duration())
	next().(*array.StringBuilder).BinaryBuilder.Append(r.Orig.AppendTo(a.scratch[:0]))
	next().(*array.Uint16Builder).Append(r.OrigPort)
	next().(*array.StringBuilder).BinaryBuilder.Append(r.Resp.AppendTo(a.scratch[:0]))
	next().(*array.Uint16Builder).Append(r.RespPort)
	next().(*array.Uint8Builder).Append(r.Proto)
	if svc := next().(*array.StringBuilder); r.Service == "" {
		svc.AppendNull()
	} else {
		svc.Append(r.Service)
	}
	o, s := &r.OrigSide, &r.RespSide
	u64b(o.Packets)
	u64b(s.Packets)
	u64b(o.Bytes)
	u64b(s.Bytes)
	u64b(o.IPBytes)
	u64b(s.IPBytes)
	u64b(o.FrameBytes)
	u64b(s.FrameBytes)
	strb(r.ConnState)
	strb(r.History)
	ns(r.SynAckRTT)
	ns(r.AckRTT)
	ns(r.HandshakeRTT)
	u32b(o.Retransmissions + s.Retransmissions)
	u32b(o.FastRetransmissions + s.FastRetransmissions)
	u32b(o.SpuriousRetransmissions + s.SpuriousRetransmissions)
	u32b(o.OutOfOrder + s.OutOfOrder)
	u32b(o.DupAcks + s.DupAcks)
	u32b(o.ZeroWindows + s.ZeroWindows)
	u32b(o.KeepAlives + s.KeepAlives)
	a.appendTimeline(r, next)
	strb(r.EndReason)
	strb(sourceFile)
	u64b(r.FirstFrame)
}

// appendTimeline appends the TCP timeline columns: null for flows of other
// protocols.
func (a *flowsAppender) appendTimeline(r *flows.Record, next func() array.Builder) {
	tl := &r.Timeline
	if r.Proto != 6 {
		for range 12 {
			next().AppendNull()
		}
		return
	}
	u64b := func(v uint64) { next().(*array.Uint64Builder).Append(v) }
	u32b := func(v uint32) { next().(*array.Uint32Builder).Append(v) }
	u64b(tl.MaxInFlight[0])
	u64b(tl.MaxInFlight[1])
	u32b(tl.RetransEpisodes[0])
	u32b(tl.RetransEpisodes[1])
	u32b(tl.Stalls)
	next().(*array.Int64Builder).Append(tl.StallTime)
	u32b(tl.ZeroWindowEvents[0])
	u32b(tl.ZeroWindowEvents[1])
	u32b(tl.Gaps[0])
	u32b(tl.Gaps[1])
	u64b(tl.GapBytes[0])
	u64b(tl.GapBytes[1])
}
