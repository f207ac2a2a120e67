package parquet

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// Parquet's RLE / bit-packing hybrid encoding, which carries definition
// levels and dictionary indices: a sequence of runs, each headed by a
// ULEB128 varint. An RLE run (header count<<1) repeats one value, stored
// in the bytes its bit width needs; a bit-packed run (header groups<<1|1)
// holds groups of 8 values packed least significant bit first, width bits
// each. Only the last group may be padded: readers stop at the page's
// value count.

// minRLERun is the shortest run written as an RLE run: shorter ones cost
// less as bit-packed values.
const minRLERun = 8

// maxPackedGroups bounds the groups of one bit-packed run, so that its
// header is one byte (as arrow-go and parquet-mr write them).
const maxPackedGroups = 63

// bitWidth returns the bits needed for the values 0..n-1 (at least 1).
func bitWidth(n int) int {
	if n <= 2 {
		return 1
	}
	return bits.Len(uint(n - 1))
}

// appendHybrid appends vals, each of width bits (1 to 32), in the hybrid
// encoding. Runs of at least minRLERun equal values become RLE runs; the
// values between them are bit-packed, a literal stretch taking the first
// values of the run after it to end on a group of 8.
func appendHybrid[T int16 | int32](dst []byte, vals []T, width int) []byte {
	lit, start := 0, 0 // the first value not written yet; the current run's
	var cur T
	if len(vals) > 0 {
		cur = vals[0]
	}
	for k, v := range vals {
		if v != cur {
			if k-start >= minRLERun {
				dst, lit = appendRun(dst, vals, lit, start, k, width)
			}
			start, cur = k, v
		}
	}
	if len(vals)-start >= minRLERun {
		dst, lit = appendRun(dst, vals, lit, start, len(vals), width)
	}
	// A last stretch of fewer than 8 equal values is a run too (as
	// arrow-go ends its encodings).
	if tail := vals[lit:]; len(tail) > 0 && len(tail) < minRLERun && allEqual(tail) {
		return appendRLE(dst, uint32(tail[0]), len(tail), width)
	}
	return appendPacked(dst, vals[lit:], width)
}

// appendRun writes vals[i:j], a run of at least minRLERun equal values,
// as an RLE run after the literals vals[lit:i], unless the literals need
// so many of its values to fill their last group that fewer than
// minRLERun would be left. It returns the first value not written yet.
func appendRun[T int16 | int32](dst []byte, vals []T, lit, i, j, width int) ([]byte, int) {
	// The literals before the run must fill whole groups: lend them the
	// first values of the run.
	pad := (8 - (i-lit)%8) % 8
	if j-i-pad < minRLERun {
		return dst, lit
	}
	dst = appendPacked(dst, vals[lit:i+pad], width)
	return appendRLE(dst, uint32(vals[i]), j-i-pad, width), j
}

// allEqual reports whether every value of vals equals the first.
func allEqual[T int16 | int32](vals []T) bool {
	for _, v := range vals[1:] {
		if v != vals[0] {
			return false
		}
	}
	return true
}

// appendRLE appends an RLE run of n copies of v.
func appendRLE(dst []byte, v uint32, n, width int) []byte {
	dst = appendUvarint(dst, uint64(n)<<1)
	for b := 0; b < (width+7)/8; b++ {
		dst = append(dst, byte(v>>(8*b)))
	}
	return dst
}

// appendPacked appends vals as bit-packed runs; a last group of fewer than
// 8 values is padded with zeros.
func appendPacked[T int16 | int32](dst []byte, vals []T, width int) []byte {
	for len(vals) > 0 {
		groups := min((len(vals)+7)/8, maxPackedGroups)
		dst = appendUvarint(dst, uint64(groups)<<1|1)
		n := min(len(vals), groups*8)
		// A group of 8 values takes width bytes exactly; the groups are
		// stored 8 bytes at a time, hence the slack.
		at := len(dst)
		dst = slices.Grow(dst, groups*width+16)
		buf := dst[at:cap(dst)]
		o := 0
		full := vals[:n&^7]
		for g := 0; g < len(full); g += 8 {
			o = packGroup(buf, o, (*[8]T)(full[g:g+8]), width)
		}
		if rest := vals[len(full):n]; len(rest) > 0 {
			var last [8]T
			copy(last[:], rest)
			o = packGroup(buf, o, &last, width)
		}
		dst = dst[:at+o]
		vals = vals[n:]
	}
	return dst
}

// packGroup packs the 8 values of v, width bits each, least significant
// bit first, into buf at o, and returns the offset after them (o+width).
// It may write up to 16 bytes from o.
func packGroup[T int16 | int32](buf []byte, o int, v *[8]T, width int) int {
	u := func(k int) uint64 { return uint64(uint32(v[k])) }
	switch {
	case width <= 8:
		x := u(0) | u(1)<<width | u(2)<<(2*width) | u(3)<<(3*width) |
			u(4)<<(4*width) | u(5)<<(5*width) | u(6)<<(6*width) | u(7)<<(7*width)
		binary.LittleEndian.PutUint64(buf[o:], x)
	case width <= 16:
		// Two halves of 4w <= 64 bits each, joined into 128 bits.
		lo := u(0) | u(1)<<width | u(2)<<(2*width) | u(3)<<(3*width)
		hi := u(4) | u(5)<<width | u(6)<<(2*width) | u(7)<<(3*width)
		half := uint(4 * width)
		binary.LittleEndian.PutUint64(buf[o:], lo|hi<<half)
		binary.LittleEndian.PutUint64(buf[o+8:], hi>>(64-half))
	default:
		var acc uint64
		nbits, p := 0, o
		for k := range 8 {
			acc |= u(k) << nbits
			nbits += width
			for nbits >= 8 {
				buf[p] = byte(acc)
				p++
				acc >>= 8
				nbits -= 8
			}
		}
	}
	return o + width
}

// appendUvarint appends v as a ULEB128 varint.
func appendUvarint(dst []byte, v uint64) []byte {
	for v >= 0x80 {
		dst = append(dst, byte(v)|0x80)
		v >>= 7
	}
	return append(dst, byte(v))
}
