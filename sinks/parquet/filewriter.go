package parquet

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	pqfile "github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// parquetMagic opens and ends every Parquet file.
const parquetMagic = "PAR1"

// fileWriter writes a Parquet file of buffered row groups, assembled from
// arrow-go's parts as its pqfile.Writer assembles them: metadata builders,
// a buffered page writer and a column chunk writer per column. Doing the
// assembly here lets a column skip the column chunk writer and hand its
// encoded pages to its page writer directly: the dictionary columns, whose
// dictionaries pcapflow builds itself (see dictwrite.go). Without page
// indexes, bloom filters or encryption (pcapflow sets none), the file is
// the one pqfile.Writer writes.
type fileWriter struct {
	sink   *tellWriter
	props  *parquet.WriterProperties
	schema *schema.Schema
	meta   *metadata.FileMetaDataBuilder
	groups int
}

// tellWriter counts the bytes written, for the page writers' offsets.
type tellWriter struct {
	w   io.Writer
	pos int64
}

func (t *tellWriter) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	t.pos += int64(n)
	return n, err
}

// Tell returns the number of bytes written so far.
func (t *tellWriter) Tell() int64 { return t.pos }

// newFileWriter writes the file header to w and returns the writer of a
// file with schema root, properties props and key-value metadata kv.
func newFileWriter(w io.Writer, root *schema.GroupNode, props *parquet.WriterProperties, kv metadata.KeyValueMetadata) (*fileWriter, error) {
	if props.FileEncryptionProperties() != nil || props.PageIndexEnabled() {
		return nil, fmt.Errorf("parquet: encryption and page indexes are not supported")
	}
	s := schema.NewSchema(root)
	fw := &fileWriter{sink: &tellWriter{w: w}, props: props, schema: s,
		meta: metadata.NewFileMetadataBuilder(s, props, kv)}
	if _, err := io.WriteString(fw.sink, parquetMagic); err != nil {
		return nil, err
	}
	return fw, nil
}

// rowGroupWriter is an open buffered row group: its column chunks are
// filled independently (each by one goroutine at a time) and written out
// in column order when it closes.
type rowGroupWriter struct {
	fw      *fileWriter
	ordinal int16
	meta    *metadata.RowGroupMetaDataBuilder
	cols    []*columnChunk
}

// columnChunk is one column of an open row group.
type columnChunk struct {
	meta  *metadata.ColumnChunkMetaDataBuilder
	pager pqfile.PageWriter
	// cw encodes the column's values; nil for a direct column, whose
	// pages go to pager as they are (see the fields below).
	cw pqfile.ColumnChunkWriter
	// A direct column's rows, bytes written (page headers included),
	// whether a dictionary page was written, and chunk statistics (nil
	// when the column has none).
	rows    int64
	written int64
	hasDict bool
	stats   metadata.TypedStatistics
}

// appendRowGroup opens a row group. The columns for which direct reports
// true get no column chunk writer.
func (fw *fileWriter) appendRowGroup(direct func(i int) bool) (*rowGroupWriter, error) {
	rg := &rowGroupWriter{fw: fw, ordinal: int16(fw.groups), meta: fw.meta.AppendRowGroup()}
	fw.groups++
	for i := 0; i < fw.schema.NumColumns(); i++ {
		cm := rg.meta.NextColumnChunk()
		path := cm.Descr().Path()
		pager, err := pqfile.NewPageWriter(fw.sink, fw.props.CompressionFor(path), fw.props.CompressionLevelFor(path),
			cm, rg.ordinal, int16(i), fw.props.Allocator(), true, nil, nil)
		if err != nil {
			return nil, err
		}
		c := &columnChunk{meta: cm, pager: pager}
		switch {
		case !direct(i):
			c.cw = pqfile.NewColumnChunkWriter(cm, pager, fw.props)
		case fw.props.StatisticsEnabledFor(path):
			c.stats = metadata.NewStatistics(cm.Descr(), fw.props.Allocator())
		}
		rg.cols = append(rg.cols, c)
	}
	return rg, nil
}

// rowsOf returns the rows written to column c.
func (c *columnChunk) rowsOf() int64 {
	if c.cw != nil {
		return int64(c.cw.RowsWritten())
	}
	return c.rows
}

// close writes the row group's column chunks out, in column order, and
// finishes its metadata. Every column must hold the same number of rows.
func (rg *rowGroupWriter) close() error {
	var rows, written int64
	for i, c := range rg.cols {
		if n := c.rowsOf(); i == 0 {
			rows = n
		} else if n != rows {
			return fmt.Errorf("parquet: row group %d: column %s has %d rows, column %s %d",
				rg.ordinal, c.meta.Descr().Name(), n, rg.cols[0].meta.Descr().Name(), rows)
		}
	}
	for _, c := range rg.cols {
		if c.cw != nil {
			if err := c.cw.Close(); err != nil {
				return err
			}
			written += c.cw.TotalBytesWritten()
			continue
		}
		if c.rows > 0 && c.stats != nil {
			enc, err := c.stats.Encode()
			if err != nil {
				return err
			}
			if enc = statLimits(enc, rg.fw.props, c.meta.Descr()); enc.IsSet() {
				c.meta.SetStats(enc)
			}
		}
		if err := c.pager.Close(c.hasDict, false); err != nil {
			return err
		}
		written += c.written
	}
	rg.meta.SetNumRows(int(rows))
	return rg.meta.Finish(written, rg.ordinal)
}

