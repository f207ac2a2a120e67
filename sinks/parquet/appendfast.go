package parquet

import (
	"github.com/apache/arrow-go/v18/arrow/array"
)

// The Append methods of arrow-go's builders reserve room before every
// value, through calls the compiler does not inline. The packets appender
// reserves its builders ahead and appends with their unchecked appends
// (see packetsAppender.reserve); its plain string columns, whose value
// bytes need room too, check for it inline and append without reserving,
// or take the ordinary path, which grows the builder. The values and
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
