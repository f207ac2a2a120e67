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
	field("tunnel_parent", u64, true),
}, nil)

func (flowsTable) Name() string          { return "flows" }
func (flowsTable) Schema() *arrow.Schema { return flowsSchema }

// dictColumns names the string columns the sink's files build as
// dictionary indices (see dict.go): those of a few distinct values. With
// them plain, arrow-go's column writer copied every value, compared it for
// the chunk's statistics and left zstd to find the repeats: the input's
// name on every row, 500 KB of the benchmark mix's 20,056 rows. The
// addresses stay plain: most originators are distinct, and the two
// columns' chunks would each carry the pair's whole dictionary (the
// table 4.4% larger); so does the Community ID, one per flow.
func (flowsTable) dictColumns() []string {
	return []string{"service", "conn_state", "history", "end_reason", "first_source_file"}
}

// BindFlows binds the appender to b, a builder of Schema or of
// indexSchema(Schema, dictColumns).
func (flowsTable) BindFlows(b *array.RecordBuilder) FlowAppender {
	a := &flowsAppender{b: b}
	f := b.Fields()
	n := 0
	next := func() array.Builder { n++; return f[n-1] }
	row := &a.held
	a.id = next().(*array.Uint64Builder)
	a.communityID = next().(*array.StringBuilder)
	a.first, a.last = next().(*array.TimestampBuilder), next().(*array.TimestampBuilder)
	a.duration = next().(*array.Int64Builder)
	a.origIP, a.origPort = next().(*array.StringBuilder), next().(*array.Uint16Builder)
	a.respIP, a.respPort = next().(*array.StringBuilder), next().(*array.Uint16Builder)
	a.proto = next().(*array.Uint8Builder)
	a.service.bind(next(), nil, &a.dicts, row)
	for i := range a.counts {
		a.counts[i] = next().(*array.Uint64Builder)
	}
	a.connState.bind(next(), nil, &a.dicts, row)
	a.history.bind(next(), nil, &a.dicts, row)
	for i := range a.rtt {
		a.rtt[i] = next().(*array.Int64Builder)
	}
	for i := range a.analysis {
		a.analysis[i] = next().(*array.Uint32Builder)
	}
	a.maxInFlight = [2]*array.Uint64Builder{next().(*array.Uint64Builder), next().(*array.Uint64Builder)}
	a.retransEpisodes = [2]*array.Uint32Builder{next().(*array.Uint32Builder), next().(*array.Uint32Builder)}
	a.stalls, a.stallTime = next().(*array.Uint32Builder), next().(*array.Int64Builder)
	a.zeroWindowEvents = [2]*array.Uint32Builder{next().(*array.Uint32Builder), next().(*array.Uint32Builder)}
	a.gaps = [2]*array.Uint32Builder{next().(*array.Uint32Builder), next().(*array.Uint32Builder)}
	a.gapBytes = [2]*array.Uint64Builder{next().(*array.Uint64Builder), next().(*array.Uint64Builder)}
	a.endReason.bind(next(), nil, &a.dicts, row)
	a.sourceFile.bind(next(), nil, &a.dicts, row)
	a.firstFrame = next().(*array.Uint64Builder)
	a.tunnelParent = next().(*array.Uint64Builder)
	if n != len(f) {
		panic("parquet: flows appender bound to a builder of another schema")
	}
	return a
}

// flowsAppender appends flow rows with the builders' unchecked appends:
// the builders are bound once, by column, and reserved ahead (rowRoom);
// the plain string columns check their data room inline (see putString).
// The dictionary columns' indices are held for up to heldRows rows (see
// heldCol) and handed to their builders by Sync.
type flowsAppender struct {
	b                      *array.RecordBuilder
	room                   rowRoom // id, the first column, is its probe
	id, firstFrame         *array.Uint64Builder
	tunnelParent           *array.Uint64Builder
	communityID, origIP    *array.StringBuilder
	respIP                 *array.StringBuilder
	service, connState     strColumn
	history, endReason     strColumn
	sourceFile             strColumn
	dicts                  []dictColumn
	held                   int // rows held, and during AppendFlow the row's index
	first, last            *array.TimestampBuilder
	duration, stallTime    *array.Int64Builder
	origPort, respPort     *array.Uint16Builder
	proto                  *array.Uint8Builder
	counts                 [8]*array.Uint64Builder // orig/resp packets, bytes, IP bytes, frame bytes
	rtt                    [3]*array.Int64Builder  // SYN-ACK, ACK, handshake
	analysis               [7]*array.Uint32Builder // retransmissions ... keep-alives
	maxInFlight, gapBytes  [2]*array.Uint64Builder
	retransEpisodes        [2]*array.Uint32Builder
	zeroWindowEvents, gaps [2]*array.Uint32Builder
	stalls                 *array.Uint32Builder
	scratch                [64]byte
}

