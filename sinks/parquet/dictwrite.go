package parquet

import (
	"encoding/binary"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	pqfile "github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/pcapflow/pcapflow/internal/prefault"
)

// dictChunk is a dictionary column's share of the open row group: the
// index arrays of its records, kept until the row group closes, and the
// latest snapshot of its dictionary, which holds every value they point
// to. A column chunk's dictionary page must hold all of its values before
// the first index is encoded, so the column is written when the row group
// closes (see writeDictColumn); the indices are cheap to encode then.
type dictChunk struct {
	parts []arrow.Array
	snap  dictSnap
	vals  []parquet.ByteArray // scratch: a part's values (plain) or distinct values (statistics)
	seen  []uint32            // scratch: stamp of the values already in vals
	stamp uint32
}

// keep adds a record's index array col, whose dictionary is s.
func (c *dictChunk) keep(col arrow.Array, s dictSnap) error {
	if len(c.parts) > 0 && s.gen != c.snap.gen {
		return fmt.Errorf("dictionary of row group %d in row group %d", s.gen, c.snap.gen)
	}
	if col.DataType().ID() != arrow.INT32 {
		return fmt.Errorf("dictionary indices of type %s", col.DataType())
	}
	col.Retain()
	c.parts = append(c.parts, col)
	c.snap = s
	return nil
}

// release drops the kept arrays.
func (c *dictChunk) release() {
	for i, a := range c.parts {
		a.Release()
		c.parts[i] = nil
	}
	c.parts = c.parts[:0]
	c.snap = dictSnap{}
	clear(c.vals)
}

// writeDictColumn writes dictionary column i of the closing row group
// straight to its page writer: the dictionary page (the snapshot's values,
// plain), then one data page of indices per kept record, as writeColumn
// cuts the pages of the other columns. A dictionary that filled up
// (dictValues.dense) or that is empty (only nulls) is written plain
// instead. arrow-go's column writer would first rebuild the dictionary in
// its own hash table (its PutDictionary: 6% of the benchmark mix's CPU,
// most of it growing tables of fresh memory) and then encode the indices
// one call per value.
func (p *parallelWriter) writeDictColumn(cc *columnChunk, i int, s *colScratch) error {
	c := &p.dicts[p.dictPos[i]]
	defer c.release()
	props := p.fw.props
	descr := cc.meta.Descr()
	useDict := !c.snap.dense && c.snap.len() > 0
	if useDict && len(c.parts) > 0 {
		s.raw = c.snap.appendPlain(s.raw[:0])
		page := pqfile.NewDictionaryPage(memory.NewBufferBytes(s.raw), int32(c.snap.len()), props.DictionaryPageEncoding())
		n, err := cc.pager.WriteDictionaryPage(page)
		if err != nil {
			return err
		}
		cc.written += n
		cc.hasDict = true
	}
	for _, part := range c.parts {
		idx, ok := part.(*array.Int32)
		if !ok {
			return fmt.Errorf("dictionary indices of type %s", part.DataType())
		}
		if err := c.writePage(cc, idx, p.nullable[i], useDict, props, s); err != nil {
			return fmt.Errorf("column %s: %w", descr.Name(), err)
		}
	}
	return nil
}

// writePage writes the indices idx as one V1 data page: the definition
// levels (nullable columns), then the indices of the non-null rows in the
// hybrid encoding behind their bit width (useDict), or the values they
// refer to, plain, with the page's statistics when the column has them;
// s is the worker's scratch.
func (c *dictChunk) writePage(cc *columnChunk, idx *array.Int32, nullable, useDict bool, props *parquet.WriterProperties, s *colScratch) error {
	rows, nulls := idx.Len(), idx.NullN()
	if rows == 0 {
		return nil
	}
	if nulls > 0 && !nullable {
		return fmt.Errorf("%d nulls in a required column", nulls)
	}
	raw := s.raw[:0]
	if nullable {
		raw = appendDefLevels(raw, idx)
	}
	enc := parquet.Encodings.Plain
	if useDict {
		enc = props.DictionaryIndexEncoding()
		width := bitWidth(c.snap.len())
		vals := idx.Int32Values()
		if nulls > 0 {
			s.nonNull = s.nonNull[:0]
			for j, v := range vals {
				if idx.IsValid(j) {
					s.nonNull = append(s.nonNull, v)
				}
			}
			vals = s.nonNull
		}
		n := c.snap.len()
		for _, v := range vals {
			if v < 0 || int(v) >= n {
				return fmt.Errorf("dictionary index %d of %d values", v, n)
			}
		}
		raw = append(raw, byte(width))
		raw = appendHybrid(raw, vals, width)
	} else {
		if err := c.collect(idx, false); err != nil {
			return err
		}
		for _, v := range c.vals {
			raw = binary.LittleEndian.AppendUint32(raw, uint32(len(v)))
			raw = append(raw, v...)
		}
	}
	s.raw = raw
	st := cc.newPageStats(props)
	if st != nil {
		if err := c.collect(idx, true); err != nil {
			return err
		}
		// Update counts each distinct value once: add the repeats.
		bs := st.(*metadata.ByteArrayStatistics)
		bs.Update(c.vals, int64(nulls))
		bs.IncNumValues(int64(rows - nulls - len(c.vals)))
	}
	return cc.writePage(raw, rows, enc, st, props, &s.zbuf)
}

// collect puts the values of idx's non-null rows in c.vals, each once
// when distinct is set.
func (c *dictChunk) collect(idx *array.Int32, distinct bool) error {
	n := c.snap.len()
	if distinct {
		if c.stamp++; c.stamp == 0 || len(c.seen) < n {
			c.seen = make([]uint32, max(n, 2*len(c.seen)))
			prefault.Slice(c.seen) // read before written: see prefault
			c.stamp = 1
		}
	}
	c.vals = c.vals[:0]
	nulls := idx.NullN() > 0
	for j, v := range idx.Int32Values() {
		if nulls && idx.IsNull(j) {
			continue
		}
		if v < 0 || int(v) >= n {
			return fmt.Errorf("dictionary index %d of %d values", v, n)
		}
		if distinct {
			if c.seen[v] == c.stamp {
				continue
			}
			c.seen[v] = c.stamp
		}
		c.vals = append(c.vals, c.snap.value(v))
	}
	return nil
}

// appendPlain appends s's values PLAIN-encoded, as a dictionary page
// holds them: each its length (4 bytes, little-endian), then its bytes.
func (s *dictSnap) appendPlain(dst []byte) []byte {
	for i := range s.len() {
		v := s.value(int32(i))
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(v)))
		dst = append(dst, v...)
	}
	return dst
}
