package parquet

import (
	"fmt"
	"slices"

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
// many distinct values (sequence numbers, IP ids) is written PLAIN
// instead; one whose dictionary outgrows maxIntDict mid-chunk falls back
// to PLAIN for its remaining pages, as arrow-go's writers do.

// maxIntDict bounds a chunk's dictionary: 64Ki values, a 256 KiB page.
const maxIntDict = 1 << 16

// minDictValues is the fewest values on a chunk's first page of values
// for the chunk to get a dictionary.
const minDictValues = 256

// directDict is the range of values looked up in intDict's direct table.
const directDict = 1 << 16

// intDict is a column chunk's dictionary of 4-byte integers.
type intDict struct {
	// direct maps value+1 to id+1 for values below its length (0:
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
// group: its dictionary and its pages, compressed, held until the row
// group closes.
type intDictChunk struct {
	dict intDict
	// plain is set when the chunk's pages are PLAIN: from its first page
	// of values (too many distinct values: no dictionary, pages written at
	// once), or from a later one (fallback: the pages still wait for the
	// dictionary page of the ones before).
	plain, fallback bool
	sampled         bool // a page with values was seen
	pages           []heldPage
	data            []byte // the held pages' compressed bytes
	ids             []int32
}

// heldPage is a data page waiting for its chunk's dictionary page.
type heldPage struct {
	from, to int // its bytes in intDictChunk.data
	rawLen   int
	rows     int
	enc      parquet.Encoding
	stats    metadata.EncodedStatistics
}

// reset readies c for the next row group.
func (c *intDictChunk) reset() {
	c.dict.truncate(0)
	c.plain, c.fallback, c.sampled = false, false, false
	c.pages = c.pages[:0]
	c.data = c.data[:0]
}

// appendValues appends vals, the non-null values of a page, to raw, which
// holds the page's definition levels: as dictionary indices while the
// chunk has a dictionary, else PLAIN. It returns the page and its
// encoding. (Pages of nulls only before the chunk's first value are PLAIN:
// a chunk of nulls only gets no dictionary page.)
func (c *intDictChunk) appendValues(raw []byte, vals []int32) ([]byte, parquet.Encoding) {
	if !c.plain && (len(vals) > 0 || len(c.dict.vals) > 0) {
		limit := maxIntDict
		first := !c.sampled && len(vals) > 0
		if first {
			// More distinct values than a quarter of the values:
			// indices would save little, and the dictionary page
			// would repeat most of them. A chunk that starts with
			// a small page is likely small: its dictionary page
			// would cost more than it saves.
			limit = len(vals) / 4
			if len(vals) < minDictValues {
				limit = 0
			}
		}
		c.sampled = c.sampled || first
		ids, ok := c.dict.index(c.ids, vals, limit)
		c.ids = ids
		if ok {
			width := bitWidth(len(c.dict.vals))
			raw = append(raw, byte(width))
			return appendHybrid(raw, ids, width), parquet.Encodings.RLEDict
		}
		// Pages held before (of nulls only) still come first.
		c.plain, c.fallback = true, !first || len(c.pages) > 0
	}
	return appendLE(raw, vals), parquet.Encodings.Plain
}

// held reports whether the chunk's pages wait for its close: unless it
// is PLAIN from its first page of values on.
func (c *intDictChunk) held() bool { return !c.plain || c.fallback }

// hold keeps a compressed page until the row group closes.
func (c *intDictChunk) hold(data []byte, rawLen, rows int, enc parquet.Encoding, st metadata.EncodedStatistics) {
	from := len(c.data)
	c.data = append(c.data, data...)
	c.pages = append(c.pages, heldPage{from: from, to: len(c.data), rawLen: rawLen, rows: rows, enc: enc, stats: st})
}

// writeIntDictColumn writes the held pages of dictionary integer column
// cc, after its dictionary page, when its row group closes.
func (p *parallelWriter) writeIntDictColumn(cc *columnChunk, c *intDictChunk) error {
	defer c.reset()
	if len(c.pages) == 0 {
		return nil
	}
	props := p.fw.props
	if len(c.dict.vals) > 0 {
		raw := appendLE(p.plain[0].raw[:0:0], c.dict.vals)
		page := pqfile.NewDictionaryPage(memory.NewBufferBytes(raw), int32(len(c.dict.vals)), props.DictionaryPageEncoding())
		n, err := cc.pager.WriteDictionaryPage(page)
		if err != nil {
			return fmt.Errorf("column %s: %w", cc.meta.Descr().Name(), err)
		}
		cc.written += n
		cc.hasDict = true
		cc.fallback = slices.ContainsFunc(c.pages, func(h heldPage) bool { return h.enc == parquet.Encodings.Plain })
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
