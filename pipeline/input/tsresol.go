package input

import "math/bits"

// pow10 holds 10^0 … 10^19.
var pow10 = [20]uint64{
	1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
}

// ngTime converts a pcapng timestamp in units of if_tsresol to nanoseconds.
// A resolution byte with the top bit clear means units of 10^-v seconds,
// with it set 2^-v seconds.
func ngTime(ts uint64, tsresol uint8) int64 {
	v := uint(tsresol & 0x7f)
	if tsresol&0x80 == 0 {
		if v <= 9 {
			return int64(ts * pow10[9-v])
		}
		if v-9 >= uint(len(pow10)) {
			return 0
		}
		return int64(ts / pow10[v-9])
	}
	// ts * 1e9 / 2^v, with a 128-bit product.
	hi, lo := bits.Mul64(ts, 1e9)
	if v >= 64 {
		return int64(hi >> (v - 64))
	}
	return int64(hi<<(64-v) | lo>>v)
}

// tsDigits is the number of decimal digits after the second needed to show
// timestamps of resolution tsresol, at most 9.
func tsDigits(tsresol uint8) uint8 {
	v := tsresol & 0x7f
	if tsresol&0x80 == 0 {
		return min(v, 9)
	}
	// Smallest d with 10^d >= 2^v.
	var d uint8
	for d < 9 && (v >= 64 || pow10[d] < 1<<v) {
		d++
	}
	return d
}
