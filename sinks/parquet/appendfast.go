package parquet

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// The Append methods of arrow-go's builders reserve room before every
// value, through calls the compiler does not inline. The flows appender
// reserves its builders ahead and appends with their unchecked appends
// (see rowRoom; the packets appender holds its numeric columns instead,
// see heldcol.go); the plain string columns of both, whose value bytes
// need room too, check for it inline and append without reserving, or
// take the ordinary path, which grows the builder. The values and
// validity bits are the same either way.

// roomFor reports whether string column b takes one more value of n bytes
// without growing.
func roomFor(b *array.StringBuilder, n int) bool {
	return b.Len() < b.Cap() && b.DataCap()-b.DataLen() >= n
}

// putBytes appends v to a string column.
func putBytes(b *array.StringBuilder, v []byte) {
	if roomFor(b, len(v)) {
		b.BinaryBuilder.UnsafeAppend(v)
	} else {
		b.BinaryBuilder.Append(v)
	}
}

// putString appends v to a string column.
func putString(b *array.StringBuilder, v string) {
	if roomFor(b, len(v)) {
		b.BinaryBuilder.UnsafeAppend([]byte(v))
	} else {
		b.Append(v)
	}
}

// reserveRows is the room rowRoom.take makes in every builder when one
// runs out (each grows by doubling).
const reserveRows = 1024

// rowRoom lets an appender of one row per call use its builders'
// unchecked appends: it counts the rows every builder takes without
// growing, as of when the first builder held rows rows in a capacity of
// capRows.
type rowRoom struct {
	room, rows, capRows int
}

// take accounts for one more row when the builders have room for it, the
// first of them (the probe, which gets a value in every row) having length
// l and capacity c: the caller reads them through its concrete type, which
// inlines, as take does. It reports false, counting nothing, when they are
// out of room or were emptied (a record was cut) or grown since the count:
// the caller then calls reserve.
func (r *rowRoom) take(l, c int) bool {
	if r.room <= 0 || l != r.rows || c != r.capRows {
		return false
	}
	r.room--
	r.rows++
	return true
}

// reserve makes room for at least reserveRows more rows in every builder
// of fields, counts the rows all of them take without growing, and
// accounts for one.
func (r *rowRoom) reserve(fields []array.Builder) {
	room := math.MaxInt
	for _, b := range fields {
		b.Reserve(reserveRows)
		room = min(room, b.Cap()-b.Len())
	}
	r.room, r.rows, r.capRows = room-1, fields[0].Len()+1, fields[0].Cap()
}
