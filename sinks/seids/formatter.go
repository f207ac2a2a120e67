package seids

import (
	"net/netip"
	"time"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
)

// formatter formats message lines in one format. It caches what repeats
// from line to line (the date and time to the second, the quoted file
// name), so that a line costs no fmt call and no allocation. Each worker
// has its own.
type formatter struct {
	format uint8
	times  timeCache
	// name and nameJSON are the last input name and its JSON string.
	name     string
	nameJSON []byte
	addrs    addrCache
}

// addrCache holds the text of recently formatted address:port endpoints:
// a PFCP capture has few of them. It is direct-mapped on the address's
// last byte and the port, behind the two endpoints used last (a line's
// source and destination, most often the same two as the line before).
type addrCache struct {
	slots  [16]addrText
	recent [2]uint8 // slot numbers
}

type addrText struct {
	ap   netip.AddrPort
	text []byte
}

// append appends ap as netip.AddrPort.AppendTo does.
func (c *addrCache) append(dst []byte, ap netip.AddrPort) []byte {
	for _, i := range c.recent {
		if e := &c.slots[i&15]; e.text != nil && e.ap == ap {
			return append(dst, e.text...)
		}
	}
	a := ap.Addr().As16()
	i := (a[15] ^ byte(ap.Port()) ^ byte(ap.Port()>>8)) & 15
	e := &c.slots[i]
	if e.text == nil || e.ap != ap {
		e.ap, e.text = ap, ap.AppendTo(e.text[:0])
	}
	c.recent[0], c.recent[1] = c.recent[1], i
	return append(dst, e.text...)
}

// quoted returns name as a JSON string, cached for the last name.
func (f *formatter) quoted(name string) []byte {
	if f.nameJSON == nil || name != f.name {
		f.name, f.nameJSON = name, appendJSONString(f.nameJSON[:0], name)
	}
	return f.nameJSON
}

// timeCache formats timestamps as RFC 3339 in UTC, reusing the
// "2006-01-02T15:04:05." text of the last second seen.
type timeCache struct {
	sec    int64
	valid  bool
	prefix []byte
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
	}
	dst = append(dst, c.prefix...)
	// Nine digits, two at a time; microsecond captures take the first
	// six (the microseconds, cut as ns/1000 cuts).
	var buf [10]byte
	for i := 8; i > 0; i -= 2 {
		d := ns % 100
		ns /= 100
		buf[i], buf[i+1] = digitPairs[2*d], digitPairs[2*d+1]
	}
	buf[1] = byte('0' + ns)
	n := 9
	if digits != 0 && digits <= 6 {
		n = 6
	}
	return append(append(dst, buf[1:1+n]...), 'Z')
}

// digitPairs holds "00" to "99".
const digitPairs = "0001020304050607080910111213141516171819" +
	"2021222324252627282930313233343536373839" +
	"4041424344454647484950515253545556575859" +
	"6061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// jsonTypeNames holds every message type's name as a JSON string.
var jsonTypeNames = func() (t [256]string) {
	for i := range t {
		t[i] = string(appendJSONString(nil, pfcp.MessageType(i).String()))
	}
	return t
}()

// jsonTypeName returns t's name as a JSON string.
func jsonTypeName(t pfcp.MessageType) string { return jsonTypeNames[t] }
