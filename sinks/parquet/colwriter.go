package parquet

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/parquet"
	pqfile "github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// recordWriter writes Arrow records into one Parquet file, in row groups
// of at most a fixed number of rows.
type recordWriter interface {
	// write appends rec's rows; the caller keeps (and releases) rec.
	// dicts are the dictionaries of rec's dictionary columns, in order.
	write(rec arrow.RecordBatch, dicts []dictSnap) error
	// close writes the last row group and the footer.
	close() error
}

// newRecordWriter returns the writer for schema: the column-parallel one
// when every column is flat (no lists), else pqarrow's FileWriter. The
// records of a writer with dictionary columns (dictCols, see dict.go) hold
// int32 indices in those columns; only the parallel writer takes them.
func newRecordWriter(w io.Writer, schema *arrow.Schema, props *parquet.WriterProperties, maxRows int, dictCols []string) (recordWriter, error) {
	arrProps := pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(props.Allocator()))
	for _, f := range schema.Fields() {
		if _, nested := f.Type.(arrow.NestedType); nested {
			if len(dictCols) > 0 {
				return nil, errors.New("dictionary columns in a nested schema")
			}
			fw, err := pqarrow.NewFileWriter(schema, w, props, arrProps)
			if err != nil {
				return nil, err
			}
			return &serialWriter{fw: fw, maxRows: maxRows}, nil
		}
	}
	return newParallelWriter(w, schema, props, arrProps, maxRows, dictCols)
}

// serialWriter is pqarrow's FileWriter with buffered row groups: it
// encodes one column after another.
type serialWriter struct {
	fw      *pqarrow.FileWriter
	maxRows int
}

func (s *serialWriter) write(rec arrow.RecordBatch, dicts []dictSnap) error {
	if len(dicts) > 0 {
		return errors.New("dictionary columns in a nested schema")
	}
	n, err := s.fw.RowGroupNumRows()
	if err != nil {
		return err
	}
	if n >= s.maxRows {
		if err := s.fw.NewBufferedRowGroupChecked(); err != nil {
			return err
		}
	}
	// WriteBuffered splits a record that straddles maxRows itself.
	return s.fw.WriteBuffered(rec)
}

func (s *serialWriter) close() error { return s.fw.Close() }

// parallelWriter writes a flat schema with every column of a record
// encoded and compressed concurrently: the columns of a buffered row group
// have independent writers (encoder, statistics, page buffer), so they can
// be filled from several goroutines, and the row group is written out in
// column order when it closes. The file is the same as pqarrow's
// FileWriter writes (same Parquet schema, same ARROW:schema metadata, same
// encodings, pages cut at the end of each record), only produced on more
// cores. The integer columns' pages (plain or delta) are encoded by
// pcapflow (see plainwrite.go), the same bytes as arrow-go's; the dictionary columns
// (see dict.go) hold indices in their records, and each row group's
// dictionary and index pages are written when it closes (dictwrite.go).
type parallelWriter struct {
	fw       *fileWriter
	rg       *rowGroupWriter
	rgRows   int
	maxRows  int
	arrProps pqarrow.ArrowWriterProperties
	workers  int
	// scratch holds each worker's scratch (see forColumns).
	scratch  []colScratch
	nullable []bool
	// dictPos gives each column's place among the dictionary columns
	// (-1 for the others), whose indices wait in dicts for the row
	// group's close.
	dictPos []int
	dicts   []dictChunk
	// isInt marks the integer columns written directly (see
	// plainwrite.go), delta those of them DELTA_BINARY_PACKED rather than
	// PLAIN (a dictionary column, in a chunk without its dictionary).
	isInt []bool
	delta []bool
	// intDicts are the dictionary integer columns' chunks (see
	// intdict.go), by column; dictInt marks those columns.
	intDicts []intDictChunk
	dictInt  []bool
}

