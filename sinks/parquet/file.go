package parquet

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/pcapflow/pcapflow/sinks/atomicfile"
)

// recordRows is the number of rows per Arrow record handed to a file's
// encoder (fewer when the row group is smaller), and so of every data page
// (see flushPage). Small records keep the memory in flight small: three
// records per file, and page buffers, compression scratch and zstd input
// sized by one record's column; a fixed-width column's page of 16Ki rows
// (at most 128 KiB) is one zstd block, compressed without copying it into
// a history window first. On the benchmark mix 16Ki rows used 13% less CPU
// than 64Ki (39,000 page faults instead of 64,000) for a packets table 3%
// larger; 8Ki rows saved no more CPU and grew it 9%.
const recordRows = 16 << 10

// initialRows is the capacity the builders of a new file start with (what
// reserving 4Ki rows gave them; see sizeBuilders).
const initialRows = 8 << 10

// dataPageSize bounds the data pages of the tables with list columns,
// which pqarrow's FileWriter cuts by size; the other tables' pages are one
// record's column each (see recordRows and flushPage), which a size bound
// would cut inside a record. arrow-go's default, 1 MiB, grows the encoders'
// pooled buffers to that size, and each is zeroed whole when an encoder
// releases it: on a PFCP + GTP-U capture (gtp, pfcp_* tables) 128 KiB pages
// used 4% less CPU.
const dataPageSize = 128 << 10

// writeBatchRows is the number of values arrow-go's column writers encode
// per call (its default, 1024, costs a few allocations per call, i.e. per
// 1024 rows of every column).
const writeBatchRows = 16 << 10

// file is one Parquet file being written: the Arrow builder of the record
// being filled (on the sink's goroutine) and the encoder that writes full
// records into the file on its own goroutine.
type file struct {
	enc      *encoder
	b        *array.RecordBuilder
	packets  PacketAppender
	flows    FlowAppender
	pfcpMsgs PFCPMessageAppender
	pfcpSess PFCPSessionAppender
	http     HTTPAppender
	rows     int // rows in b
	total    int64
	maxRows  int   // rows per record
	rgRows   int   // rows per row group
	rgLeft   int   // rows the current row group still takes
	dataLen  []int // value bytes of each binary column in the last full record
	// dicts are the dictionary columns of the bound appender (see
	// dict.go), whose values are handed over with each record.
	dicts     []dictColumn
	lastUse   uint64
	finished  bool
	finishErr error
}

// newFile creates the file of table t at path, with t's appender bound to
// its record builder, sized for rows rows (at most a record's). The
// builder has t's schema, with the dictionary columns of a dictTable as
// int32 indices (see indexSchema).
func newFile(path string, t Table, o *Options, rows int) (*file, error) {
	schema := t.Schema()
	var dictCols []string
	if dt, ok := t.(dictTable); ok {
		dictCols = dt.dictColumns()
	}
	af, err := atomicfile.Create(path)
	if err != nil {
		return nil, err
	}
	rw, err := newRecordWriter(af, schema, writerProperties(schema, o), o.RowsPerRowGroup, dictCols)
	if err != nil {
		af.Abort()
		return nil, fmt.Errorf("parquet: %s: %w", path, err)
	}
	build := schema
	if len(dictCols) > 0 {
		build = indexSchema(schema, dictCols)
	}
	f := &file{
		enc:     newEncoder(path, af, rw),
		b:       array.NewRecordBuilder(o.builderAllocator(), build),
		maxRows: min(o.RowsPerRowGroup, recordRows),
		rgRows:  o.RowsPerRowGroup,
		rgLeft:  o.RowsPerRowGroup,
		dataLen: make([]int, len(schema.Fields())),
	}
	// A modest start (most files of a partitioned run stay small); full
	// records are reserved at once from the second one on (see flush).
	sizeBuilders(f.b, min(f.maxRows, rows))
	f.bind(t)
	return f, nil
}

// bind binds the appender of table t (the file's table) to the builders.
func (f *file) bind(t Table) {
	switch t := t.(type) {
	case PacketTable:
		f.packets = t.BindPackets(f.b)
		if da, ok := f.packets.(dictAppender); ok {
			f.dicts = da.dictionaries()
		}
	case FlowTable:
		f.flows = t.BindFlows(f.b)
		if da, ok := f.flows.(dictAppender); ok {
			f.dicts = da.dictionaries()
		}
	case PFCPMessageTable:
		f.pfcpMsgs = t.BindPFCPMessages(f.b)
	case PFCPSessionTable:
		f.pfcpSess = t.BindPFCPSessions(f.b)
	case HTTPTable:
		f.http = t.BindHTTP(f.b)
	}
}

// builderAllocator is the allocator of the column builders: the sink's
// recycler, or Allocator for Options used without New (tests).
func (o *Options) builderAllocator() memory.Allocator {
	if o.recycle != nil {
		return o.recycle
	}
	return o.Allocator
}

