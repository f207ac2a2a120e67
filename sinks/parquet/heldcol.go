package parquet

import "github.com/apache/arrow-go/v18/arrow/array"

// Held columns. Appending a value to an arrow-go builder one row at a time
// sets its validity bit through the bitmap buffer's accessor (a slice
// built per call) and a mask table: on the benchmark mix the packets
// table's numeric columns took ~150 M instructions of per-row appends
// (cachegrind), more than their Parquet encoding. The packets appender
// holds those columns' values and validity for up to heldRows rows in
// plain slices instead and hands each column to its builder in one call
// (AppendValues: one copy, the validity packed 8 rows at a time, or set
// in bulk when the column has no null), before the builder is read (see
// PacketAppender.Sync) or when the slices are full.

// heldRows is the number of rows a held column keeps before handing them
// to its builder.
const heldRows = 1024

// valuesBuilder is an arrow-go builder of T values.
type valuesBuilder[T any] interface {
	AppendValues(v []T, valid []bool)
	AppendNulls(n int)
}

// heldCol holds the rows of one numeric (or boolean) column not yet in
// its builder: the values, and for a nullable column their validity (true
// but where null marked a row). The arrays are indexed by the row masked
// to their size, which the compiler needs no bounds check for.
type heldCol[T any] struct {
	b     valuesBuilder[T]
	v     *[heldRows]T
	ok    *[heldRows]bool
	nulls int
}

// bind makes c hold rows for b, a builder of T values.
func (c *heldCol[T]) bind(b array.Builder) {
	c.b = b.(valuesBuilder[T])
	c.v, c.ok = new([heldRows]T), new([heldRows]bool)
	*c.ok = allValid
}

// allValid is a held column's validity before any null.
var allValid = func() (v [heldRows]bool) {
	for i := range v {
		v[i] = true
	}
	return v
}()

// put sets row i to x.
func (c *heldCol[T]) put(i int, x T) { c.v[i&(heldRows-1)] = x }

// null makes row i a null (its value slot keeps whatever it held: null
// slots are never read).
func (c *heldCol[T]) null(i int) {
	c.ok[i&(heldRows-1)] = false
	c.nulls++
}

// sync appends the first n held rows to the builder and empties c.
func (c *heldCol[T]) sync(n int) {
	switch c.nulls {
	case 0:
		c.b.AppendValues(c.v[:n], nil)
		return
	case n:
		c.b.AppendNulls(n)
	default:
		c.b.AppendValues(c.v[:n], c.ok[:n])
	}
	copy(c.ok[:n], allValid[:n])
	c.nulls = 0
}