func newParallelWriter(w io.Writer, schema *arrow.Schema, props *parquet.WriterProperties, arrProps pqarrow.ArrowWriterProperties, maxRows int, dictCols []string) (*parallelWriter, error) {
	pqSchema, err := pqarrow.ToParquet(schema, props, arrProps)
	if err != nil {
		return nil, err
	}
	// The serialized Arrow schema, as pqarrow.WithStoreSchema stores it,
	// so that Arrow readers get the exact column types back.
	meta := metadata.NewKeyValueMetadata()
	meta.Append("ARROW:schema", base64.StdEncoding.EncodeToString(flight.SerializeSchema(schema, props.Allocator())))
	fw, err := newFileWriter(w, pqSchema.Root(), props, meta)
	if err != nil {
		return nil, err
	}
	p := &parallelWriter{
		fw: fw, maxRows: maxRows, arrProps: arrProps,
		workers:  min(runtime.GOMAXPROCS(0), 4),
		nullable: make([]bool, schema.NumFields()),
		dictPos:  make([]int, schema.NumFields()),
		isInt:    make([]bool, schema.NumFields()),
		delta:    make([]bool, schema.NumFields()),
		intDicts: make([]intDictChunk, schema.NumFields()),
		dictInt:  make([]bool, schema.NumFields()),
	}
	for i, f := range schema.Fields() {
		p.nullable[i] = f.Nullable
		p.dictPos[i] = -1
		col := pqSchema.Column(i)
		enc := props.EncodingFor(col.Path())
		switch w := plainWidth(f.Type); {
		case enc != parquet.Encodings.Plain && enc != parquet.Encodings.DeltaBinaryPacked:
		case w == 4 && col.PhysicalType() == parquet.Types.Int32, w == 8 && col.PhysicalType() == parquet.Types.Int64:
			p.isInt[i] = true
			p.delta[i] = enc == parquet.Encodings.DeltaBinaryPacked
			p.dictInt[i] = w == 4 && props.DictionaryEnabledFor(col.Path())
			p.intDicts[i].delta = p.delta[i] // a dictionary column's encoding without one
		}
		if slices.Contains(dictCols, f.Name) {
			if f.Type.ID() != arrow.STRING {
				return nil, fmt.Errorf("dictionary column %s of type %s", f.Name, f.Type)
			}
			p.dictPos[i] = len(p.dicts)
			p.dicts = append(p.dicts, dictChunk{})
		}
	}
	p.scratch = make([]colScratch, p.workers)
	if len(p.dicts) != len(dictCols) {
		return nil, fmt.Errorf("dictionary columns %v not all in the schema", dictCols)
	}
	return p, nil
}

func (p *parallelWriter) write(rec arrow.RecordBatch, dicts []dictSnap) error {
	if len(dicts) != len(p.dicts) {
		return fmt.Errorf("record with %d dictionaries for %d dictionary columns", len(dicts), len(p.dicts))
	}
	for off := int64(0); off < rec.NumRows(); {
		if p.rg != nil && p.rgRows >= p.maxRows {
			if err := p.closeRowGroup(); err != nil {
				return err
			}
		}
		if p.rg == nil {
			rg, err := p.fw.appendRowGroup(func(i int) bool { return p.dictPos[i] >= 0 || p.isInt[i] })
			if err != nil {
				return err
			}
			p.rg, p.rgRows = rg, 0
		}
		n := min(rec.NumRows()-off, int64(p.maxRows-p.rgRows))
		part := rec
		if off != 0 || n != rec.NumRows() {
			if len(p.dicts) > 0 {
				// The sink ends its records, and its dictionaries,
				// at row group boundaries (see file.added).
				return errors.New("a record with dictionary columns straddles a row group")
			}
			part = rec.NewSlice(off, off+n)
		}
		err := p.writeColumns(part, dicts)
		if part != rec {
			part.Release()
		}
		if err != nil {
			return err
		}
		p.rgRows += int(n)
		off += n
	}
	return nil
}

// writeColumns appends every column of rec to the current row group, the
// columns shared out among the workers (each with its own pqarrow write
// context, which holds scratch buffers). Dictionary columns are only kept
// for the row group's close.
func (p *parallelWriter) writeColumns(rec arrow.RecordBatch, dicts []dictSnap) error {
	ctxs := make([]context.Context, rec.NumCols())
	return p.forColumns(int(rec.NumCols()), func(i int, s *colScratch) error {
		if k := p.dictPos[i]; k >= 0 {
			return p.dicts[k].keep(rec.Column(i), dicts[k])
		}
		if p.isInt[i] {
			return p.writeIntColumn(p.rg.cols[i], i, rec.Column(i), s)
		}
		ctxs[i] = pqarrow.NewArrowWriteContext(context.Background(), &p.arrProps)
		return p.writeColumn(ctxs[i], i, rec.Column(i), s)
	})
}

