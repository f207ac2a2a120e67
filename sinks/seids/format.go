package seids

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
	"time"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
)

// The number formatting below writes digits straight into dst's spare
// capacity (grown first): strconv formats into a buffer of its own and
// copies that, a memmove call per number, which showed in the profile of
// a report with five numbers a line.

// appendTime appends ts (ns since the epoch) as RFC 3339 in UTC with the
// capture's precision: 6 or 9 fractional digits.
func appendTime(dst []byte, ts int64, digits uint8) []byte {
	layout := "2006-01-02T15:04:05.000000000Z"
	if digits != 0 && digits <= 6 {
		layout = "2006-01-02T15:04:05.000000Z"
	}
	return time.Unix(0, ts).UTC().AppendFormat(dst, layout)
}

// grow returns dst extended by n bytes (to be overwritten), reallocated
// when its capacity is short.
func grow(dst []byte, n int) []byte {
	l := len(dst)
	if cap(dst)-l < n {
		dst = append(dst[:cap(dst)], make([]byte, l+n-cap(dst))...)
	}
	return dst[:l+n]
}

// pow10 holds 10^0 to 10^19.
var pow10 = func() (t [20]uint64) {
	t[0] = 1
	for i := 1; i < len(t); i++ {
		t[i] = t[i-1] * 10
	}
	return t
}()

// decLen returns the number of decimal digits of v.
func decLen(v uint64) int {
	// bits.Len64(v)*1233>>12 is floor(log10(2^Len)), which is the
	// number of digits or one less.
	n := bits.Len64(v) * 1233 >> 12
	if v >= pow10[n] {
		n++
	}
	return max(n, 1)
}

// appendUint appends v in decimal, as strconv.AppendUint(dst, v, 10)
// does. Below 10^8 the digits are made in one 64-bit word
// (digitValues8);
// larger values (SEIDs are mostly random 64-bit numbers of 19 or 20
// digits) as a head and 8-digit groups.
func appendUint(dst []byte, v uint64) []byte {
	if v < 1e8 {
		return appendSmall(dst, uint32(v))
	}
	hi, lo := v/1e8, uint32(v%1e8)
	if hi < 1e8 {
		dst = appendSmall(dst, uint32(hi))
	} else {
		dst = append8(appendSmall(dst, uint32(hi/1e8)), uint32(hi%1e8))
	}
	return append8(dst, lo)
}

// appendInt appends v in decimal, as strconv.AppendInt(dst, int64(v), 10)
// does.
func appendInt(dst []byte, v int) []byte {
	if v < 0 {
		return appendUint(append(dst, '-'), -uint64(v))
	}
	return appendUint(dst, uint64(v))
}

// appendSmall appends x in decimal.
func appendSmall(dst []byte, x uint32) []byte {
	switch {
	case x < 10:
		return append(dst, byte('0'+x))
	case x < 100:
		return append(dst, byte('0'+x/10), byte('0'+x%10))
	case x >= 1e8:
		return appendUint(dst, uint64(x))
	}
	// All eight digits are stored, then the leading zeros dropped: they
	// are the low (first) bytes that are still 0 before the '0's are
	// added, and the shift moves them off.
	v := digitValues8(x)
	z := bits.TrailingZeros64(v) / 8
	l := len(dst)
	dst = grow(dst, 8)
	binary.LittleEndian.PutUint64(dst[l:], (v+0x3030303030303030)>>(8*z))
	return dst[:l+8-z]
}

// append8 appends x (below 10^8) as exactly 8 digits.
func append8(dst []byte, x uint32) []byte {
	l := len(dst)
	dst = grow(dst, 8)
	binary.LittleEndian.PutUint64(dst[l:], digitValues8(x)+0x3030303030303030)
	return dst
}

// digitValues8 returns the 8 decimal digits of x (below 10^8) as byte
// values 0-9, the first in the low byte (so that a little-endian store
// writes them in order once '0' is added to each). It splits x into
// lanes in parallel: two of 4 digits, four of 2, eight of 1, dividing
// each lane by a multiply and shift (exact for these ranges).
func digitValues8(x uint32) uint64 {
	v := uint64(x/10000) | uint64(x%10000)<<32
	h := (v * 10486 >> 20) & 0x0000007f0000007f // lane/100
	v = h | (v-h*100)<<16
	t := (v * 103 >> 10) & 0x000f000f000f000f // lane/10
	return t | (v-t*10)<<8
}

