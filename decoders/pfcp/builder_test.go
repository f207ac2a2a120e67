package pfcp

import (
	"encoding/binary"
	"net/netip"
)

// Helpers that build PFCP bytes by hand for the tests.

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func be64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func ip(s string) []byte { return netip.MustParseAddr(s).AsSlice() }

// mkIE builds a standard IE of type t whose value is the concatenation of parts.
func mkIE(t IEType, parts ...[]byte) []byte {
	v := cat(parts...)
	return cat(be16(uint16(t)), be16(uint16(len(v))), v)
}

// mkVendorIE builds a vendor IE (type ≥ 32768) with an enterprise id.
func mkVendorIE(t uint16, enterprise uint16, value []byte) []byte {
	return cat(be16(t), be16(uint16(2+len(value))), be16(enterprise), value)
}

// mkNodeMsg builds a node message (S=0) with extra header flags (FO, MP).
func mkNodeMsg(flags byte, typ MessageType, seq uint32, body ...[]byte) []byte {
	b := cat(body...)
	h := []byte{0x20 | flags&^flagS, byte(typ)}
	h = append(h, be16(uint16(4+len(b)))...)
	h = append(h, byte(seq>>16), byte(seq>>8), byte(seq), 0)
	return cat(h, b)
}

// mkSessionMsg builds a session message (S=1).
func mkSessionMsg(flags byte, typ MessageType, seid uint64, seq uint32, prio uint8, body ...[]byte) []byte {
	b := cat(body...)
	h := []byte{0x20 | flags | flagS, byte(typ)}
	h = append(h, be16(uint16(12+len(b)))...)
	h = append(h, be64(seid)...)
	h = append(h, byte(seq>>16), byte(seq>>8), byte(seq), prio<<4)
	return cat(h, b)
}

func fseidIE(seid uint64, v4, v6 string) []byte {
	var flags byte
	var addrs []byte
	if v4 != "" {
		flags |= 0x02
		addrs = append(addrs, ip(v4)...)
	}
	if v6 != "" {
		flags |= 0x01
		addrs = append(addrs, ip(v6)...)
	}
	return mkIE(IEFSEID, []byte{flags}, be64(seid), addrs)
}

func nodeIDv4(a string) []byte { return mkIE(IENodeID, []byte{0}, ip(a)) }

func fteidIE(teid uint32, v4 string) []byte {
	return mkIE(IEFTEID, []byte{FTEIDv4}, be32(teid), ip(v4))
}

func ueIPv4(a string, dst bool) []byte {
	f := byte(UEIPv4)
	if dst {
		f |= UEIPSD
	}
	return mkIE(IEUEIPAddress, []byte{f}, ip(a))
}

// sessionEstablishmentRequest builds a realistic request: Node ID, CP
// F-SEID, two Create PDRs (uplink with CH F-TEID, downlink with a UE IP),
// two Create FARs, a Create QER, a Create URR and a PDN Type.
func sessionEstablishmentRequest(seq uint32) []byte {
	pdrUL := mkIE(IECreatePDR,
		mkIE(IEPDRID, be16(1)),
		mkIE(IEPrecedence, be32(255)),
		mkIE(IEPDI,
			mkIE(IESourceInterface, []byte{0}),
			mkIE(IEFTEID, []byte{FTEIDv4 | FTEIDCh | FTEIDChID, 5}),
			mkIE(IENetworkInstance, []byte("\x08internet")),
			ueIPv4("10.45.0.2", false),
		),
		mkIE(IEOuterHeaderRemoval, []byte{0}),
		mkIE(IEFARID, be32(1)),
		mkIE(IEQERID, be32(1)),
	)
	pdrDL := mkIE(IECreatePDR,
		mkIE(IEPDRID, be16(2)),
		mkIE(IEPrecedence, be32(255)),
		mkIE(IEPDI,
			mkIE(IESourceInterface, []byte{1}),
			mkIE(IENetworkInstance, []byte("internet")),
			ueIPv4("10.45.0.2", true),
		),
		mkIE(IEFARID, be32(2)),
		mkIE(IEURRID, be32(1)),
	)
	farUL := mkIE(IECreateFAR,
		mkIE(IEFARID, be32(1)),
		mkIE(IEApplyAction, []byte{0x02}),
		mkIE(IEForwardingParameters, mkIE(IEDestinationInterface, []byte{1})),
	)
	farDL := mkIE(IECreateFAR,
		mkIE(IEFARID, be32(2)),
		mkIE(IEApplyAction, []byte{0x02, 0x00}),
		mkIE(IEForwardingParameters,
			mkIE(IEDestinationInterface, []byte{0}),
			mkIE(IEOuterHeaderCreation, []byte{0x01, 0x00}, be32(0x1234), ip("192.168.1.10")),
		),
	)
	qer := mkIE(IECreateQER, mkIE(IEQERID, be32(1)), mkIE(25, []byte{0}))
	urr := mkIE(IECreateURR, mkIE(IEURRID, be32(1)), mkIE(62, []byte{0x02}), mkIE(37, []byte{0x01, 0x00}))
	return mkSessionMsg(0, SessionEstablishmentRequest, 0, seq, 0,
		nodeIDv4("10.0.0.1"),
		fseidIE(0x1111, "10.0.0.1", ""),
		pdrUL, pdrDL, farUL, farDL, qer, urr,
		mkIE(113, []byte{1}),
	)
}