// newPageStats returns empty statistics for a page of direct column c, or
// nil when the column has none.
func (c *columnChunk) newPageStats(props *parquet.WriterProperties) metadata.TypedStatistics {
	if c.stats == nil {
		return nil
	}
	return metadata.NewStatistics(c.meta.Descr(), props.Allocator())
}

// writePage writes raw, the uncompressed bytes of a V1 data page of rows
// rows whose values have encoding enc, to direct column c: compressed
// (in zbuf) when the column has a codec, with page statistics st (nil for
// none), which then also count in the chunk's.
func (c *columnChunk) writePage(raw []byte, rows int, enc parquet.Encoding, st metadata.TypedStatistics, props *parquet.WriterProperties, zbuf *bytes.Buffer) error {
	data, pageStats, err := c.encodePage(raw, st, props, zbuf)
	if err != nil {
		return err
	}
	return c.submitPage(data, len(raw), rows, enc, pageStats)
}

// encodePage compresses raw, a data page's bytes, into zbuf when c has a
// codec, and returns them with the page's encoded statistics (from st,
// nil for none), which then also count in the chunk's.
func (c *columnChunk) encodePage(raw []byte, st metadata.TypedStatistics, props *parquet.WriterProperties, zbuf *bytes.Buffer) ([]byte, metadata.EncodedStatistics, error) {
	var pageStats metadata.EncodedStatistics
	if st != nil {
		e, err := st.Encode()
		if err != nil {
			return nil, pageStats, err
		}
		pageStats = statLimits(e, props, c.meta.Descr())
		c.stats.Merge(st)
	}
	if !c.pager.HasCompressor() {
		return raw, pageStats, nil
	}
	zbuf.Reset()
	return c.pager.Compress(zbuf, raw), pageStats, nil
}

// submitPage hands c's page writer a data page of rows rows whose values
// have encoding enc: data, compressed from rawLen bytes (see encodePage).
func (c *columnChunk) submitPage(data []byte, rawLen, rows int, enc parquet.Encoding, pageStats metadata.EncodedStatistics) error {
	page := pqfile.NewDataPageV1WithConfig(memory.NewBufferBytes(data), parquet.Encodings.RLE, parquet.Encodings.RLE, pqfile.DataPageConfig{
		Num:              int32(rows),
		Encoding:         enc,
		UncompressedSize: int32(rawLen),
		Stats:            pageStats,
		FirstRowIndex:    c.rows,
	})
	n, err := c.pager.WriteDataPage(page)
	page.Release()
	if err != nil {
		return err
	}
	c.written += n
	c.rows += int64(rows)
	return nil
}

// statLimits applies the size limit of props to statistics enc of column
// descr and marks their sort order, as arrow-go's column writer does.
func statLimits(enc metadata.EncodedStatistics, props *parquet.WriterProperties, descr *schema.Column) metadata.EncodedStatistics {
	enc.ApplyStatSizeLimits(int(props.MaxStatsSizeFor(descr.Path())))
	enc.Signed = descr.SortOrder() == schema.SortSIGNED
	return enc
}

// appendDefLevels appends the definition levels of flat nullable column
// col as a V1 data page holds them: their length, then the levels (1 for
// a value, 0 for a null) in the hybrid encoding, one bit wide, read from
// its validity bitmap (see levels.go).
func appendDefLevels(dst []byte, col arrow.Array) []byte {
	at := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	switch n := col.Len(); col.NullN() {
	case 0:
		dst = appendRLE(dst, 1, n, 1)
	case n:
		dst = appendRLE(dst, 0, n, 1)
	default:
		dst = appendBitmapLevels(dst, col.NullBitmapBytes(), col.Data().Offset(), n)
	}
	binary.LittleEndian.PutUint32(dst[at:], uint32(len(dst)-at-4))
	return dst
}

// close writes the footer: the file metadata, its length and the magic.
// The open row group, if any, must be closed first.
func (fw *fileWriter) close() error {
	md, err := fw.meta.Finish()
	if err != nil {
		return err
	}
	n, err := md.WriteTo(fw.sink, nil)
	if err != nil {
		return err
	}
	if err := binary.Write(fw.sink, binary.LittleEndian, uint32(n)); err != nil {
		return err
	}
	_, err = io.WriteString(fw.sink, parquetMagic)
	return err
}
