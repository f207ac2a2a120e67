package gtpu

import "encoding/binary"

// ext is one extension header for msg: its type and content (without the
// length and next-type octets; content length must be 4n-2).
type ext struct {
	typ     ExtensionType
	content []byte
}

// msg builds a GTPv1 message. opt forces the optional 4 octets even without
// extensions (S or PN flags). The length field is computed when length is
// 0, forced to length when positive, and set to 0 when negative.
type msg struct {
	flags   byte // low 3 bits: E S PN (E is set automatically with exts)
	version byte // default 1
	noPT    bool
	typ     MessageType
	teid    uint32
	seq     uint16
	npdu    uint8
	exts    []ext
	body    []byte
	length  int
	cut     int // if > 0, keep only the first cut bytes
}

func (m msg) bytes() []byte {
	v := m.version
	if v == 0 {
		v = 1
	}
	f := v<<5 | m.flags&0x07
	if !m.noPT {
		f |= flagPT
	}
	if len(m.exts) > 0 {
		f |= flagE
	}
	b := []byte{f, byte(m.typ), 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[4:], m.teid)
	if f&0x07 != 0 {
		b = binary.BigEndian.AppendUint16(b, m.seq)
		b = append(b, m.npdu)
		if len(m.exts) > 0 {
			b = append(b, byte(m.exts[0].typ))
		} else {
			b = append(b, 0)
		}
		for i, e := range m.exts {
			n := (len(e.content) + 2) / 4
			b = append(b, byte(n))
			b = append(b, e.content...)
			if i+1 < len(m.exts) {
				b = append(b, byte(m.exts[i+1].typ))
			} else {
				b = append(b, 0)
			}
		}
	}
	b = append(b, m.body...)
	l := len(b) - HeaderLen
	switch {
	case m.length > 0:
		l = m.length
	case m.length < 0:
		l = 0
	}
	binary.BigEndian.PutUint16(b[2:], uint16(l))
	if m.cut > 0 && m.cut < len(b) {
		b = b[:m.cut]
	}
	return b
}

// innerV4 is a minimal IPv4 header 10.0.0.1 -> 10.0.0.2, protocol ICMP.
var innerV4 = []byte{0x45, 0, 0, 20, 0, 1, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2}

// innerV6 is a minimal IPv6 header 2001:db8::1 -> 2001:db8::2, no payload.
var innerV6 = append([]byte{0x60, 0, 0, 0, 0, 0, 59, 64},
	append([]byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
		[]byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}...)...)
