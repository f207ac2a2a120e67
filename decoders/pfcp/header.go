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
// as ParseHeader does.
func (h *Header) parse(b []byte) error {
	*h = Header{}
	if len(b) < 4 {
		return ErrShort
	}
	h.Version = b[0] >> 5
	h.FollowOn = b[0]&flagFO != 0
	h.HasPriority = b[0]&flagMP != 0
	h.HasSEID = b[0]&flagS != 0
	h.Type = MessageType(b[1])
	h.Length = binary.BigEndian.Uint16(b[2:4])
	h.HeaderLen = NodeHeaderLen
	if h.HasSEID {
		h.HeaderLen = SessionHeaderLen
	}
	if len(b) < h.HeaderLen {
		return ErrShort
	}
	p := b[4:]
	if h.HasSEID {
		h.SEID = binary.BigEndian.Uint64(p[:8])
		p = p[8:]
		if h.HasPriority {
			h.Priority = p[3] >> 4
		}
	}
	h.Seq = uint32(p[0])<<16 | uint32(p[1])<<8 | uint32(p[2])
	if h.Version != 1 {
		return ErrVersion
	}
	if int(h.Length) < h.HeaderLen-4 || h.MessageLen() > len(b) {
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