// appendHex appends v as 0x-prefixed lower-case hex, as
// "0x" + strconv.FormatUint(v, 16) would.
func appendHex(dst []byte, v uint64) []byte {
	n := max(1, (bits.Len64(v)+3)/4)
	l := len(dst)
	dst = grow(dst, 18)
	dst[l], dst[l+1] = '0', 'x'
	if n > 8 {
		binary.LittleEndian.PutUint64(dst[l+2:], hex8(uint32(v>>32))>>(8*(16-n)))
		binary.LittleEndian.PutUint64(dst[l+2+n-8:], hex8(uint32(v)))
	} else {
		binary.LittleEndian.PutUint64(dst[l+2:], hex8(uint32(v))>>(8*(8-n)))
	}
	return dst[:l+2+n]
}

// hex8 returns x as 8 lower-case hex digits, the first in the low byte.
func hex8(x uint32) uint64 {
	// Spread the nibbles one a byte, the last in the low byte; reverse.
	v := uint64(x)
	v = (v | v<<16) & 0x0000ffff0000ffff
	v = (v | v<<8) & 0x00ff00ff00ff00ff
	v = (v | v<<4) & 0x0f0f0f0f0f0f0f0f
	v = bits.ReverseBytes64(v)
	// Bytes of 10 and more (their +6 reaches 16) get 'a'-'0'-10 more.
	letters := (v + 0x0606060606060606) >> 4 & 0x0101010101010101
	return v + 0x3030303030303030 + letters*39
}

// appendFSEID appends "0xSEID@addr" (both addresses joined by "/" when
// the F-SEID carries two), addresses through c.
func appendFSEID(dst []byte, f *pfcp.FSEID, c *ipCache) []byte {
	dst = appendHex(dst, f.SEID)
	switch {
	case f.IPv4.IsValid():
		dst = c.append(append(dst, '@'), f.IPv4)
		if f.IPv6.IsValid() {
			dst = c.append(append(dst, '/'), f.IPv6)
		}
	case f.IPv6.IsValid():
		dst = c.append(append(dst, '@'), f.IPv6)
	}
	return dst
}

// spaces is padding for the text columns.
const spaces = "                                                                "

// spaces32 is spaces in an array, copied by value (see pad).
var spaces32 = [32]byte([]byte(spaces[:32]))

// pad appends spaces until dst has grown by at least width since start.
// Short padding, all a line has, stores a whole array of spaces and
// keeps what it needs: a few vector moves, where appending a slice of
// them is a memmove call.
func pad(dst []byte, start, width int) []byte {
	n := width - (len(dst) - start)
	if n <= 0 {
		return dst
	}
	if n <= len(spaces32) {
		l := len(dst)
		dst = grow(dst, len(spaces32))
		*(*[32]byte)(dst[l:]) = spaces32
		return dst[:l+n]
	}
	for ; n > 0; n -= len(spaces) {
		dst = append(dst, spaces[:min(n, len(spaces))]...)
	}
	return dst
}

// appendRight appends v right-aligned in width columns.
func appendRight(dst []byte, v uint64, width int) []byte {
	if n := width - decLen(v); n > 0 {
		dst = pad(dst, len(dst), n)
	}
	return appendUint(dst, v)
}

// appendJSONString appends s as a JSON string. Names written here are
// ASCII; control characters and quotes are escaped anyway.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, `\u00`...)
			dst = append(dst, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// appendCSVField appends s quoted when it needs to be (RFC 4180).
func appendCSVField(dst []byte, s string) []byte {
	needs := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == '"' || c == '\n' || c == '\r' {
			needs = true
			break
		}
	}
	if !needs {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

// appendJSONAddr appends a as a JSON string through c, or null when
// invalid.
func appendJSONAddr(dst []byte, a netip.Addr, c *ipCache) []byte {
	if !a.IsValid() {
		return append(dst, "null"...)
	}
	return append(c.append(append(dst, '"'), a), '"')
}
