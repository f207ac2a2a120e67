package parquet

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	pqfile "github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// Dictionary-encoded integer columns. Most 4-byte columns hold a few
// distinct values (versions, protocols, TTLs, flags, windows, ports,
// lengths): written PLAIN, each value takes four bytes that zstd then has
// to search, at 150-250 MB/s on the 16-bit values the slowest part of the
// run. A per-row-group dictionary turns them into indices of a few bits,
// RLE/bit-packed, which zstd goes through several times faster and which
// end up smaller: on the benchmark mix the packets table's 13 such columns
// took 26 ms of zstd for 1.34 MB, as indices 7 ms for 0.98 MB; zstd went
// from 22% to 13% of the run's CPU, the whole run to 0.955-0.966 (paired
// medians), the packets table from 6.5 to 6.2 MB. The dictionary is
// pcapflow's (arrow-go's hashes each value into a table grown per chunk):
// a direct table for values below 1<<16, a map above. With one page per
// row group the pages are the bytes arrow-go's dictionary encoder makes
// (TestIntDictMatchesPqarrow).
//
// The dictionary page must come first in a column chunk, so the chunk's
// pages are compressed as their records arrive but held until the row
// group closes (writeIntDictColumn). A column whose row group starts with
// many distinct values (IP ids, client ports) is written without a
// dictionary, DELTA_BINARY_PACKED: 16-bit values take at most 17 bits
// so, where zstd took the 4-byte PLAIN slots of IP ids to ~19 bits at
// 150 MB/s, the slowest column of the run (the packets table 6.40 ->
// 6.36 MB). TCP sequence and acknowledgement numbers, random by design,
// get no dictionary (see plainColumns). The dictionary never fills up
// (it holds at most a row group's values, a page of at most 4 MiB), so no
// chunk falls back midway, as arrow-go's writers do past 1 MiB: a chunk's
// data pages have one encoding, which keeps the files the same from run to
// run (arrow-go lists a chunk's page encodings in map order).

// minDictValues is the fewest values on a chunk's first page of values
// for the chunk to get a dictionary.
const minDictValues = 256

// directDict is the range of values looked up in intDict's direct table.
const directDict = 1 << 16

// intDict is a column chunk's dictionary of 4-byte integers.
type intDict struct {
	// direct maps each value below its length to the value's id+1 (0:
	// absent); it grows, up to directDict entries, to the largest value
	// seen, so that a column of small values keeps a small table.
	direct []int32
	big    map[uint32]int32 // the other values → id
	vals   []int32          // the values in id order
}

// index puts the dictionary id of each of vals in ids, adding the values
// not seen yet. It returns false, ids undefined and the dictionary as it
// was before the call, when the dictionary would outgrow limit values.
func (d *intDict) index(ids, vals []int32, limit int) ([]int32, bool) {
	if cap(ids) < len(vals) {
		ids = make([]int32, len(vals))
	}
	ids = ids[:len(vals)]
	before := len(d.vals)
	direct := d.direct
	for k, v := range vals {
		if u := uint32(v); u < uint32(len(direct)) {
			if id := direct[u]; id != 0 {
				ids[k] = id - 1
				continue
			}
		}
		id, ok := d.add(v, limit)
		if !ok {
			d.truncate(before)
			return ids, false
		}
		ids[k] = id
		direct = d.direct
	}
	return ids, true
}

// add returns the id of v, a value not in the direct table, adding it
// when new; false when the dictionary would outgrow limit values.
func (d *intDict) add(v int32, limit int) (int32, bool) {
	u := uint32(v)
	if u >= directDict {
		if id, ok := d.big[u]; ok {
			return id, true
		}
	}
	if len(d.vals) >= limit {
		return 0, false
	}
	id := int32(len(d.vals))
	d.vals = append(d.vals, v)
	if u < directDict {
		if u >= uint32(len(d.direct)) {
			d.grow(u)
		}
		d.direct[u] = id + 1
	} else {
		if d.big == nil {
			d.big = make(map[uint32]int32)
		}
		d.big[u] = id
	}
	return id, true
}

// grow makes the direct table hold value u (below directDict).
func (d *intDict) grow(u uint32) {
	n := max(len(d.direct), 256)
	for n <= int(u) {
		n *= 2
	}
	d.direct = append(d.direct, make([]int32, min(n, directDict)-len(d.direct))...)
}

// truncate forgets the values from id n on.
func (d *intDict) truncate(n int) {
	for _, v := range d.vals[n:] {
		if u := uint32(v); u < uint32(len(d.direct)) {
			d.direct[u] = 0
		} else {
			delete(d.big, u)
		}
	}
	d.vals = d.vals[:n]
}

// intDictChunk is a dictionary integer column's share of the open row
// group: its dictionary and its pages, held until the row group closes.
type intDictChunk struct {
	dict intDict
	// plain is set when the chunk's first page of values had too many
	// distinct values: its pages have no dictionary, and are written at
	// once unless pages of nulls only came before them. They are
	// DELTA_BINARY_PACKED when delta is set (the column's encoding in the
	// writer properties, which the chunk's metadata lists), else PLAIN.
	plain   bool
	delta   bool
	sampled bool // a page with values was seen
	// nulls are the pages of nulls only that came before the first value:
	// their encoding (dictionary indices, delta or PLAIN) is the chunk's,
	// known at its first value, so they are kept uncompressed (they hold
	// only their definition levels) and encoded at the close. Every data
	// page of a chunk then has the same encoding: arrow-go lists a chunk's
	// page encodings in map order, which would make the file differ from
	// run to run.
	nulls []nullPage
	// pages are the pages of values, compressed, in data.
	pages []heldPage
	data  []byte
	ids   []int32
}

