package gtpu

import "encoding/binary"

// Flag bits of the first header octet.
const (
	flagPT = 0x10
	flagE  = 0x04
	flagS  = 0x02
	flagPN = 0x01
)

// HeaderLen is the length of the mandatory GTPv1 header; OptionalLen the
// length of the sequence number, N-PDU number and next extension type that
// follow it when any of E, S or PN is set.
const (
	HeaderLen   = 8
	OptionalLen = 4
)

// MaxExtensions is the number of extension header types Header records; a
// longer chain is still walked and counted in NumExtensions.
const MaxExtensions = 8

// Header is a decoded GTPv1 header. Parse resets every field, so one Header
// can be reused for every packet.
type Header struct {
	// Version is the 3-bit version (1 for GTPv1; Parse reports BadVersion
	// for any other, having filled only Version and PT).
	Version uint8
	// PT is the protocol type bit: true for GTP, false for GTP'.
	PT bool
	// E, S and PN are the extension header, sequence number and N-PDU
	// number flags.
	E, S, PN bool
	// Type is the message type.
	Type MessageType
	// Length is the length field: bytes after the mandatory 8-octet header.
	Length uint16
	// TEID is the tunnel endpoint identifier.
	TEID uint32
	// Seq is the sequence number (meaningful when S is set).
	Seq uint16
	// NPDU is the N-PDU number (meaningful when PN is set).
	NPDU uint8
	// Extensions holds the types of the first MaxExtensions extension
	// headers, in chain order; NumExtensions counts all of them.
	Extensions    [MaxExtensions]ExtensionType
	NumExtensions uint8
	// PDUSession is the first PDU Session Container of the chain
	// (valid when PDUSession.Present).
	PDUSession PDUSession
	// Offset is where the content after the header and its extension
	// headers starts; End is where the message ends (HeaderLen+Length,
	// clipped to the available bytes).
	Offset, End int
}

// Parse decodes the GTPv1 header at the start of b into h and returns the
// offset of the message content (h.Offset): for a G-PDU, the tunnelled
// packet; for other messages, their information elements. With a status
// other than OK the offset is 0 unless the status is Truncated and the
// header itself was complete. Parse never allocates and never panics.
func Parse(b []byte, h *Header) (payloadOffset int, st Status) {
	*h = Header{}
	if len(b) == 0 {
		return 0, Truncated
	}
	f := b[0]
	h.Version = f >> 5
	h.PT = f&flagPT != 0
	if h.Version != 1 {
		return 0, BadVersion
	}
	if !h.PT {
		return 0, NotGTP
	}
	if len(b) < HeaderLen {
		return 0, Truncated
	}
	h.E, h.S, h.PN = f&flagE != 0, f&flagS != 0, f&flagPN != 0
	h.Type = MessageType(b[1])
	h.Length = binary.BigEndian.Uint16(b[2:4])
	h.TEID = binary.BigEndian.Uint32(b[4:8])

	end := HeaderLen + int(h.Length)
	clipped := false
	if end > len(b) {
		end, clipped = len(b), true
	}
	h.End = end
	off := HeaderLen
	if f&(flagE|flagS|flagPN) != 0 {
		if h.Length < OptionalLen {
			return 0, BadLength
		}
		if end < HeaderLen+OptionalLen {
			return 0, Truncated
		}
		h.Seq = binary.BigEndian.Uint16(b[8:10])
		h.NPDU = b[10]
		next := ExtensionType(b[11])
		off = HeaderLen + OptionalLen
		if h.E {
			var st Status
			off, st = h.walkExtensions(b[:end], off, next)
			if st != OK {
				if st == BadLength && clipped {
					st = Truncated
				}
				h.Offset = 0
				return 0, st
			}
		}
	}
	h.Offset = off
	if clipped {
		return off, Truncated
	}
	return off, OK
}

// walkExtensions follows the extension header chain starting with type next
// at off, within b (already cut at the message end). It returns the offset
// after the last extension header. A chain that runs past b reports
// BadLength (turned into Truncated by the caller when b was clipped).
func (h *Header) walkExtensions(b []byte, off int, next ExtensionType) (int, Status) {
	for next != ExtNone {
		if off >= len(b) {
			return off, BadLength
		}
		n := int(b[off]) * 4
		if n == 0 {
			return off, BadExtension
		}
		if off+n > len(b) {
			return off, BadLength
		}
		if int(h.NumExtensions) < MaxExtensions {
			h.Extensions[h.NumExtensions] = next
		}
		if h.NumExtensions < 255 {
			h.NumExtensions++
		}
		content := b[off+1 : off+n-1]
		if next == ExtPDUSessionContainer && !h.PDUSession.Present {
			if !h.PDUSession.parse(content) {
				return off, BadExtension
			}
		}
		next = ExtensionType(b[off+n-1])
		off += n
	}
	return off, OK
}

// Inner returns the tunnelled packet of a G-PDU parsed into h from b (the
// same bytes), or nil for any other message type.
func (h *Header) Inner(b []byte) []byte {
	if h.Type != GPDU || h.Offset == 0 || h.End > len(b) || h.Offset > h.End {
		return nil
	}
	return b[h.Offset:h.End:h.End]
}

// Body returns the content after the header and extension headers of the
// message parsed into h from b: the information elements of a signalling
// message, or the tunnelled packet of a G-PDU.
func (h *Header) Body(b []byte) []byte {
	if h.Offset == 0 || h.End > len(b) || h.Offset > h.End {
		return nil
	}
	return b[h.Offset:h.End:h.End]
}

// HasExtension reports whether the chain held an extension header of type t
// among the first MaxExtensions.
func (h *Header) HasExtension(t ExtensionType) bool {
	n := min(int(h.NumExtensions), MaxExtensions)
	for _, x := range h.Extensions[:n] {
		if x == t {
			return true
		}
	}
	return false
}

// InnerIPVersion returns 4 or 6 for the IP version of a G-PDU's tunnelled
// packet, or 0 when h is not a G-PDU or the packet is empty or not IP.
func (h *Header) InnerIPVersion(b []byte) uint8 {
	in := h.Inner(b)
	if len(in) == 0 {
		return 0
	}
	switch v := in[0] >> 4; v {
	case 4, 6:
		return v
	}
	return 0
}
