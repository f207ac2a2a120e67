package pfcp

import "encoding/binary"

// Header flag bits of a PFCP header's first octet.
const (
	flagS  = 0x01 // SEID present
	flagMP = 0x02 // message priority present
	flagFO = 0x04 // follow-on: another message follows in the datagram
)

// Header lengths: node messages (S=0) and session messages (S=1).
const (
	NodeHeaderLen    = 8
	SessionHeaderLen = 16
)

// Header is a decoded PFCP message header (TS 29.244 clause 7.2.2).
type Header struct {
	// Version is the protocol version; only 1 is valid.
	Version uint8
	// FollowOn (FO) says another message follows this one in the datagram.
	FollowOn bool
	// HasPriority (MP) says Priority is meaningful.
	HasPriority bool
	// HasSEID (S) says the header carries a SEID: session messages do.
	HasSEID bool
	// Priority is the message priority (0-15), valid with HasPriority.
	Priority uint8
	// Type is the message type.
	Type MessageType
	// Length is the header's length field: the octets after the first four.
	Length uint16
	// SEID is the session endpoint identifier of the receiver (S=1 only).
	SEID uint64
	// Seq is the 24-bit sequence number.
	Seq uint32
	// HeaderLen is 8 (S=0) or 16 (S=1); 0 when not even the flags were read.
	HeaderLen int
}

// MessageLen returns the length of the whole message, header included,
// as the length field declares it.
func (h *Header) MessageLen() int { return 4 + int(h.Length) }

// ParseHeader decodes the PFCP header at the start of b. On error it still
// returns every field it could read: ErrShort when b is shorter than the
// header, ErrVersion when the version is not 1, ErrLength when the length
// field is smaller than the header or runs past the end of b.
func ParseHeader(b []byte) (Header, error) {
	var h Header
	err := h.parse(b)
	return h, err
}

// parse decodes the header at the start of b into h, setting every field,
// as ParseHeader does. The fields are worked out in locals and h written
// once (two headers are parsed per PFCP datagram, on the decode workers
// and again in Summarize).
func (h *Header) parse(b []byte) error {
	if len(b) < 4 {
		*h = Header{}
		return ErrShort
	}
	f := b[0]
	hl := NodeHeaderLen
	if f&flagS != 0 {
		hl = SessionHeaderLen
	}
	*h = Header{
		Version:     f >> 5,
		FollowOn:    f&flagFO != 0,
		HasPriority: f&flagMP != 0,
		HasSEID:     f&flagS != 0,
		Type:        MessageType(b[1]),
		Length:      binary.BigEndian.Uint16(b[2:4]),
		HeaderLen:   hl,
	}
	if len(b) < hl {
		return ErrShort
	}
	if hl == SessionHeaderLen {
		t := b[4:16]
		h.SEID = binary.BigEndian.Uint64(t)
		h.Seq = uint32(t[8])<<16 | uint32(t[9])<<8 | uint32(t[10])
		if f&flagMP != 0 {
			h.Priority = t[11] >> 4
		}
	} else {
		t := b[4:8]
		h.Seq = uint32(t[0])<<16 | uint32(t[1])<<8 | uint32(t[2])
	}
	if f>>5 != 1 {
		return ErrVersion
	}
	if n := int(h.Length); n < hl-4 || 4+n > len(b) {
		return ErrLength
	}
	return nil
}

// Body returns the IE bytes of the message whose header h was read from b,
// clipped to the bytes present (so a truncated message yields what there is).
func (h *Header) Body(b []byte) []byte {
	start, end := h.HeaderLen, h.MessageLen()
	if end > len(b) {
		end = len(b)
	}
	if start <= 0 || start > end {
		return nil
	}
	return b[start:end]
}

// MessageIterator walks the PFCP messages of one datagram. Create it with
// Messages; call Next until it returns false, then check Err.
type MessageIterator struct {
	b      []byte
	off    int
	msgOff int
	h      Header
	msg    []byte
	err    error
	done   bool
}

// Messages returns an iterator over the messages of datagram b: the first
// message, then one more for as long as the previous one had FO set.
func Messages(b []byte) MessageIterator {
	return MessageIterator{b: b}
}

// Next advances to the next message and reports whether there is one. It
// returns false at the end or on a malformed header; Err tells which.
func (m *MessageIterator) Next() bool {
	if m.done {
		return false
	}
	if m.off >= len(m.b) {
		m.done = true
		if m.off == 0 {
			m.err = ErrShort
		}
		return false
	}
	rest := m.b[m.off:]
	err := m.h.parse(rest)
	m.msgOff = m.off
	if err != nil {
		m.err = err
		m.done = true
		m.msg = nil
		return false
	}
	n := m.h.MessageLen()
	m.msg = rest[:n:n]
	m.off += n
	if !m.h.FollowOn {
		m.done = true
	}
	return true
}

// Header returns the current message's header. After Next returned false
// with an error, it holds whatever fields could be read.
func (m *MessageIterator) Header() Header { return m.h }

// Message returns the current message, header included.
func (m *MessageIterator) Message() []byte { return m.msg }

// Body returns the current message's IE bytes.
func (m *MessageIterator) Body() []byte { return m.h.Body(m.msg) }

// Offset returns the byte offset of the current (or failed) message in the datagram.
func (m *MessageIterator) Offset() int { return m.msgOff }

// Rest returns the number of datagram bytes after the messages walked so
// far: non-zero after the end means trailing bytes with FO clear.
func (m *MessageIterator) Rest() int { return len(m.b) - m.off }

// Err returns the error that stopped the iteration, or nil.
func (m *MessageIterator) Err() error { return m.err }
