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
	// FlowSlot is the flow's slot in the flow table (see
	// flows.Table.Slot), or -1.
	FlowSlot int32
	// CommunityID of the packet's flow, or "".
	CommunityID string
	// InnerFlowID is the flow of the packet a tunnel in it carries (see
	// flows.Table.ObserveInner), 0 when none.
	InnerFlowID uint64
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
	// BindPackets returns an appender writing into b, a builder of Schema
	// (for a table with dictionary columns, of indexSchema(Schema,
	// dictColumns): those columns are built as int32 indices).
	BindPackets(b *array.RecordBuilder) PacketAppender
}

// PacketAppender appends the rows of one packet.
type PacketAppender interface {
	// AppendPacket appends p's rows and returns how many (0 when the
	// packet has none in this table). It must not keep p or data.
	AppendPacket(p *pipeline.Packet, data []byte, ctx *PacketContext) int
	// Sync hands the rows the appender still holds to the builders: the
	// sink calls it before it reads them (to cut a record).
	Sync()
}

// FlowTable is a table with one row per finished flow.
type FlowTable interface {
	Table
	// BindFlows returns an appender writing into b, a builder of Schema
	// (for a table with dictionary columns, of indexSchema(Schema,
	// dictColumns): those columns are built as int32 indices).
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

// noStatistics names the string columns written without Parquet statistics
// (min/max and null counts): their values are hashes, hardware addresses
// or the two words of a direction, so a row group's minimum and maximum
// span nearly the whole range and never let a reader skip it, while
// computing them costs a byte-wise comparison per value.
var noStatistics = map[string]bool{
	"eth_src": true, "eth_dst": true, "community_id": true, "direction": true,
}

// deltaColumns names the integer columns written with Parquet's
// DELTA_BINARY_PACKED encoding: times, frame numbers, byte offsets and ids
// that grow from one row to the next, so that the differences take a few
// bits each instead of eight bytes. On the benchmark mix the packets
// table's ts, frame_no, byte_offset and flow_id went from 6.6 MB of plain
// values (1.4 MB after zstd) to 0.7 MB, and the whole run used 6-10% less
// CPU, the compressor having that much less to search.
var deltaColumns = map[string]bool{
	"ts": true, "ts_first": true, "ts_last": true, "ts_request": true, "ts_response": true,
	"frame_no": true, "byte_offset": true, "first_frame": true, "last_frame": true,
	"request_frame": true, "response_frame": true, "request_first_frame": true, "response_first_frame": true,
	"flow_id": true, "inner_flow_id": true, "tunnel_parent": true, "stream_id": true, "session_id": true,
}

// plainColumns names the integer columns written PLAIN, without the
// dictionary or delta encoding of the other integer columns (see
// intdict.go): TCP sequence and acknowledgement numbers, random by design
// (RFC 6528) and interleaved from flow to flow, which neither makes
// smaller; a dictionary would be tried and dropped on every row group.
var plainColumns = map[string]bool{
	"tcp_seq": true, "tcp_ack": true,
}

// deltaEncoded reports whether column f of a table is written
// DELTA_BINARY_PACKED: the columns of deltaColumns, and, in a flat table
// (flat: no list columns), every other 8-byte integer column too (packet,
// byte and gap counters, durations, round-trip times, SEIDs), as
// parquet-mr's version 2 writer encodes integers. Plain, such a column
// spends eight bytes on values that mostly fit in one to four, and zstd
// then has to find the zero bytes again. On the benchmark mix, delta
// encoding them took 4.8% of the export's instructions off (cachegrind,
// 2.439 -> 2.323 G), paired CPU 0.966; the flows file grew 5% (1.30 ->
// 1.37 MB: packet and byte counters compress better plain, durations
// worse), the mobile capture's files shrank (13.3 -> 13.2 MB: SEIDs).
func deltaEncoded(f arrow.Field, flat bool) bool {
	return deltaColumns[f.Name] || (flat && plainWidth(f.Type) == 8)
}
