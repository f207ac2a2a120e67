package parquet

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// pfcpSessionsTable is the "pfcp_sessions" table: one row per PFCP session
// correlated across both directions, written when the run ends.
type pfcpSessionsTable struct{}

var pfcpSessionsSchema = arrow.NewSchema([]arrow.Field{
	field("session_id", u32, false),
	field("cp_ip", str, false),
	field("up_ip", str, false),
	field("cp_seid", u64, true),
	field("up_seid", u64, true),
	field("cp_node", str, true),
	field("up_node", str, true),
	field("ts_first", timestampNS, false),
	field("ts_last", timestampNS, false),
	field("duration_ns", i64, false),
	field("est_request_frame", u64, false),
	field("est_response_frame", u64, false),
	field("est_cause", u8, true),
	field("accepted", boolean, false),
	field("messages", u32, false),
	field("first_frame", u64, false),
	field("last_frame", u64, false),
	field("deleted", boolean, false),
	field("deletion_response_frame", u64, true),
	field("ts_deleted", timestampNS, true),
	field("ue_ips", arrow.ListOf(str), false),
	field("teids", arrow.ListOf(u32), false),
	field("requests", u32, false),
	field("retransmissions", u32, false),
	field("unanswered", u32, false),
	field("latency_min_ns", i64, true),
	field("latency_avg_ns", i64, true),
	field("latency_max_ns", i64, true),
	field("source_file", str, false),
}, nil)

func (pfcpSessionsTable) Name() string          { return "pfcp_sessions" }
func (pfcpSessionsTable) Schema() *arrow.Schema { return pfcpSessionsSchema }

func (pfcpSessionsTable) BindPFCPSessions(b *array.RecordBuilder) PFCPSessionAppender {
	return &pfcpSessionsAppender{b: b}
}

type pfcpSessionsAppender struct {
	b       *array.RecordBuilder
	scratch [64]byte
}

func (a *pfcpSessionsAppender) AppendPFCPSession(s *PFCPSession) {
	w := rowWriter{f: a.b.Fields(), scratch: a.scratch[:0]}
	w.u32(uint32(s.ID))
	w.addr(s.CP)
	w.addr(s.UP)
	w.u64If(s.CPSEID.Valid, s.CPSEID.SEID)
	w.u64If(s.UPSEID.Valid, s.UPSEID.SEID)
	w.strOrNull(s.CPNode)
	w.strOrNull(s.UPNode)
	w.ts(s.FirstTime)
	w.ts(s.LastTime)
	w.i64(s.LastTime - s.FirstTime)
	w.u64(s.EstRequestFrame)
	w.u64(s.EstResponseFrame)
	w.u8If(s.HasEstCause, uint8(s.EstCause))
	w.boolean(s.HasEstCause && s.EstCause.Accepted())
	w.u32(uint32(s.Messages))
	w.u64(s.FirstFrame)
	w.u64(s.LastFrame)
	w.boolean(s.Deleted != 0)
	w.u64If(s.Deleted != 0, s.DeletedFrame)
	if s.Deleted != 0 {
		w.ts(s.DeletedTime)
	} else {
		w.null()
	}
	ue := w.next().(*array.ListBuilder)
	ue.Append(true)
	ueb := ue.ValueBuilder().(*array.StringBuilder)
	for _, ip := range s.UEIPs {
		ueb.BinaryBuilder.Append(ip.AppendTo(w.scratch[:0]))
	}
	te := w.next().(*array.ListBuilder)
	te.Append(true)
	teb := te.ValueBuilder().(*array.Uint32Builder)
	for _, t := range s.TEIDs {
		teb.Append(t)
	}
	w.u32(uint32(s.Requests))
	w.u32(uint32(s.Retransmissions))
	w.u32(uint32(s.Unanswered))
	ok := s.Answered > 0
	var avg int64
	if ok {
		avg = int64(s.LatencyTotal) / int64(s.Answered)
	}
	w.i64If(ok, int64(s.LatencyMin))
	w.i64If(ok, avg)
	w.i64If(ok, int64(s.LatencyMax))
	w.str(s.SourceFile)
}
