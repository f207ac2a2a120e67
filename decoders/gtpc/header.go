package gtpc

import "encoding/binary"

// Flag bits of the first header octet.
const (
	flagP  = 0x10
	flagT  = 0x08
	flagMP = 0x04
)

// Header lengths: without and with the TEID field.
const (
	HeaderLen     = 8
	HeaderLenTEID = 12
)

// Header is a decoded GTPv2-C message header. ParseHeader resets every field.
type Header struct {
	// Version is the 3-bit version field (2).
	Version uint8
	// Piggyback is the P flag: another message follows this one.
	Piggyback bool
	// HasTEID is the T flag: the TEID field is present.
	HasTEID bool
	// HasPriority is the MP flag: Priority is meaningful.
	HasPriority bool
	// Type is the message type.
	Type MessageType
	// Length counts the bytes after the first 4 octets.
	Length uint16
	// TEID is the tunnel endpoint identifier (0 when HasTEID is false).
	TEID uint32
	// Seq is the 24-bit sequence number.
	Seq uint32
	// Priority is the 4-bit message priority (when HasPriority).
	Priority uint8
}

// Size returns the message's length on the wire as its header declares it.
func (h *Header) Size() int { return 4 + int(h.Length) }

// ParseHeader decodes the message header at the start of b into h and
// returns the offset of the first information element (8 or 12). The
// status is Truncated when b holds less than the whole header (offset 0) or
// less than the whole message (the offset is then valid).
func ParseHeader(b []byte, h *Header) (ieOffset int, st Status) {
	*h = Header{}
	if len(b) == 0 {
		return 0, Truncated
	}
	f := b[0]
	h.Version = f >> 5
	if h.Version != 2 {
		return 0, BadVersion
	}
	h.Piggyback = f&flagP != 0
	h.HasTEID = f&flagT != 0
	h.HasPriority = f&flagMP != 0
	if len(b) < 4 {
		return 0, Truncated
	}
	h.Type = MessageType(b[1])
	h.Length = binary.BigEndian.Uint16(b[2:4])
	hl := HeaderLen
	if h.HasTEID {
		hl = HeaderLenTEID
	}
	if h.Size() < hl {
		return 0, BadLength
	}
	if len(b) < hl {
		return 0, Truncated
	}
	s := b[4:]
	if h.HasTEID {
		h.TEID = binary.BigEndian.Uint32(s)
		s = s[4:]
	}
	h.Seq = uint32(s[0])<<16 | uint32(s[1])<<8 | uint32(s[2])
	if h.HasPriority {
		h.Priority = s[3] >> 4
	}
	if h.Size() > len(b) {
		return hl, Truncated
	}
	return hl, OK
}