// writeColumn appends column i, with scratch s. A flat nullable column
// has definition level 1 for a value and 0 for a null; a required one has
// none.
func (p *parallelWriter) writeColumn(ctx context.Context, i int, col arrow.Array, s *colScratch) error {
	cw := p.rg.cols[i].cw
	var def []int16
	if p.nullable[i] {
		def = defLevels(s.def, col)
		s.def = def
	}
	if err := pqarrow.WriteArrowToColumn(ctx, cw, col, def, nil, p.nullable[i]); err != nil {
		return err
	}
	return flushPage(cw)
}

// defLevels returns the definition levels of flat column col in def
// (grown when too small): 1 for a value, 0 for a null. A column without
// nulls, or of nulls only, is filled at once; otherwise the levels are the
// bits of the validity bitmap, read directly rather than through an
// interface call per row.
func defLevels(def []int16, col arrow.Array) []int16 {
	n := col.Len()
	if cap(def) < n {
		def = make([]int16, n)
	}
	def = def[:n]
	switch col.NullN() {
	case 0:
		for j := range def {
			def[j] = 1
		}
	case n:
		clear(def)
	default:
		bits, off := col.NullBitmapBytes(), col.Data().Offset()
		for j := range def {
			k := off + j
			def[j] = int16(bits[k>>3] >> (k & 7) & 1)
		}
	}
	return def
}

// flushPage cuts a data page from the values column writer cw buffers.
// Every column is cut at the end of each record, here on the workers:
// left alone, a dictionary-encoded column sizes its pages by the raw bytes
// it was given, so a narrow column (ports, flags) keeps a whole row
// group's indices in one page, encoded and compressed only when the row
// group closes — after the input has ended, for the last one.
func flushPage(cw pqfile.ColumnChunkWriter) error {
	fc, ok := cw.(pageFlusher)
	if !ok {
		return nil
	}
	// The page statistics count the values and nulls buffered since the
	// last page (a page of nothing cannot be cut). Without statistics,
	// only a non-empty plain encoder is known to hold values.
	if st := cw.PageStatistics(); st != nil {
		if st.NumValues()+st.NullCount() == 0 {
			return nil
		}
	} else if isDictEncoding(cw.CurrentEncoder().Encoding()) || cw.CurrentEncoder().EstimatedDataEncodedSize() == 0 {
		return nil
	}
	return fc.FlushCurrentPage()
}

// isDictEncoding reports whether e is a dictionary encoding.
func isDictEncoding(e parquet.Encoding) bool {
	return e == parquet.Encodings.RLEDict || e == parquet.Encodings.PlainDict
}

// closeRowGroup writes the row group out. The dictionary columns are
// written, and values another column still buffers (none after
// writeColumn, which cuts a page at the end of each record) are encoded
// and compressed into pages, concurrently; Close then only writes the
// buffered pages in column order.
func (p *parallelWriter) closeRowGroup() error {
	err := p.forColumns(len(p.rg.cols), func(i int, s *colScratch) error {
		switch {
		case p.dictPos[i] >= 0:
			return p.writeDictColumn(p.rg.cols[i], i, s)
		case p.dictInt[i]:
			return p.writeIntDictColumn(p.rg.cols[i], &p.intDicts[i], s)
		case p.isInt[i]:
			return nil // written record by record
		}
		return flushPage(p.rg.cols[i].cw)
	})
	// A worker stops at its first error: the dictionary columns it did
	// not reach still hold their indices (release is idempotent).
	for k := range p.dicts {
		p.dicts[k].release()
	}
	for k := range p.intDicts {
		p.intDicts[k].reset()
	}
	if err == nil {
		err = p.rg.close()
	}
	p.rg = nil
	return err
}

// pageFlusher is implemented by arrow-go's column chunk writers: it cuts a
// data page from the values buffered so far.
type pageFlusher interface{ FlushCurrentPage() error }

// forColumns runs fn for columns 0..n-1, shared out among the workers, and
// returns the first error. Each worker passes fn its own scratch.
func (p *parallelWriter) forColumns(n int, fn func(i int, s *colScratch) error) error {
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		errMu    sync.Mutex
		firstErr error
	)
	for w := range min(p.workers, n) {
		s := &p.scratch[w]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i, s); err != nil {
					errMu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					errMu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

func (p *parallelWriter) close() error {
	var err error
	if p.rg != nil {
		err = p.closeRowGroup()
	}
	if err == nil {
		err = p.fw.close()
	}
	return err
}

// Compile-time checks.
var (
	_ recordWriter = (*serialWriter)(nil)
	_ recordWriter = (*parallelWriter)(nil)
)
