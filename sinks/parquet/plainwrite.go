package parquet

import (
	"bytes"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/endian"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// Plain integer columns. Most columns of the packets and flows tables are
// integers and timestamps written PLAIN and left to zstd: a page is the
// definition levels, then the non-null values as 4- or 8-byte
// little-endian integers. pcapflow writes those pages itself, one per
// record, straight to the column's page writer (see fileWriter), with the
// statistics arrow-go's typed statistics compute. arrow-go's column writer
// got there through a write context, batches of definition levels, spaced
// values, an encoder's pooled buffers and a copy of the whole page before
// compressing it.

// plainWidth returns the byte width (4 or 8) of the Parquet values of a
// column of Arrow type t written by writePlainColumn, or 0 for a column
// left to arrow-go's column writer.
func plainWidth(t arrow.DataType) int {
	switch t.ID() {
	case arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.INT32:
		return 4
	case arrow.UINT64, arrow.INT64, arrow.TIMESTAMP:
		return 8
	}
	return 0
}

// plainScratch is one plain column's scratch, reused from page to page.
type plainScratch struct {
	raw    []byte
	zbuf   bytes.Buffer
	levels []int16
	v32    []int32
	v64    []int64
}

// writePlainColumn writes col, a record's column i, as one data page of
// direct column cc.
func (p *parallelWriter) writePlainColumn(cc *columnChunk, i int, col arrow.Array) error {
	rows, nulls := col.Len(), col.NullN()
	if rows == 0 {
		return nil
	}
	if nulls > 0 && !p.nullable[i] {
		return fmt.Errorf("column %s: %d nulls in a required column", cc.meta.Descr().Name(), nulls)
	}
	s := &p.plain[i]
	raw := s.raw[:0]
	if p.nullable[i] {
		raw = appendDefLevels(raw, col, &s.levels)
	}
	st := cc.newPageStats(p.fw.props)
	var err error
	switch a := col.(type) {
	case *array.Uint8:
		s.v32 = nonNull32(s.v32[:0], a.Uint8Values(), col)
	case *array.Uint16:
		s.v32 = nonNull32(s.v32[:0], a.Uint16Values(), col)
	case *array.Uint32:
		s.v32 = nonNull32(s.v32[:0], a.Uint32Values(), col)
	case *array.Int32:
		s.v32 = nonNull32(s.v32[:0], a.Int32Values(), col)
	case *array.Uint64:
		s.v64 = nonNull64(s.v64[:0], a.Uint64Values(), col)
	case *array.Int64:
		s.v64 = nonNull64(s.v64[:0], a.Int64Values(), col)
	case *array.Timestamp:
		s.v64 = nonNull64(s.v64[:0], a.TimestampValues(), col)
	default:
		err = fmt.Errorf("column %s: %s is not a plain integer column", cc.meta.Descr().Name(), col.DataType())
	}
	if err != nil {
		return err
	}
	if plainWidth(col.DataType()) == 4 {
		raw = appendLE32(raw, s.v32)
		if st != nil {
			st.(*metadata.Int32Statistics).Update(s.v32, int64(nulls))
		}
	} else {
		raw = appendLE64(raw, s.v64)
		if st != nil {
			st.(*metadata.Int64Statistics).Update(s.v64, int64(nulls))
		}
	}
	s.raw = raw
	return cc.writePage(raw, rows, parquet.Encodings.Plain, st, p.fw.props, &s.zbuf)
}

// nonNull32 appends the values of col's non-null rows, vals being col's
// values, as the int32 Parquet stores them in (unsigned ones keep their
// bits; readers take them back by the column's logical type).
func nonNull32[T uint8 | uint16 | uint32 | int32](dst []int32, vals []T, col arrow.Array) []int32 {
	if col.NullN() == 0 {
		for _, v := range vals {
			dst = append(dst, int32(v))
		}
		return dst
	}
	for j, v := range vals {
		if col.IsValid(j) {
			dst = append(dst, int32(v))
		}
	}
	return dst
}

// nonNull64 is nonNull32 for 8-byte values.
func nonNull64[T uint64 | int64 | arrow.Timestamp](dst []int64, vals []T, col arrow.Array) []int64 {
	if col.NullN() == 0 {
		for _, v := range vals {
			dst = append(dst, int64(v))
		}
		return dst
	}
	for j, v := range vals {
		if col.IsValid(j) {
			dst = append(dst, int64(v))
		}
	}
	return dst
}

// appendLE32 appends vals as 4-byte little-endian integers.
func appendLE32(dst []byte, vals []int32) []byte {
	if !endian.IsBigEndian {
		return append(dst, arrow.Int32Traits.CastToBytes(vals)...)
	}
	for _, v := range vals {
		dst = append(dst, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
	}
	return dst
}

// appendLE64 appends vals as 8-byte little-endian integers.
func appendLE64(dst []byte, vals []int64) []byte {
	if !endian.IsBigEndian {
		return append(dst, arrow.Int64Traits.CastToBytes(vals)...)
	}
	for _, v := range vals {
		for b := range 8 {
			dst = append(dst, byte(v>>(8*b)))
		}
	}
	return dst
}
