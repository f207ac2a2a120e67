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

// tableMakers are the tables the sink knows, by name.
var tableMakers = map[string]func() Table{
	"packets": func() Table { return packetsTable{} },
	"flows":   func() Table { return flowsTable{} },
}

// TableNames returns the names accepted in Options.Tables.
func TableNames() []string { return []string{"packets", "flows"} }

// timestampNS is the type of every timestamp column.
var timestampNS = &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}

func field(name string, t arrow.DataType, nullable bool) arrow.Field {
	return arrow.Field{Name: name, Type: t, Nullable: nullable}
}
