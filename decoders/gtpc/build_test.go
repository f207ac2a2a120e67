package gtpc

import (
	"encoding/binary"
	"net/netip"
)

// mkIE builds one information element.
func mkIE(t IEType, inst uint8, v ...byte) []byte {
	b := []byte{byte(t), 0, 0, inst & 0x0f}
	binary.BigEndian.PutUint16(b[1:], uint16(len(v)))
	return append(b, v...)
}

// cat joins byte slices.
func cat(parts ...[]byte) (b []byte) {
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// mkGroup builds a grouped element from its members.
func mkGroup(t IEType, inst uint8, members ...[]byte) []byte {
	return mkIE(t, inst, cat(members...)...)
}

// hdr describes a message header to build.
type hdr struct {
	p, mp   bool
	noTEID  bool
	typ     MessageType
	teid    uint32
	seq     uint32
	prio    uint8
	lenDiff int // added to the computed length field
}

// mkMsg builds a message from a header description and its elements.
func mkMsg(h hdr, ies ...[]byte) []byte {
	f := byte(2 << 5)
	if h.p {
		f |= flagP
	}
	if !h.noTEID {
		f |= flagT
	}
	if h.mp {
		f |= flagMP
	}
	b := []byte{f, byte(h.typ), 0, 0}
	if !h.noTEID {
		b = binary.BigEndian.AppendUint32(b, h.teid)
	}
	b = append(b, byte(h.seq>>16), byte(h.seq>>8), byte(h.seq), h.prio<<4)
	b = append(b, cat(ies...)...)
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)-4+h.lenDiff))
	return b
}

func fteidV(iface uint8, teid uint32, v4, v6 string) []byte {
	f := iface & 0x3f
	var tail []byte
	if v4 != "" {
		f |= 0x80
		tail = append(tail, netip.MustParseAddr(v4).AsSlice()...)
	}
	if v6 != "" {
		f |= 0x40
		tail = append(tail, netip.MustParseAddr(v6).AsSlice()...)
	}
	return cat([]byte{f}, binary.BigEndian.AppendUint32(nil, teid), tail)
}

// Frequently used elements.
var (
	imsiIE    = mkIE(IEIMSI, 0, 0x21, 0x43, 0x65, 0x87, 0x09, 0x21, 0x43, 0xf5) // 123456789012345
	msisdnIE  = mkIE(IEMSISDN, 0, 0x94, 0x71, 0x52, 0x30, 0x30)                 // 4917250303
	ratIE     = mkIE(IERATType, 0, 6)
	senderIE  = mkIE(IEFTEID, 0, fteidV(10, 0x1111, "192.0.2.1", "")...)
	pgwIE     = mkIE(IEFTEID, 1, fteidV(7, 0, "192.0.2.9", "")...)
	apnIE     = mkIE(IEAPN, 0, 8, 'i', 'n', 't', 'e', 'r', 'n', 'e', 't')
	paaReqIE  = mkIE(IEPAA, 0, 1, 0, 0, 0, 0)
	recovIE   = mkIE(IERecovery, 0, 5)
	qosIE     = mkIE(IEBearerQoS, 0, 0x49, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	bearerReq = mkGroup(IEBearerContext, 0, mkIE(IEEBI, 0, 5), mkIE(IEFTEID, 2, fteidV(4, 0x2222, "192.0.2.1", "")...), qosIE)
)

// createSessionRequest is a complete hand-built Create Session Request.
var createSessionRequest = mkMsg(hdr{typ: CreateSessionRequest, seq: 0x4b5462},
	imsiIE, msisdnIE, mkIE(IEMEI, 0, 0x53, 0x61, 0x10, 0x70, 0x52, 0x34, 0x87, 0x60), ratIE, senderIE, pgwIE, apnIE, paaReqIE, recovIE, bearerReq)
