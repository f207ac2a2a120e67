package parquet

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// The Append methods of arrow-go's builders reserve room before every
// value, through calls the compiler does not inline. The builders of a
// file are reserved for a whole record at a time (see file.flush), so the
// packet rows, forty values each, check for room inline and append
// without reserving; a builder without room takes the ordinary path,
// which grows it. The values and validity bits are the same either way.

func putTS(b *array.TimestampBuilder, v arrow.Timestamp) {
	if b.Len() < b.Cap() {
		b.UnsafeAppend(v)
	} else {
		b.Append(v)
	}
}

func putU64(b *array.Uint64Builder, v uint64) {
	if b.Len() < b.Cap() {
		b.UnsafeAppend(v)
	} else {
		b.Append(v)
	}
}

func putI64(b *array.Int64Builder, v int64) {
	if b.Len() < b.Cap() {
		b.UnsafeAppend(v)
	} else {
		b.Append(v)
	}
}

func putU32(b *array.Uint32Builder, v uint32) {
	if b.Len() < b.Cap() {
		b.UnsafeAppend(v)
	} else {
		b.Append(v)
	}
}

func putU16(b *array.Uint16Builder, v uint16) {
	if b.Len() < b.Cap() {
		b.UnsafeAppend(v)
	} else {
		b.Append(v)
	}
}

func putU8(b *array.Uint8Builder, v uint8) {
	if b.Len() < b.Cap() {
		b.UnsafeAppend(v)
	} else {
		b.Append(v)
	}
}

func putBool(b *array.BooleanBuilder, v bool) {
	if b.Len() < b.Cap() {
		b.UnsafeAppend(v)
	} else {
		b.Append(v)
	}
}

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

// The null appenders below append a null to a fixed-width column: a
// cleared validity bit and an untouched (zero) value slot, as AppendNull
// leaves them.

func nullU64(b *array.Uint64Builder) {
	if b.Len() < b.Cap() {
		b.UnsafeAppendBoolToBitmap(false)
	} else {
		b.AppendNull()
	}
}

func nullU32(b *array.Uint32Builder) {
	if b.Len() < b.Cap() {
		b.UnsafeAppendBoolToBitmap(false)
	} else {
		b.AppendNull()
	}
}

func nullU16(b *array.Uint16Builder) {
	if b.Len() < b.Cap() {
		b.UnsafeAppendBoolToBitmap(false)
	} else {
		b.AppendNull()
	}
}

func nullU8(b *array.Uint8Builder) {
	if b.Len() < b.Cap() {
		b.UnsafeAppendBoolToBitmap(false)
	} else {
		b.AppendNull()
	}
}
