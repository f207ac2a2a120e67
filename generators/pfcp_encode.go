package generators

import (
	"encoding/binary"
	"net/netip"
)

// PFCP message types and IE types the scenario generator writes (TS 29.244
// tables 7.3-1 and 8.1.2-1).
const (
	pfcpHeartbeatReq  = 1
	pfcpHeartbeatResp = 2
	pfcpAssocReq      = 5
	pfcpAssocResp     = 6
	pfcpEstReq        = 50
	pfcpEstResp       = 51
	pfcpModReq        = 52
	pfcpModResp       = 53
	pfcpDelReq        = 54
	pfcpDelResp       = 55

	ieCreatePDR         = 1
	iePDI               = 2
	ieCreateFAR         = 3
	ieForwardingParams  = 4
	ieCreatedPDR        = 8
	ieUpdateFAR         = 10
	ieUpdateForwarding  = 11
	ieCause             = 19
	ieSourceInterface   = 20
	ieFTEID             = 21
	iePrecedence        = 29
	ieDestInterface     = 42
	ieApplyAction       = 44
	iePDRID             = 56
	ieFSEID             = 57
	ieNodeID            = 60
	ieOuterHeaderCreate = 84
	ieUEIPAddress       = 93
	ieRecoveryTimeStamp = 96
	ieFARID             = 108

	// vendorIEType is a Travelping vendor-specific IE type; enterprise
	// 18681 follows the IE header.
	vendorIEType       = 32770
	enterpriseTravelpg = 18681

	causeAccepted    = 1
	causeNoResources = 75

	pfcpPort = 8805
	gtpuPort = 2152

	ifAccess = 0
	ifCore   = 1

	actionForward = 0x02
)

// ntpEpochOffset is the number of seconds from 1900-01-01 to 1970-01-01.
const ntpEpochOffset = 2208988800

// pfcpWriter appends a PFCP message to a reused buffer. Grouped IEs are
// opened with begin and closed with end, which patches their length.
type pfcpWriter struct{ b []byte }

// header starts a message; seid < 0 writes a node message (S=0).
func (w *pfcpWriter) header(typ uint8, seid int64, seq uint32) {
	w.b = w.b[:0]
	if seid >= 0 {
		w.b = append(w.b, 0x21, typ, 0, 0)
		w.b = binary.BigEndian.AppendUint64(w.b, uint64(seid))
	} else {
		w.b = append(w.b, 0x20, typ, 0, 0)
	}
	w.b = append(w.b, byte(seq>>16), byte(seq>>8), byte(seq), 0)
}

// done patches the message length and returns the message.
func (w *pfcpWriter) done() []byte {
	binary.BigEndian.PutUint16(w.b[2:], uint16(len(w.b)-4))
	return w.b
}

func (w *pfcpWriter) begin(t uint16) int {
	w.b = append(w.b, byte(t>>8), byte(t), 0, 0)
	return len(w.b)
}

func (w *pfcpWriter) end(start int) {
	binary.BigEndian.PutUint16(w.b[start-2:], uint16(len(w.b)-start))
}

func (w *pfcpWriter) u8(t uint16, v uint8) {
	s := w.begin(t)
	w.b = append(w.b, v)
	w.end(s)
}

func (w *pfcpWriter) u16(t uint16, v uint16) {
	s := w.begin(t)
	w.b = binary.BigEndian.AppendUint16(w.b, v)
	w.end(s)
}

func (w *pfcpWriter) u32(t uint16, v uint32) {
	s := w.begin(t)
	w.b = binary.BigEndian.AppendUint32(w.b, v)
	w.end(s)
}

// addr appends a's 4 or 16 bytes.
func (w *pfcpWriter) addr(a netip.Addr) { w.b = appendAddr(w.b, a) }

// nodeID writes a Node ID IE of type IPv4 (0) or IPv6 (1).
func (w *pfcpWriter) nodeID(a netip.Addr) {
	s := w.begin(ieNodeID)
	if a.Is4() {
		w.b = append(w.b, 0)
	} else {
		w.b = append(w.b, 1)
	}
	w.addr(a)
	w.end(s)
}

// fseid writes an F-SEID IE (V4 flag 0x02, V6 flag 0x01).
func (w *pfcpWriter) fseid(seid uint64, a netip.Addr) {
	s := w.begin(ieFSEID)
	if a.Is4() {
		w.b = append(w.b, 0x02)
	} else {
		w.b = append(w.b, 0x01)
	}
	w.b = binary.BigEndian.AppendUint64(w.b, seid)
	w.addr(a)
	w.end(s)
}

// fteid writes an F-TEID IE with a TEID and an address (V4 0x01, V6 0x02).
func (w *pfcpWriter) fteid(teid uint32, a netip.Addr) {
	s := w.begin(ieFTEID)
	if a.Is4() {
		w.b = append(w.b, 0x01)
	} else {
		w.b = append(w.b, 0x02)
	}
	w.b = binary.BigEndian.AppendUint32(w.b, teid)
	w.addr(a)
	w.end(s)
}

// fteidChoose writes an F-TEID IE asking the UP function to choose (CH).
func (w *pfcpWriter) fteidChoose(v6 bool) {
	flags := uint8(0x04 | 0x01)
	if v6 {
		flags = 0x04 | 0x02
	}
	w.u8(ieFTEID, flags)
}

// ueIP writes a UE IP Address IE for an IPv4 address; dst sets S/D.
func (w *pfcpWriter) ueIP(a netip.Addr, dst bool) {
	s := w.begin(ieUEIPAddress)
	flags := uint8(0x02)
	if dst {
		flags |= 0x04
	}
	w.b = append(w.b, flags)
	w.addr(a)
	w.end(s)
}

// recovery writes a Recovery Time Stamp IE for the Unix time sec.
func (w *pfcpWriter) recovery(unixSec int64) {
	w.u32(ieRecoveryTimeStamp, uint32(unixSec+ntpEpochOffset))
}

// outerHeader writes an Outer Header Creation IE for GTP-U towards peer.
func (w *pfcpWriter) outerHeader(teid uint32, peer netip.Addr) {
	s := w.begin(ieOuterHeaderCreate)
	if peer.Is4() {
		w.b = append(w.b, 0x01, 0x00)
	} else {
		w.b = append(w.b, 0x02, 0x00)
	}
	w.b = binary.BigEndian.AppendUint32(w.b, teid)
	w.addr(peer)
	w.end(s)
}

// vendor writes a Travelping vendor IE holding a 4-byte value.
func (w *pfcpWriter) vendor(v uint32) {
	s := w.begin(vendorIEType)
	w.b = binary.BigEndian.AppendUint16(w.b, enterpriseTravelpg)
	w.b = binary.BigEndian.AppendUint32(w.b, v)
	w.end(s)
}