// writerProperties are the Parquet settings of every file: format 2.6
// (nanosecond timestamps), the codec and level of o, row groups of
// o.RowsPerRowGroup rows, no dictionary encoding by arrow-go, delta
// encoding for the columns that grow from row to row (see deltaColumns),
// and no statistics where they cannot help a reader (see noStatistics).
//
// The dictionary columns come with their dictionaries and are written by
// pcapflow (see dict.go, dictwrite.go); so are the dictionaries of the
// other 4-byte integer columns of flat tables, which the properties mark
// (see intdict.go). The remaining columns are plain-encoded and left to
// zstd. arrow-go's dictionary encoder hashes each value into a table grown
// per column chunk, and its byte-array one allocates per lookup (4-6
// allocations per packet row when strings had dictionaries). On the
// benchmark mix, with arrow-go's dictionaries for the low-cardinality
// numeric columns (ports, lengths, TTL, flags, protocols), the whole run
// used 7% more CPU than with none, for a packets table 3.8% smaller;
// pcapflow's own cost 4% less CPU than none.
func writerProperties(schema *arrow.Schema, o *Options) *parquet.WriterProperties {
	wopts := []parquet.WriterProperty{
		parquet.WithVersion(parquet.V2_6),
		parquet.WithCompression(o.Compression),
		parquet.WithCompressionLevel(o.CompressionLevel),
		parquet.WithMaxRowGroupLength(int64(o.RowsPerRowGroup)),
		parquet.WithBatchSize(writeBatchRows),
		parquet.WithAllocator(o.builderAllocator()),
		parquet.WithCreatedBy("pcapflow"),
		parquet.WithDictionaryDefault(false),
	}
	flat := true
	for _, f := range schema.Fields() {
		if _, nested := f.Type.(arrow.NestedType); nested {
			flat = false
		}
	}
	for _, f := range schema.Fields() {
		if !flat {
			// pqarrow's FileWriter takes the table (see newRecordWriter).
			wopts = append(wopts, parquet.WithDataPageSize(dataPageSize))
		}
		delta := deltaColumns[f.Name]
		if !o.plainInt64 {
			delta = deltaEncoded(f, flat)
		}
		if flat && !o.plainInts && dictIntType(f.Type) && !delta && !plainColumns[f.Name] {
			// pcapflow's integer dictionaries (see intdict.go), delta-
			// encoded in a chunk without one.
			wopts = append(wopts, parquet.WithDictionaryFor(f.Name, true),
				parquet.WithEncodingFor(f.Name, parquet.Encodings.DeltaBinaryPacked))
		}
		if delta {
			wopts = append(wopts, parquet.WithEncodingFor(f.Name, parquet.Encodings.DeltaBinaryPacked))
		}
		if noStatistics[f.Name] {
			wopts = append(wopts, parquet.WithStatsFor(f.Name, false))
		}
	}
	return parquet.NewWriterProperties(wopts...)
}

// added accounts for n rows appended to b, handing the record to the
// encoder when full or when it completes a row group: a record never
// straddles row groups (for the appenders of one row per call), so each
// row group's dictionaries start afresh with its first record.
func (f *file) added(n int) error {
	f.rows += n
	f.total += int64(n)
	f.rgLeft -= n
	if f.rows >= f.maxRows || f.rgLeft <= 0 {
		return f.flush(true)
	}
	return nil
}

// flush hands the builder's rows to the encoder as one record, with
// snapshots of the dictionaries its indices point to. When more rows
// follow (more), the builders are reserved for a full record at once:
// growing them by doubling would copy every column several times.
func (f *file) flush(more bool) error {
	if f.rows == 0 {
		return nil
	}
	if f.packets != nil {
		f.packets.Sync()
	}
	if s, ok := f.flows.(interface{ Sync() }); ok {
		s.Sync()
	}
	for i, fb := range f.b.Fields() {
		if sb, ok := fb.(*array.StringBuilder); ok {
			f.dataLen[i] = sb.DataLen()
		}
	}
	var dicts []dictSnap
	if len(f.dicts) > 0 {
		dicts = make([]dictSnap, len(f.dicts))
		for i, d := range f.dicts {
			dicts[i] = d.values().snapshot()
		}
	}
	rec := f.b.NewRecordBatch()
	f.rows = 0
	if f.rgLeft <= 0 {
		f.rgLeft = f.rgRows
		for _, d := range f.dicts {
			d.reset()
		}
	}
	if more {
		sizeBuilders(f.b, f.maxRows)
		for i, fb := range f.b.Fields() {
			if sb, ok := fb.(*array.StringBuilder); ok && f.dataLen[i] > 0 {
				sb.ReserveData(f.dataLen[i] + f.dataLen[i]/8)
			}
		}
	}
	return f.enc.send(rec, dicts)
}

// sizeBuilders gives the empty builders of b room for exactly rows rows.
// arrow-go's Reserve rounds up to the next power of two above what is
// asked, so reserving a record of 16Ki rows made every buffer twice that
// size, half of it never filled. On the benchmark mix sizing exactly took
// the buffers the recycler had to allocate from 47 MB to 37 MB; the run's
// CPU time and page faults stayed the same (paired runs, within noise).
func sizeBuilders(b *array.RecordBuilder, rows int) {
	for _, fb := range b.Fields() {
		fb.Resize(rows)
	}
}

// finish hands over the last record and lets the encoder write the
// footer; it does not wait (see wait). The file stays under its temporary
// name until commit.
func (f *file) finish() error {
	if f.finished {
		return f.finishErr
	}
	f.finished = true
	f.finishErr = f.flush(false)
	f.enc.close()
	f.b.Release()
	// A finished file waits for its commit: let its appenders' lookup
	// tables go now.
	f.packets, f.dicts = nil, nil
	return f.finishErr
}

// wait finishes the file and waits until its footer is written.
func (f *file) wait() error {
	err := f.finish()
	if werr := f.enc.wait(); werr != nil {
		return werr
	}
	return err
}

// seal waits for the finished file to be written out, then closes it
// under its temporary name (atomicfile.File.Seal); commit or abort follows.
func (f *file) seal() error {
	if err := f.wait(); err != nil {
		return err
	}
	return f.enc.af.Seal()
}

// abort stops the encoder, releases everything and removes the temporary
// file.
func (f *file) abort() error {
	if !f.finished {
		f.finished = true
		f.b.Release()
	}
	f.enc.abort()
	return f.enc.af.Abort()
}
