package parquet

import (
	"net/netip"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// The packets table's string columns, each built either plain (a string
// builder, when the record builder has the table's own schema) or as
// dictionary indices (an int32 builder, when it has the schema of
// indexSchema, as the sink's files do).

// dictCol is what the three kinds of string column share: a plain string
// builder, or a dictionary and the column's own builder of indices into
// it.
type dictCol[K dictKey] struct {
	sb *array.StringBuilder
	d  *keyedDict[K]
	// h holds the indices of the rows not yet in the index builder; row
	// is the appender's count of them, the row being appended.
	h   heldCol[int32]
	row *int
}

// bind binds c to builder b: a string builder, or an index builder whose
// dictionary is shared (the other column of a pair such as src_ip and
// dst_ip, which repeat the same addresses) or, when shared is nil, new.
// A dictionary column is added to dicts; its indices are held (see
// heldCol) at the appender's row *row. It returns c's dictionary.
func (c *dictCol[K]) bind(b array.Builder, shared *keyedDict[K], dicts *[]dictColumn, row *int) *keyedDict[K] {
	switch b := b.(type) {
	case *array.StringBuilder:
		c.sb = b
	case *array.Int32Builder:
		if shared == nil {
			shared = newKeyedDict[K]()
		}
		c.d, c.row = shared, row
		c.h.bind(b)
		*dicts = append(*dicts, shared)
	default:
		panic("parquet: string column bound to a " + b.Type().String() + " builder")
	}
	return c.d
}

// appendIndex sets the row's index to i (dictionary columns only).
func (c *dictCol[K]) appendIndex(i int32) { c.h.put(*c.row, i) }

// appendNull appends a null to the column.
func (c *dictCol[K]) appendNull() {
	if c.d == nil {
		c.sb.AppendNull()
	} else {
		c.h.null(*c.row)
	}
}

// sync hands the first n held indices to the index builder.
func (c *dictCol[K]) sync(n int) {
	if c.d != nil {
		c.h.sync(n)
	}
}

// strColumn is a string column keyed by the string itself.
type strColumn struct{ dictCol[strKey] }

// addrColumn is a column of IP addresses.
type addrColumn struct{ dictCol[addrKey] }

// macColumn is a column of Ethernet addresses, "aa:bb:cc:dd:ee:ff".
type macColumn struct{ dictCol[macKey] }

func (c *strColumn) append(s string) {
	if c.d == nil {
		putString(c.sb, s)
		return
	}
	c.appendIndex(c.index(s))
}

// index returns the dictionary index of s (dictionary columns only).
func (c *strColumn) index(s string) int32 {
	k := strKey(s)
	idx, slot, ok := c.d.lookup(k)
	if !ok {
		idx = insert(c.d, slot, k, s)
	}
	return idx
}

func (c *addrColumn) append(a netip.Addr, scratch []byte) {
	if c.d == nil {
		putBytes(c.sb, a.AppendTo(scratch[:0]))
		return
	}
	c.appendIndex(c.index(a, scratch))
}

// index returns the dictionary index of a (dictionary columns only).
func (c *addrColumn) index(a netip.Addr, scratch []byte) int32 {
	k := addrKey(a)
	idx, slot, ok := c.d.lookup(k)
	if !ok {
		idx = insert(c.d, slot, k, a.AppendTo(scratch[:0]))
	}
	return idx
}

func (c *macColumn) append(m [6]byte, scratch []byte) {
	if c.d == nil {
		putBytes(c.sb, formatMAC(scratch[:0], m))
		return
	}
	c.appendIndex(c.index(m, scratch))
}

// macKeyOf returns the key of hardware address m.
func macKeyOf(m [6]byte) macKey {
	return macKey(uint64(m[0])<<40 | uint64(m[1])<<32 | uint64(m[2])<<24 | uint64(m[3])<<16 | uint64(m[4])<<8 | uint64(m[5]))
}

// index returns the dictionary index of m (dictionary columns only).
func (c *macColumn) index(m [6]byte, scratch []byte) int32 {
	k := macKeyOf(m)
	idx, slot, ok := c.d.lookup(k)
	if !ok {
		idx = insert(c.d, slot, k, formatMAC(scratch[:0], m))
	}
	return idx
}

// formatMAC appends m to s as six colon-separated lower-case hex pairs.
func formatMAC(s []byte, m [6]byte) []byte {
	const hex = "0123456789abcdef"
	for i, x := range m {
		if i > 0 {
			s = append(s, ':')
		}
		s = append(s, hex[x>>4], hex[x&15])
	}
	return s
}

// dictTable is a table some of whose string columns its files build as
// dictionary indices.
type dictTable interface {
	// dictColumns names those columns.
	dictColumns() []string
}

// dictAppender is an appender bound to dictionary columns.
type dictAppender interface {
	// dictionaries returns them, in schema order.
	dictionaries() []dictColumn
}

// indexSchema returns schema with the columns named in cols turned into
// int32 columns (the dictionary indices), for the record builders.
func indexSchema(schema *arrow.Schema, cols []string) *arrow.Schema {
	fields := append([]arrow.Field(nil), schema.Fields()...)
	for i, f := range fields {
		for _, c := range cols {
			if f.Name == c {
				fields[i].Type = arrow.PrimitiveTypes.Int32
			}
		}
	}
	md := schema.Metadata()
	return arrow.NewSchema(fields, &md)
}