// dictionaries returns the appender's dictionary columns.
func (a *flowsAppender) dictionaries() []dictColumn { return a.dicts }

func (a *flowsAppender) AppendFlow(r *flows.Record, sourceFile string) {
	if a.held == heldRows {
		a.Sync()
	}
	if !a.room.take(a.id.Len(), a.id.Cap()) {
		a.room.reserve(a.b.Fields())
	}
	a.id.UnsafeAppend(r.ID)
	putString(a.communityID, r.CommunityID)
	a.first.UnsafeAppend(arrow.Timestamp(r.First))
	a.last.UnsafeAppend(arrow.Timestamp(r.Last))
	a.duration.UnsafeAppend(r.Duration())
	putBytes(a.origIP, r.Orig.AppendTo(a.scratch[:0]))
	a.origPort.UnsafeAppend(r.OrigPort)
	putBytes(a.respIP, r.Resp.AppendTo(a.scratch[:0]))
	a.respPort.UnsafeAppend(r.RespPort)
	a.proto.UnsafeAppend(r.Proto)
	if r.Service == "" {
		a.service.appendNull()
	} else {
		a.service.append(r.Service)
	}
	o, s := &r.OrigSide, &r.RespSide
	for i, v := range [8]uint64{o.Packets, s.Packets, o.Bytes, s.Bytes, o.IPBytes, s.IPBytes, o.FrameBytes, s.FrameBytes} {
		a.counts[i].UnsafeAppend(v)
	}
	a.connState.append(r.ConnState)
	a.history.append(r.History)
	for i, v := range [3]int64{r.SynAckRTT, r.AckRTT, r.HandshakeRTT} {
		nsOrNull(a.rtt[i], v)
	}
	for i, v := range [7]uint32{o.Retransmissions + s.Retransmissions, o.FastRetransmissions + s.FastRetransmissions,
		o.SpuriousRetransmissions + s.SpuriousRetransmissions, o.OutOfOrder + s.OutOfOrder, o.DupAcks + s.DupAcks,
		o.ZeroWindows + s.ZeroWindows, o.KeepAlives + s.KeepAlives} {
		a.analysis[i].UnsafeAppend(v)
	}
	a.appendTimeline(r)
	a.endReason.append(r.EndReason)
	a.sourceFile.append(sourceFile)
	a.firstFrame.UnsafeAppend(r.FirstFrame)
	if r.TunnelParent != 0 {
		a.tunnelParent.UnsafeAppend(r.TunnelParent)
	} else {
		a.tunnelParent.UnsafeAppendBoolToBitmap(false)
	}
	a.held++
}

// Sync hands the held dictionary indices to their builders.
func (a *flowsAppender) Sync() {
	n := a.held
	if n == 0 {
		return
	}
	for _, c := range [...]*strColumn{&a.service, &a.connState, &a.history, &a.endReason, &a.sourceFile} {
		c.sync(n)
	}
	a.held = 0
}

// nsOrNull appends a duration in nanoseconds, null when negative (not
// measured).
func nsOrNull(b *array.Int64Builder, v int64) {
	if v < 0 {
		b.UnsafeAppendBoolToBitmap(false)
	} else {
		b.UnsafeAppend(v)
	}
}

// appendTimeline appends the TCP timeline columns: null for flows of other
// protocols.
func (a *flowsAppender) appendTimeline(r *flows.Record) {
	tl := &r.Timeline
	if r.Proto != 6 {
		for d := range 2 {
			a.maxInFlight[d].UnsafeAppendBoolToBitmap(false)
			a.retransEpisodes[d].UnsafeAppendBoolToBitmap(false)
		}
		a.stalls.UnsafeAppendBoolToBitmap(false)
		a.stallTime.UnsafeAppendBoolToBitmap(false)
		for d := range 2 {
			a.zeroWindowEvents[d].UnsafeAppendBoolToBitmap(false)
			a.gaps[d].UnsafeAppendBoolToBitmap(false)
			a.gapBytes[d].UnsafeAppendBoolToBitmap(false)
		}
		return
	}
	for d := range 2 {
		a.maxInFlight[d].UnsafeAppend(tl.MaxInFlight[d])
		a.retransEpisodes[d].UnsafeAppend(tl.RetransEpisodes[d])
	}
	a.stalls.UnsafeAppend(tl.Stalls)
	a.stallTime.UnsafeAppend(tl.StallTime)
	for d := range 2 {
		a.zeroWindowEvents[d].UnsafeAppend(tl.ZeroWindowEvents[d])
		a.gaps[d].UnsafeAppend(tl.Gaps[d])
		a.gapBytes[d].UnsafeAppend(tl.GapBytes[d])
	}
}
