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
