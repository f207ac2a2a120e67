package seids

import (
	"math/bits"
	"net/netip"
	"strconv"
	"time"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
)

// appendTime appends ts (ns since the epoch) as RFC 3339 in UTC with the
// capture's precision: 6 or 9 fractional digits.
func appendTime(dst []byte, ts int64, digits uint8) []byte {
	layout := "2006-01-02T15:04:05.000000000Z"
	if digits != 0 && digits <= 6 {
		layout = "2006-01-02T15:04:05.000000Z"
	}
	return time.Unix(0, ts).UTC().AppendFormat(dst, layout)
}

// appendHex appends v as 0x-prefixed lower-case hex, as
// strconv.AppendUint(dst, v, 16) would after the prefix (without its
// general-base loop).
func appendHex(dst []byte, v uint64) []byte {
	n := max(1, (bits.Len64(v)+3)/4)
	dst = append(dst, "0x0000000000000000"[:2+n]...)
	out := dst[len(dst)-n:]
	for i := n - 1; i >= 0; i-- {
		out[i] = "0123456789abcdef"[v&15]
		v >>= 4
	}
	return dst
}

// fseidAddr returns an F-SEID's address: IPv4 if present, else IPv6.
func fseidAddr(f *pfcp.FSEID) netip.Addr {
	if f.IPv4.IsValid() {
		return f.IPv4
	}
	return f.IPv6
}

// appendFSEID appends "0xSEID@addr" (both addresses joined by "/" when
// the F-SEID carries two).
func appendFSEID(dst []byte, f *pfcp.FSEID) []byte {
	dst = appendHex(dst, f.SEID)
	if a := fseidAddr(f); a.IsValid() {
		dst = a.AppendTo(append(dst, '@'))
		if f.IPv4.IsValid() && f.IPv6.IsValid() {
			dst = f.IPv6.AppendTo(append(dst, '/'))
		}
	}
	return dst
}

// spaces is padding for the text columns.
const spaces = "                                                                "

// pad appends spaces until dst has grown by at least width since start.
func pad(dst []byte, start, width int) []byte {
	for n := width - (len(dst) - start); n > 0; n -= len(spaces) {
		dst = append(dst, spaces[:min(n, len(spaces))]...)
	}
	return dst
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

// typeName is the message type's name, or "Unknown(N)".
func typeName(t pfcp.MessageType) string { return t.String() }

// appendJSONAddr appends a as a JSON string, or null when invalid.
func appendJSONAddr(dst []byte, a netip.Addr) []byte {
	if !a.IsValid() {
		return append(dst, "null"...)
	}
	return append(a.AppendTo(append(dst, '"')), '"')
}

// appendRight appends v right-aligned in width columns.
func appendRight(dst []byte, v uint64, width int) []byte {
	var buf [20]byte
	d := strconv.AppendUint(buf[:0], v, 10)
	return append(pad(dst, len(dst), width-len(d)), d...)
}

// appendSEID appends v in decimal, as strconv.AppendUint(dst, v, 10) does.
// SEIDs are mostly random 64-bit numbers of 19 or 20 digits: their low
// sixteen digits are written as two 8-digit groups in 32-bit arithmetic,
// which is cheaper than strconv's digit pairs in 64-bit arithmetic.
func appendSEID(dst []byte, v uint64) []byte {
	if v < 1e8 {
		return strconv.AppendUint(dst, v, 10)
	}
	hi, lo := v/1e8, uint32(v%1e8)
	if hi < 1e8 {
		dst = strconv.AppendUint(dst, hi, 10)
	} else {
		dst = append8(strconv.AppendUint(dst, hi/1e8, 10), uint32(hi%1e8))
	}
	return append8(dst, lo)
}

// append8 appends x (below 10^8) as exactly 8 digits.
func append8(dst []byte, x uint32) []byte {
	a, b := x/10000%10000, x%10000
	a1, a2, b1, b2 := a/100, a%100, b/100, b%100
	return append(dst, digitPairs[2*a1], digitPairs[2*a1+1], digitPairs[2*a2], digitPairs[2*a2+1],
		digitPairs[2*b1], digitPairs[2*b1+1], digitPairs[2*b2], digitPairs[2*b2+1])
}
