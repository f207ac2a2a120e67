package parquet

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	pqfile "github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
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

// dictEncoder is the part of arrow-go's dictionary encoders used here:
// seeding the dictionary from an array of values.
type dictEncoder interface {
	PutDictionary(arrow.Array) error
	NumEntries() int
}

// writeDictColumn writes dictionary column i of the closing row group:
// the dictionary, then the indices of each kept record as a data page of
// their own (as writeColumn cuts the pages of the other columns). A
// dictionary that filled up (dictValues.dense), that the column writer
// cannot take, or that is empty (only nulls) is written plain instead.
func (p *parallelWriter) writeDictColumn(cw pqfile.ColumnChunkWriter, i int) error {
	c := &p.dicts[p.dictPos[i]]
	defer c.release()
	if len(c.parts) == 0 {
		return nil
	}
	bw, ok := cw.(*pqfile.ByteArrayColumnChunkWriter)
	if !ok {
		return fmt.Errorf("dictionary column %s is not a byte array column", cw.Descr().Name())
	}
	useDict := !c.snap.dense && c.snap.len() > 0 && isDictEncoding(cw.CurrentEncoder().Encoding())
	if useDict {
		enc, ok := cw.CurrentEncoder().(dictEncoder)
		useDict = ok
		if ok {
			dict := c.snap.array()
			err := enc.PutDictionary(dict)
			dict.Release()
			if err != nil {
				return err
			}
			// Equal values would be merged, shifting the indices.
			useDict = enc.NumEntries() == c.snap.len()
		}
	}
	if !useDict {
		cw.FallbackToPlain()
	}
	for _, part := range c.parts {
		var def []int16
		if p.nullable[i] {
			def = defLevels(p.defLevels[i], part)
			p.defLevels[i] = def
		}
		idx := part.(*array.Int32)
		var err error
		// The column writer may also have given up its dictionary
		// (never with the limits set in writerProperties).
		if isDictEncoding(cw.CurrentEncoder().Encoding()) {
			err = c.writeIndices(cw, idx, def)
		} else {
			err = c.writePlain(bw, idx, def)
		}
		if err != nil {
			return err
		}
		if idx.Len() > 0 {
			if err := bw.FlushCurrentPage(); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeIndices writes the indices of idx; the page statistics, which the
// column writer leaves to its caller on this path, get the counts and the
// minimum and maximum of the values idx refers to.
func (c *dictChunk) writeIndices(cw pqfile.ColumnChunkWriter, idx *array.Int32, def []int16) error {
	if st := cw.PageStatistics(); st != nil {
		bs, ok := st.(*metadata.ByteArrayStatistics)
		if !ok {
			return fmt.Errorf("dictionary column %s: statistics of type %T", cw.Descr().Name(), st)
		}
		if err := c.collect(idx, true); err != nil {
			return err
		}
		// Update counts each distinct value once: add the repeats.
		bs.Update(c.vals, int64(idx.NullN()))
		bs.IncNumValues(int64(idx.Len() - idx.NullN() - len(c.vals)))
	}
	return cw.WriteDictIndices(idx, def, nil)
}

// writePlain writes the values idx refers to.
func (c *dictChunk) writePlain(bw *pqfile.ByteArrayColumnChunkWriter, idx *array.Int32, def []int16) error {
	if err := c.collect(idx, false); err != nil {
		return err
	}
	_, err := bw.WriteBatch(c.vals, def, nil)
	return err
}

// collect puts the values of idx's non-null rows in c.vals, each once
// when distinct is set.
func (c *dictChunk) collect(idx *array.Int32, distinct bool) error {
	n := c.snap.len()
	if distinct {
		if c.stamp++; c.stamp == 0 || len(c.seen) < n {
			c.seen = make([]uint32, max(n, 2*len(c.seen)))
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

// array returns s's values as an Arrow string array over s's memory.
func (s *dictSnap) array() arrow.Array {
	data := array.NewData(arrow.BinaryTypes.String, s.len(), []*memory.Buffer{
		nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(s.offs)), memory.NewBufferBytes(s.vals),
	}, nil, 0, 0)
	defer data.Release()
	return array.NewStringData(data)
}
