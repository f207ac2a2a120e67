package gtpu

import (
	"encoding/binary"
	"net/netip"
)

// ErrorIndicationInfo holds the information elements of an Error Indication
// (TS 29.281 section 7.3.1): the TEID the sender could not find and the
// address of the GTP-U entity that sent it.
type ErrorIndicationInfo struct {
	// TEID is the TEID Data I value; HasTEID says it was present.
	TEID    uint32
	HasTEID bool
	// Peer is the GSN Address (IPv4 or IPv6); invalid when absent.
	Peer netip.Addr
	// UDPPort is the source port from a UDP Port extension header, when
	// the message carried one (0 otherwise).
	UDPPort uint16
}

// ParseErrorIndication decodes the IEs of an Error Indication parsed into h
// from b. It returns BadIE when an element cannot be walked or a mandatory
// one is malformed, Truncated when the message was cut.
func ParseErrorIndication(b []byte, h *Header, e *ErrorIndicationInfo) Status {
	*e = ErrorIndicationInfo{}
	it := IEs(h.Body(b))
	for it.Next() {
		ie := it.IE()
		switch ie.Type {
		case IETEIDDataI:
			e.TEID, e.HasTEID = binary.BigEndian.Uint32(ie.Value), true
		case IEGSNAddress:
			a, ok := GSNAddress(ie.Value)
			if !ok {
				return BadIE
			}
			e.Peer = a
		}
	}
	if it.st != OK {
		if h.End < HeaderLen+int(h.Length) {
			return Truncated
		}
		return it.st
	}
	if h.HasExtension(ExtUDPPort) {
		e.UDPPort = udpPortExtension(b, h)
	}
	return OK
}

// udpPortExtension finds the UDP Port extension header in the chain of the
// message parsed into h from b and returns its port.
func udpPortExtension(b []byte, h *Header) uint16 {
	if !h.E || len(b) < HeaderLen+OptionalLen {
		return 0
	}
	next := ExtensionType(b[11])
	off := HeaderLen + OptionalLen
	for next != ExtNone && off < h.Offset {
		n := int(b[off]) * 4
		if n == 0 || off+n > h.Offset {
			return 0
		}
		if next == ExtUDPPort && n >= 4 {
			return binary.BigEndian.Uint16(b[off+1 : off+3])
		}
		next = ExtensionType(b[off+n-1])
		off += n
	}
	return 0
}