// heldPage is a data page waiting for its chunk's dictionary page.
type heldPage struct {
	from, to int // its bytes in intDictChunk.data
	rawLen   int
	rows     int
	enc      parquet.Encoding
	stats    metadata.EncodedStatistics
}

// nullPage is a page of nulls only, before the chunk's first value.
type nullPage struct {
	levels []byte // the page's definition levels, as it holds them
	rows   int
	stats  metadata.TypedStatistics
}

// reset readies c for the next row group.
func (c *intDictChunk) reset() {
	c.dict.truncate(0)
	c.plain, c.sampled = false, false
	clear(c.nulls)
	c.nulls = c.nulls[:0]
	c.pages = c.pages[:0]
	c.data = c.data[:0]
}

// appendValues appends vals, the non-null values of a page, to raw, which
// holds the page's definition levels: as dictionary indices unless the
// chunk has none. It returns the page and its encoding. The chunk's first
// page of values decides: it has no dictionary when that page has more
// distinct values than a quarter of its values (indices would save little
// and the dictionary page would repeat most of them) or fewer than
// minDictValues values (the chunk is likely small: its dictionary page
// would cost more than it saves); its pages are then delta-encoded or
// PLAIN (see appendUndict). The dictionary never fills up: it holds at
// most a row group's values.
func (c *intDictChunk) appendValues(raw []byte, vals []int32) ([]byte, parquet.Encoding) {
	if !c.sampled && len(vals) > 0 {
		c.sampled = true
		limit := len(vals) / 4
		if len(vals) < minDictValues {
			limit = 0
		}
		ids, ok := c.dict.index(c.ids, vals, limit)
		c.ids = ids
		if !ok {
			c.plain = true
			return c.appendUndict(raw, vals)
		}
		return c.appendIndices(raw, ids), parquet.Encodings.RLEDict
	}
	if c.plain {
		return c.appendUndict(raw, vals)
	}
	ids, _ := c.dict.index(c.ids, vals, math.MaxInt)
	c.ids = ids
	return c.appendIndices(raw, ids), parquet.Encodings.RLEDict
}

// appendUndict appends vals to raw as a page of a chunk without a
// dictionary: delta-encoded or PLAIN. It returns the page and its
// encoding.
func (c *intDictChunk) appendUndict(raw []byte, vals []int32) ([]byte, parquet.Encoding) {
	if c.delta {
		return appendDelta(raw, vals), parquet.Encodings.DeltaBinaryPacked
	}
	return appendLE(raw, vals), parquet.Encodings.Plain
}

// appendIndices appends ids to raw as a dictionary page's values: the bit
// width, then the hybrid encoding.
func (c *intDictChunk) appendIndices(raw []byte, ids []int32) []byte {
	width := bitWidth(len(c.dict.vals))
	raw = append(raw, byte(width))
	return appendHybrid(raw, ids, width)
}

// held reports whether a page goes to the chunk's held pages: unless the
// chunk is PLAIN with nothing held before.
func (c *intDictChunk) held() bool {
	return !c.plain || len(c.nulls) > 0 || len(c.pages) > 0
}

// hold keeps a compressed page until the row group closes.
func (c *intDictChunk) hold(data []byte, rawLen, rows int, enc parquet.Encoding, st metadata.EncodedStatistics) {
	from := len(c.data)
	c.data = append(c.data, data...)
	c.pages = append(c.pages, heldPage{from: from, to: len(c.data), rawLen: rawLen, rows: rows, enc: enc, stats: st})
}

// holdNulls keeps a page of nulls only, its definition levels levels,
// which comes before the chunk's first value.
func (c *intDictChunk) holdNulls(levels []byte, rows int, st metadata.TypedStatistics) {
	c.nulls = append(c.nulls, nullPage{levels: append([]byte(nil), levels...), rows: rows, stats: st})
}

// writeIntDictColumn writes the held pages of dictionary integer column
// cc, after its dictionary page, when its row group closes.
func (p *parallelWriter) writeIntDictColumn(cc *columnChunk, c *intDictChunk, s *colScratch) error {
	defer c.reset()
	props := p.fw.props
	useDict := !c.plain && len(c.dict.vals) > 0
	if useDict {
		raw := appendLE(s.raw[:0], c.dict.vals)
		s.raw = raw
		page := pqfile.NewDictionaryPage(memory.NewBufferBytes(raw), int32(len(c.dict.vals)), props.DictionaryPageEncoding())
		n, err := cc.pager.WriteDictionaryPage(page)
		if err != nil {
			return fmt.Errorf("column %s: %w", cc.meta.Descr().Name(), err)
		}
		cc.written += n
		cc.hasDict = true
	}
	for _, np := range c.nulls {
		raw, enc := np.levels, parquet.Encodings.Plain
		switch {
		case useDict:
			raw, enc = c.appendIndices(append(s.raw[:0], np.levels...), nil), parquet.Encodings.RLEDict
			s.raw = raw
		case c.delta:
			raw, enc = c.appendUndict(append(s.raw[:0], np.levels...), nil)
			s.raw = raw
		}
		if err := cc.writePage(raw, np.rows, enc, np.stats, props, &s.zbuf); err != nil {
			return fmt.Errorf("column %s: %w", cc.meta.Descr().Name(), err)
		}
	}
	for _, h := range c.pages {
		if err := cc.submitPage(c.data[h.from:h.to], h.rawLen, h.rows, h.enc, h.stats); err != nil {
			return fmt.Errorf("column %s: %w", cc.meta.Descr().Name(), err)
		}
	}
	return nil
}

// dictIntType reports whether a column of Arrow type t can have an
// integer dictionary: writerProperties enables one for every such column
// of a flat table except the delta-encoded ones.
func dictIntType(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.INT32:
		return true
	}
	return false
}
