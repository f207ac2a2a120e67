package parquet

import (
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/pcapflow/pcapflow/decoders/flows"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Row-group bounds and defaults.
const (
	DefaultRowsPerRowGroup = 256 << 10
	MinRowsPerRowGroup     = 64 << 10
	MaxRowsPerRowGroup     = 1 << 20
	// DefaultMaxOpenFiles bounds the partitions written at once per table;
	// the least recently used one is finished (footer written) first.
	DefaultMaxOpenFiles = 8
)

// Partitioning schemes.
const (
	PartitionNone = "none"
	PartitionDate = "date" // TABLE/date=YYYY-MM-DD/
	PartitionHour = "hour" // TABLE/date=YYYY-MM-DD/hour=HH/
)

// Options configure the sink. Zero values pick the defaults.
type Options struct {
	// Dir is the output directory; each table gets a subdirectory.
	Dir string
	// Tables are the names of the tables to write (default "packets" and
	// "flows"); see TableNames.
	Tables []string
	// Partition is "none" (default), "date" or "hour", by packet time (or
	// flow start time) in UTC.
	Partition string
	// Compression codec (default zstd).
	Compression compress.Compression
	// CompressionSet must be true for Compression to be taken as given
	// (its zero value is "uncompressed").
	CompressionSet bool
	// RowsPerRowGroup is the number of rows per row group and per Arrow
	// record (default 256Ki). Values outside 64Ki..1Mi are accepted for
	// tests but make poor files.
	RowsPerRowGroup int
	// MaxOpenFiles bounds the partitions open at once per table.
	MaxOpenFiles int
	// Prefix starts every file name (default "part"); files are named
	// PREFIX-NNNNNN.parquet.
	Prefix string
	// IfExists says what to do when a table directory already holds
	// Parquet files: ExistingRefuse (default), ExistingOverwrite or
	// ExistingAppend.
	IfExists string
	// Inputs is the run's input table, for the source_file columns.
	Inputs *pipeline.Inputs
	// Flows configures the flow tracker (its Emit is set by the sink).
	Flows flows.Options
	// Allocator for Arrow buffers (default memory.DefaultAllocator).
	Allocator memory.Allocator
}

func (o *Options) fill() {
	if len(o.Tables) == 0 {
		o.Tables = []string{"packets", "flows"}
	}
	if o.Partition == "" {
		o.Partition = PartitionNone
	}
	if !o.CompressionSet {
		o.Compression = compress.Codecs.Zstd
	}
	if o.RowsPerRowGroup <= 0 {
		o.RowsPerRowGroup = DefaultRowsPerRowGroup
	}
	if o.RowsPerRowGroup > MaxRowsPerRowGroup {
		o.RowsPerRowGroup = MaxRowsPerRowGroup
	}
	if o.MaxOpenFiles <= 0 {
		o.MaxOpenFiles = DefaultMaxOpenFiles
	}
	if o.Prefix == "" {
		o.Prefix = "part"
	}
	if o.IfExists == "" {
		o.IfExists = ExistingRefuse
	}
	if o.Allocator == nil {
		o.Allocator = memory.DefaultAllocator
	}
	if o.Inputs == nil {
		o.Inputs = &pipeline.Inputs{}
	}
}
