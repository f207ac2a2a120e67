package seids

import (
	"encoding/binary"
	"net/netip"
	"time"
)

// formatter formats message lines in one format. It caches what repeats
// from line to line (the date and time to the second, the file name in
// the format's quoting, the text of endpoints and F-SEID addresses), so
// that a line costs no fmt call and no allocation. Each worker has its
// own.
type formatter struct {
	format uint8
	cols   *columnTexts
	times  timeCache
	// name and nameText are the last input name and its text in the
	// format (a JSON string, a CSV field).
	name     string
	nameText []byte
	named    bool
	pairs    pairCache
	ips      ipCache
}

// newFormatter returns a formatter of lines in format.
func newFormatter(format uint8) *formatter {
	f := &formatter{format: format, cols: columns()}
	f.pairs.format = format
	return f
}

// fileName returns name in the format's quoting, cached for the last
// name.
func (f *formatter) fileName(name string) []byte {
	if !f.named || name != f.name {
		f.name, f.named = name, true
		if f.format == fmtJSON {
			f.nameText = appendJSONString(f.nameText[:0], name)
		} else {
			f.nameText = appendCSVField(f.nameText[:0], name)
		}
	}
	return f.nameText
}

// pairCache holds the text of recently formatted source and destination
// endpoints, as a line shows them: a PFCP capture has few pairs of them.
// It is direct-mapped on the addresses' last bytes and the ports, behind
// the two pairs used last (most often a request's and its response's).
type pairCache struct {
	format uint8
	slots  [16]pairText
	recent [2]uint8 // slot numbers
}

type pairText struct {
	src, dst netip.AddrPort
	n        uint8 // 0: none
	text     [128]byte
}

// append appends src and dst as appendPair does.
func (c *pairCache) append(b []byte, src, dst netip.AddrPort) []byte {
	for _, i := range c.recent {
		if e := &c.slots[i&15]; e.n != 0 && e.src == src && e.dst == dst {
			return e.appendTo(b)
		}
	}
	as, ad := src.Addr().As16(), dst.Addr().As16()
	i := (as[15] ^ ad[15]<<1 ^ byte(src.Port()) ^ byte(dst.Port()>>3)) & 15
	e := &c.slots[i]
	if e.n == 0 || e.src != src || e.dst != dst {
		start := len(b)
		b = appendPair(b, c.format, src, dst)
		e.src, e.dst, e.n = src, dst, 0
		if n := len(b) - start; n <= len(e.text) {
			e.n = uint8(copy(e.text[:], b[start:]))
			c.recent[0], c.recent[1] = c.recent[1], i
		}
		return b
	}
	c.recent[0], c.recent[1] = c.recent[1], i
	return e.appendTo(b)
}

// appendTo appends e's text, copying its whole array (a few vector
// moves, where a slice's copy is a memmove call).
func (e *pairText) appendTo(b []byte) []byte {
	l := len(b)
	b = grow(b, len(e.text))
	*(*[128]byte)(b[l:]) = e.text
	return b[:l+int(e.n)]
}

// appendPair appends a line's source and destination endpoints in
// format, with what surrounds them: in text each padded to 21 columns
// and joined by an arrow, in JSON as the "src" and "dst" members, in CSV
// as two fields (after a comma).
func appendPair(b []byte, format uint8, src, dst netip.AddrPort) []byte {
	switch format {
	case fmtJSON:
		b = append(src.AppendTo(append(b, `,"src":"`...)), `","dst":"`...)
		return append(dst.AppendTo(b), '"')
	case fmtCSV:
		return dst.AppendTo(append(src.AppendTo(append(b, ',')), ','))
	}
	c := len(b)
	b = pad(src.AppendTo(b), c, 21)
	b = append(b, " → "...)
	c = len(b)
	return pad(dst.AppendTo(b), c, 21)
}

// cachedText is a short text in a fixed array, appended by copying the
// whole array and keeping its length.
type cachedText struct {
	n    uint8 // 0: none
	text [64]byte
}

// appendTo appends c's text to dst.
func (c *cachedText) appendTo(dst []byte) []byte {
	l := len(dst)
	dst = grow(dst, len(c.text))
	*(*[64]byte)(dst[l:]) = c.text
	return dst[:l+int(c.n)]
}

// set sets c's text to text and reports whether it fits.
func (c *cachedText) set(text []byte) bool {
	if len(text) == 0 || len(text) > len(c.text) {
		c.n = 0
		return false
	}
	c.n = uint8(copy(c.text[:], text))
	return true
}

// ipCache holds the text of recently formatted addresses (of F-SEIDs: a
// capture has as few as it has nodes), direct-mapped on the last byte.
type ipCache struct {
	slots [16]ipText
}

type ipText struct {
	a netip.Addr
	cachedText
}

// append appends a valid address a as netip.Addr.AppendTo does.
func (c *ipCache) append(dst []byte, a netip.Addr) []byte {
	b := a.As16()
	e := &c.slots[b[15]&15]
	if e.n == 0 || e.a != a {
		start := len(dst)
		dst = a.AppendTo(dst)
		e.a = a
		e.set(dst[start:])
		return dst
	}
	return e.appendTo(dst)
}

// timeCache formats timestamps as RFC 3339 in UTC, reusing the
// "2006-01-02T15:04:05." text of the last second seen.
type timeCache struct {
	sec    int64
	valid  bool
	prefix []byte
	// fixed is prefix in an array when it has the usual 20 bytes (years
	// 0000-9999: every int64 of nanoseconds), copied without a memmove
	// call.
	fixed [20]byte
}

// append appends ts (ns since the epoch) with 6 fractional digits when
// the capture has microsecond precision (digits 1-6), else 9, and a 'Z':
// the text time.Time.AppendFormat gives for those layouts.
func (c *timeCache) append(dst []byte, ts int64, digits uint8) []byte {
	sec, ns := ts/1e9, ts%1e9
	if ns < 0 {
		sec, ns = sec-1, ns+1e9
	}
	if !c.valid || sec != c.sec {
		c.sec, c.valid = sec, true
		c.prefix = time.Unix(sec, 0).UTC().AppendFormat(c.prefix[:0], "2006-01-02T15:04:05.")
		copy(c.fixed[:], c.prefix)
	}
	frac := uint32(ns)
	n := 9
	if digits != 0 && digits <= 6 {
		n, frac = 6, frac/1000 // the microseconds, cut as ns/1000 cuts
	}
	l, p := len(dst), len(c.prefix)
	dst = grow(dst, p+10+8) // room for 8-byte stores
	if p == len(c.fixed) {
		*(*[20]byte)(dst[l:]) = c.fixed
	} else {
		copy(dst[l:], c.prefix)
	}
	out := dst[l+p:]
	if n == 9 {
		out[0] = byte('0' + frac/1e8)
		binary.LittleEndian.PutUint64(out[1:], digitValues8(frac%1e8)+0x3030303030303030)
	} else {
		// 6 digits, the first two of 8 shifted off.
		binary.LittleEndian.PutUint64(out, (digitValues8(frac)+0x3030303030303030)>>16)
	}
	out[n] = 'Z'
	return dst[:l+p+n+1]
}
