package parquet

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/pcapflow/pcapflow/decoders/flows"
	"github.com/pcapflow/pcapflow/pipeline"
)

// PacketContext is what the sink knows about a packet beyond the packet
// itself: its flow and where it came from.
type PacketContext struct {
	// FlowID is the packet's flow (0 when it has none or flows are not
	// tracked); Dir its direction in the flow.
	FlowID uint64
	Dir    flows.Direction
	// CommunityID of the packet's flow, or "".
	CommunityID string
	// SourceFile is the name of the packet's input.
	SourceFile string
}

// Table is one output table.
type Table interface {
	// Name is the table's directory name ("packets").
	Name() string
	// Schema is the table's Arrow schema, the same on every run.
	Schema() *arrow.Schema
}

// PacketTable is a table with rows derived from packets.
type PacketTable interface {
	Table
	// BindPackets returns an appender writing into b, a builder of Schema.
	BindPackets(b *array.RecordBuilder) PacketAppender
}

// PacketAppender appends the rows of one packet.
type PacketAppender interface {
	// AppendPacket appends p's rows and returns how many (0 when the
	// packet has none in this table). It must not keep p or data.
	AppendPacket(p *pipeline.Packet, data []byte, ctx *PacketContext) int
}

// FlowTable is a table with one row per finished flow.
type FlowTable interface {
	Table
	// BindFlows returns an appender writing into b, a builder of Schema.
	BindFlows(b *array.RecordBuilder) FlowAppender
}

// FlowAppender appends the row of one finished flow.
type FlowAppender interface {
	// AppendFlow appends r's row; sourceFile names r's first input.
	AppendFlow(r *flows.Record, sourceFile string)
}

// PFCPMessageTable is a table with one row per PFCP datagram, appended
// once the datagram's session is decided (see PFCPMessage).
type PFCPMessageTable interface {
	Table
	// BindPFCPMessages returns an appender writing into b, a builder of Schema.
	BindPFCPMessages(b *array.RecordBuilder) PFCPMessageAppender
}

// PFCPMessageAppender appends the row of one PFCP datagram.
type PFCPMessageAppender interface {
	// AppendPFCPMessage appends m's row; m is only valid during the call.
	AppendPFCPMessage(m *PFCPMessage)
}

// PFCPSessionTable is a table with one row per correlated PFCP session,
// appended when the run ends.
type PFCPSessionTable interface {
	Table
	// BindPFCPSessions returns an appender writing into b, a builder of Schema.
	BindPFCPSessions(b *array.RecordBuilder) PFCPSessionAppender
}

// PFCPSessionAppender appends the row of one PFCP session.
type PFCPSessionAppender interface {
	// AppendPFCPSession appends s's row.
	AppendPFCPSession(s *PFCPSession)
}

// HTTPTable is a table with one row per HTTP exchange. Selecting one makes
// the sink reassemble TCP streams (see HTTPExchange).
type HTTPTable interface {
	Table
	// BindHTTP returns an appender writing into b, a builder of Schema.
	BindHTTP(b *array.RecordBuilder) HTTPAppender
}

// HTTPAppender appends the row of one HTTP exchange.
type HTTPAppender interface {
	// AppendHTTP appends x's row; x is only valid during the call.
	AppendHTTP(x *HTTPExchange)
}

// tableMakers are the tables the sink knows, by name.
var tableMakers = map[string]func() Table{
	"packets":       func() Table { return packetsTable{} },
	"flows":         func() Table { return flowsTable{} },
	"pfcp_messages": func() Table { return pfcpMessagesTable{} },
	"pfcp_sessions": func() Table { return pfcpSessionsTable{} },
	"gtp":           func() Table { return gtpTable{} },
	"http":          func() Table { return httpTable{} },
}

// TableNames returns the names accepted in Options.Tables.
func TableNames() []string {
	return []string{"packets", "flows", "pfcp_messages", "pfcp_sessions", "gtp", "http"}
}

// timestampNS is the type of every timestamp column: nanoseconds since the
// Unix epoch in UTC, written without a time zone (Parquet
// TIMESTAMP(NANOS, isAdjustedToUTC=false)). DuckDB 1.5 maps a UTC-adjusted
// timestamp to TIMESTAMPTZ, which holds microseconds, and drops the
// nanoseconds; a plain one becomes TIMESTAMP_NS and keeps them (the DuckDB
// end-to-end test checks this).
var timestampNS = &arrow.TimestampType{Unit: arrow.Nanosecond}

func field(name string, t arrow.DataType, nullable bool) arrow.Field {
	return arrow.Field{Name: name, Type: t, Nullable: nullable}
}

// highCardinality names the numeric columns written without a dictionary:
// nearly every row holds a new value (times, offsets, sequence numbers), so
// a dictionary only costs memory and per-value hashing (and falls back to
// plain encoding once it grows past its page limit anyway). String columns
// are never dictionary-encoded either (see newFile): arrow-go v18.8's
// binary memo table allocates on every lookup, which cost 4-6 allocations
// per packet row; zstd compresses their repeats instead (files grow ~4%).
// Other numeric columns (ports, protocols, flags, message types) keep
// Parquet's dictionary encoding.
var highCardinality = map[string]bool{
	"ts": true, "ts_first": true, "ts_last": true, "ts_deleted": true, "duration_ns": true,
	"frame_no": true, "byte_offset": true, "first_frame": true, "last_frame": true,
	"src_ip": true, "dst_ip": true, "orig_ip": true, "resp_ip": true,
	"inner_src_ip": true, "inner_dst_ip": true,
	"tcp_seq": true, "tcp_ack": true, "ip_id": true,
	"flow_id": true, "community_id": true,
	"syn_ack_rtt_ns": true, "ack_rtt_ns": true, "handshake_rtt_ns": true,
	"orig_bytes": true, "resp_bytes": true, "orig_ip_bytes": true, "resp_ip_bytes": true,
	"orig_frame_bytes": true, "resp_frame_bytes": true,
}
