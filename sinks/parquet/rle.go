package parquet

import "math/bits"

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
	lit := 0 // start of the values not yet written
	for i := 0; i < len(vals); {
		j := i + 1
		for j < len(vals) && vals[j] == vals[i] {
			j++
		}
		if j-i >= minRLERun {
			// The literals before the run must fill whole groups:
			// lend them the first values of the run.
			pad := (8 - (i-lit)%8) % 8
			if j-i-pad >= minRLERun {
				dst = appendPacked(dst, vals[lit:i+pad], width)
				dst = appendRLE(dst, uint32(vals[i]), j-i-pad, width)
				lit = j
			}
		}
		i = j
	}
	// A last stretch of fewer than 8 equal values is a run too (as
	// arrow-go ends its encodings).
	if tail := vals[lit:]; len(tail) > 0 && len(tail) < minRLERun && allEqual(tail) {
		return appendRLE(dst, uint32(tail[0]), len(tail), width)
	}
	return appendPacked(dst, vals[lit:], width)
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
		var acc uint64
		nbits := 0
		for k := 0; k < groups*8; k++ {
			var v uint64
			if k < n {
				v = uint64(uint32(vals[k]))
			}
			acc |= v << nbits
			nbits += width
			for nbits >= 8 {
				dst = append(dst, byte(acc))
				acc >>= 8
				nbits -= 8
			}
		}
		vals = vals[n:]
	}
	return dst
}

// appendUvarint appends v as a ULEB128 varint.
func appendUvarint(dst []byte, v uint64) []byte {
	for v >= 0x80 {
		dst = append(dst, byte(v)|0x80)
		v >>= 7
	}
	return append(dst, byte(v))
}
