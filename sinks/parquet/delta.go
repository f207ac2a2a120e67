package parquet

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
)

// Parquet's DELTA_BINARY_PACKED encoding, laid out as arrow-go writes it:
// a header (block size 128, 4 miniblocks per block, the value count, the
// first value), then for every 128 differences between consecutive values
// a block: its smallest difference, the bit width of each miniblock of 32,
// and each miniblock's differences less that smallest one, bit-packed
// least significant bit first (the last miniblock padded with zeros,
// unused miniblocks' widths left zero). Differences wrap at the physical
// type's width, as the specification requires.
const (
	deltaBlock      = 128
	deltaMiniblocks = 4
	deltaMini       = deltaBlock / deltaMiniblocks
)

// appendDelta appends vals in DELTA_BINARY_PACKED.
func appendDelta[T int32 | int64](dst []byte, vals []T) []byte {
	dst = appendUvarint(dst, deltaBlock)
	dst = appendUvarint(dst, deltaMiniblocks)
	dst = appendUvarint(dst, uint64(len(vals)))
	var first int64
	if len(vals) > 0 {
		first = int64(vals[0])
	}
	dst = appendZigZag(dst, first)
	var deltas [deltaBlock]int64
	for i := 1; i < len(vals); i += deltaBlock {
		n := min(deltaBlock, len(vals)-i)
		minDelta := int64(math.MaxInt64)
		for j := range n {
			d := int64(vals[i+j] - vals[i+j-1])
			deltas[j] = d
			minDelta = min(minDelta, d)
		}
		dst = appendZigZag(dst, minDelta)
		widths := len(dst)
		dst = append(dst, make([]byte, deltaMiniblocks)...)
		for m := 0; m*deltaMini < n; m++ {
			mini := deltas[m*deltaMini : min(n, (m+1)*deltaMini)]
			maxDelta := int64(math.MinInt64)
			for _, d := range mini {
				maxDelta = max(maxDelta, d)
			}
			width := bits.Len64(uint64(maxDelta - minDelta))
			dst[widths+m] = byte(width)
			dst = packMiniblock(dst, mini, minDelta, width)
		}
	}
	return dst
}

// packMiniblock appends deltas less minDelta, padded with zeros to
// deltaMini values, width bits each, least significant bit first.
func packMiniblock(dst []byte, deltas []int64, minDelta int64, width int) []byte {
	if width == 0 {
		return dst
	}
	if width <= 32 {
		return packMiniblock32(dst, deltas, minDelta, width)
	}
	var acc uint64
	nbits := 0
	for k := range deltaMini {
		var v uint64
		if k < len(deltas) {
			v = uint64(deltas[k] - minDelta)
		}
		for rem := width; rem > 0; {
			take := min(rem, 64-nbits)
			part := v
			if take < 64 {
				part &= 1<<take - 1
			}
			acc |= part << nbits
			if take < 64 {
				v >>= take
			} else {
				v = 0
			}
			nbits += take
			rem -= take
			if nbits == 64 {
				dst = append(dst, byte(acc), byte(acc>>8), byte(acc>>16), byte(acc>>24),
					byte(acc>>32), byte(acc>>40), byte(acc>>48), byte(acc>>56))
				acc, nbits = 0, 0
			}
		}
	}
	// 32 values of width bits end on a byte: 0 or 32 bits are left.
	for ; nbits > 0; nbits -= 8 {
		dst = append(dst, byte(acc))
		acc >>= 8
	}
	return dst
}

// packMiniblock32 is packMiniblock for widths up to 32: each value fits
// the 64-bit accumulator whole, which is stored 8 bytes at a time.
func packMiniblock32(dst []byte, deltas []int64, minDelta int64, width int) []byte {
	at := len(dst)
	dst = slices.Grow(dst, 4*width+8)
	buf := dst[at : at+4*width+8]
	var acc uint64
	nbits, o := 0, 0
	for k := range deltaMini {
		var v uint64 // below 1<<width
		if k < len(deltas) {
			v = uint64(deltas[k] - minDelta)
		}
		acc |= v << nbits
		nbits += width
		if nbits >= 64 {
			binary.LittleEndian.PutUint64(buf[o:], acc)
			o += 8
			nbits -= 64
			acc = v >> (width - nbits) // 0 when nbits is 0: v < 1<<width
		}
	}
	if nbits > 0 { // 32 values of width bits end on a byte
		binary.LittleEndian.PutUint64(buf[o:], acc)
	}
	return dst[:at+4*width]
}

// appendZigZag appends v zigzag-encoded as a ULEB128 varint.
func appendZigZag(dst []byte, v int64) []byte {
	return appendUvarint(dst, uint64(v<<1)^uint64(v>>63))
}
