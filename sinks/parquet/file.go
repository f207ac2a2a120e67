package parquet

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/pcapflow/pcapflow/sinks/atomicfile"
)

// file is one Parquet file being written: a temporary file, its pqarrow
// writer, and the Arrow builder of the row group being filled.
type file struct {
	af       *atomicfile.File
	fw       *pqarrow.FileWriter
	b        *array.RecordBuilder
	packets  PacketAppender
	flows    FlowAppender
	pfcpMsgs PFCPMessageAppender
	pfcpSess PFCPSessionAppender
	rows     int // rows in b
	total    int64
	maxRows  int
	lastUse  uint64
	finished bool
}

func newFile(path string, schema *arrow.Schema, o *Options) (*file, error) {
	af, err := atomicfile.Create(path)
	if err != nil {
		return nil, err
	}
	wopts := []parquet.WriterProperty{
		parquet.WithVersion(parquet.V2_6),
		parquet.WithCompression(o.Compression),
		parquet.WithMaxRowGroupLength(int64(o.RowsPerRowGroup)),
		parquet.WithAllocator(o.Allocator),
		parquet.WithCreatedBy("pcapflow"),
	}
	// No dictionary for high-cardinality columns nor strings (see highCardinality).
	for _, f := range schema.Fields() {
		if highCardinality[f.Name] || arrow.TypeEqual(f.Type, arrow.BinaryTypes.String) {
			wopts = append(wopts, parquet.WithDictionaryFor(f.Name, false))
		}
	}
	props := parquet.NewWriterProperties(wopts...)
	fw, err := pqarrow.NewFileWriter(schema, af, props,
		pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(o.Allocator)))
	if err != nil {
		af.Abort()
		return nil, fmt.Errorf("parquet: %s: %w", path, err)
	}
	return &file{af: af, fw: fw, b: array.NewRecordBuilder(o.Allocator, schema), maxRows: o.RowsPerRowGroup}, nil
}

// added accounts for n rows appended to b, writing a row group when full.
func (f *file) added(n int) error {
	f.rows += n
	f.total += int64(n)
	if f.rows >= f.maxRows {
		return f.flush()
	}
	return nil
}

// flush writes the builder's rows as one row group.
func (f *file) flush() error {
	if f.rows == 0 {
		return nil
	}
	rec := f.b.NewRecordBatch()
	defer rec.Release()
	f.rows = 0
	return f.fw.Write(rec)
}

// finish writes the last row group and the footer; the file stays under
// its temporary name until commit.
func (f *file) finish() error {
	if f.finished {
		return nil
	}
	f.finished = true
	err := f.flush()
	if cerr := f.fw.Close(); err == nil {
		err = cerr
	}
	f.b.Release()
	return err
}

// commit renames the finished file into place.
func (f *file) commit() error {
	if err := f.finish(); err != nil {
		f.af.Abort()
		return err
	}
	return f.af.Commit()
}

// abort releases everything and removes the temporary file.
func (f *file) abort() error {
	var err error
	if !f.finished {
		f.finished = true
		// Close frees the writer's buffers; the file is removed anyway.
		f.fw.Close()
		f.b.Release()
	}
	return errors.Join(err, f.af.Abort())
}
