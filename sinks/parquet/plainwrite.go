package parquet

import (
	"bytes"
	"fmt"
	"slices"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/endian"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// Integer columns. Most columns of the packets and flows tables are
// integers and timestamps, written PLAIN and left to zstd, or for those
// that grow from row to row DELTA_BINARY_PACKED (see deltaColumns, delta.go):
// a page is the definition levels, then the non-null values, as 4- or
// 8-byte little-endian integers or delta-encoded. pcapflow writes those
// pages itself, one per record, straight to the column's page writer (see
// fileWriter), with the statistics arrow-go's typed statistics compute.
// arrow-go's column writer got there through a write context, batches of
// definition levels, spaced values, an encoder's pooled buffers and a copy
// of the whole page before compressing it.

// plainWidth returns the byte width (4 or 8) of the Parquet values of a
// column of Arrow type t written by writeIntColumn, or 0 for a column left
// to arrow-go's column writer.
func plainWidth(t arrow.DataType) int {
	switch t.ID() {
	case arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.INT32:
		return 4
	case arrow.UINT64, arrow.INT64, arrow.TIMESTAMP:
		return 8
	}
	return 0
}

// colScratch is one worker's scratch (see parallelWriter.forColumns),
// reused from column to column and page to page: a page's bytes before
// and after compression, its values as Parquet stores them, definition
// levels, and the indices of a dictionary page's non-null rows. Nothing
// written keeps a reference to it (page writers copy pages), so the
// workers' few buffers serve every column, where one set per column made
// the Parquet export of the benchmark mix fault in ~15 MB more memory.
type colScratch struct {
	raw     []byte
	zbuf    bytes.Buffer
	v32     []int32
	v64     []int64
	def     []int16
	nonNull []int32
}

// writeIntColumn writes col, a record's column i, as one data page of
// direct column cc, with scratch s.
func (p *parallelWriter) writeIntColumn(cc *columnChunk, i int, col arrow.Array, s *colScratch) error {
	rows, nulls := col.Len(), col.NullN()
	if rows == 0 {
		return nil
	}
	if nulls > 0 && !p.nullable[i] {
		return fmt.Errorf("column %s: %d nulls in a required column", cc.meta.Descr().Name(), nulls)
	}
	raw := s.raw[:0]
	if p.nullable[i] {
		raw = appendDefLevels(raw, col)
	}
	st := cc.newPageStats(p.fw.props)
	var err error
	switch a := col.(type) {
	case *array.Uint8:
		s.v32 = nonNull(s.v32[:0], a.Uint8Values(), col)
	case *array.Uint16:
		s.v32 = nonNull(s.v32[:0], a.Uint16Values(), col)
	case *array.Uint32:
		s.v32 = nonNull(s.v32[:0], a.Uint32Values(), col)
	case *array.Int32:
		s.v32 = nonNull(s.v32[:0], a.Int32Values(), col)
	case *array.Uint64:
		s.v64 = nonNull(s.v64[:0], a.Uint64Values(), col)
	case *array.Int64:
		s.v64 = nonNull(s.v64[:0], a.Int64Values(), col)
	case *array.Timestamp:
		s.v64 = nonNull(s.v64[:0], a.TimestampValues(), col)
	default:
		err = fmt.Errorf("column %s: %s is not a plain integer column", cc.meta.Descr().Name(), col.DataType())
	}
	if err != nil {
		return err
	}
	enc := parquet.Encodings.Plain
	if p.delta[i] {
		enc = parquet.Encodings.DeltaBinaryPacked
	}
	if plainWidth(col.DataType()) == 4 {
		if st != nil {
			st.(*metadata.Int32Statistics).Update(s.v32, int64(nulls))
		}
		if d := &p.intDicts[i]; p.dictInt[i] {
			if len(s.v32) == 0 && !d.sampled {
				// Nulls before the chunk's first value: encoded
				// when the chunk's encoding is known.
				d.holdNulls(raw, rows, st)
				s.raw = raw
				return nil
			}
			raw, enc = d.appendValues(raw, s.v32)
			s.raw = raw
			if !d.held() {
				return cc.writePage(raw, rows, enc, st, p.fw.props, &s.zbuf)
			}
			data, pageStats, err := cc.encodePage(raw, st, p.fw.props, &s.zbuf)
			if err != nil {
				return err
			}
			d.hold(data, len(raw), rows, enc, pageStats)
			return nil
		}
		raw = appendInts(raw, s.v32, p.delta[i])
	} else {
		raw = appendInts(raw, s.v64, p.delta[i])
		if st != nil {
			st.(*metadata.Int64Statistics).Update(s.v64, int64(nulls))
		}
	}
	s.raw = raw
	return cc.writePage(raw, rows, enc, st, p.fw.props, &s.zbuf)
}

// nonNull returns, in dst's memory, the values of col's non-null rows,
// vals being col's values, as the int32 or int64 Parquet stores them in
// (unsigned ones keep their bits; readers take them back by the column's
// logical type). The validity bitmap is read a byte (8 rows) at a time.
func nonNull[U int32 | int64, T uint8 | uint16 | uint32 | int32 | uint64 | int64 | arrow.Timestamp](dst []U, vals []T, col arrow.Array) []U {
	n := len(vals) - col.NullN()
	dst = slices.Grow(dst[:0], n)[:n]
	if n == len(vals) {
		for j, v := range vals {
			dst[j] = U(v)
		}
		return dst
	}
	bits, off, k := col.NullBitmapBytes(), col.Data().Offset(), 0
	for j := 0; j < len(vals); {
		if (off+j)%8 == 0 && j+8 <= len(vals) {
			switch bits[(off+j)/8] {
			case 0:
				j += 8
				continue
			case 0xff:
				for _, v := range vals[j : j+8] {
					dst[k] = U(v)
					k++
				}
				j += 8
				continue
			}
		}
		if bitutil.BitIsSet(bits, off+j) {
			dst[k] = U(vals[j])
			k++
		}
		j++
	}
	return dst
}

// appendInts appends vals DELTA_BINARY_PACKED (delta) or PLAIN.
func appendInts[U int32 | int64](dst []byte, vals []U, delta bool) []byte {
	if delta {
		return appendDelta(dst, vals)
	}
	return appendLE(dst, vals)
}

// appendLE appends vals as little-endian integers of their size.
func appendLE[U int32 | int64](dst []byte, vals []U) []byte {
	size := int(unsafe.Sizeof(U(0)))
	if len(vals) == 0 {
		return dst
	}
	if !endian.IsBigEndian {
		return append(dst, unsafe.Slice((*byte)(unsafe.Pointer(&vals[0])), len(vals)*size)...)
	}
	for _, v := range vals {
		for b := range size {
			dst = append(dst, byte(uint64(v)>>(8*b)))
		}
	}
	return dst
}
