package parquet

import (
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/pcapflow/pcapflow/decoders/flows"
	"github.com/pcapflow/pcapflow/decoders/tcpreasm"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Row-group bounds and defaults.
const (
	DefaultRowsPerRowGroup = 256 << 10
	MinRowsPerRowGroup     = 64 << 10
	MaxRowsPerRowGroup     = 1 << 20
	// DefaultZstdLevel is the zstd level used unless Options say otherwise:
	// level 1, klauspost/compress's SpeedFastest (arrow-go's default is 3,
	// SpeedDefault). Measured on the 108 MB benchmark mix (scripts/
	// bench-parquet.sh): level 3 costs 13% more CPU for the whole run and
	// saves 0.6% of the packets table (8.25 vs 8.30 MiB) while the flows
	// table even grows 5%; page data here (plain values) leaves little for
	// a stronger match finder. At this level pages are compressed by
	// fastZstd (see zstd.go).
	DefaultZstdLevel = fastZstdLevel
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
	// CompressionLevel is the codec's level, on the scale of its own
	// command-line tool (zstd 1..22, gzip 1..9); 0 picks DefaultZstdLevel
	// for zstd and the codec's default otherwise.
	CompressionLevel int
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
	// Reassembly configures the TCP reassembler run for the http table
	// (its Handler is set by the sink); unused without that table.
	Reassembly tcpreasm.Options
	// Allocator for Arrow buffers (default memory.DefaultAllocator).
	Allocator memory.Allocator

	// plainInts writes the 4-byte integer columns PLAIN, without
	// pcapflow's dictionaries (see intdict.go): tests compare those pages
	// with arrow-go's.
	plainInts bool
	// plainInt64 writes the 8-byte integer columns other than
	// deltaColumns PLAIN (see deltaEncoded): tests compare the tables.
	plainInt64 bool
	// httpAll gives the HTTP reassembler every TCP packet, also the plain
	// segments of connections it found lean (see slotHint): tests compare
	// the http table with and without them.
	httpAll bool

	// recycle serves the column builders: it keeps the buffers of the
	// records the encoders have written for the next records (set by New,
	// over Allocator).
	recycle *recycler
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
	if o.CompressionLevel == 0 {
		o.CompressionLevel = compress.DefaultCompressionLevel
		if o.Compression == compress.Codecs.Zstd {
			o.CompressionLevel = DefaultZstdLevel
		}
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
