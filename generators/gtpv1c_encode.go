package generators

import (
	"encoding/binary"
	"net/netip"
)

// GTPv1-C (TS 29.060) message types, information element types and values
// the scenario generator writes with GTPCScenario.Gn.
const (
	gnEchoReq       = 1
	gnEchoResp      = 2
	gnCreateReq     = 16
	gnCreateResp    = 17
	gnUpdateReq     = 18
	gnUpdateResp    = 19
	gnDeleteReq     = 20
	gnDeleteResp    = 21
	gnCauseAccepted = 128
	gnCauseNoRes    = 199 // No resources available

	// TV elements (fixed length, no length field).
	gnIECause         = 1
	gnIEIMSI          = 2
	gnIEReordering    = 8
	gnIERecovery      = 14
	gnIESelectionMode = 15
	gnIETEIDData      = 16
	gnIETEIDControl   = 17
	gnIETeardown      = 19
	gnIENSAPI         = 20
	gnIEChargingID    = 127
	// TLV elements (2-octet length).
	gnIEEndUserAddress = 128
	gnIEAPN            = 131
	gnIEGSNAddress     = 133
	gnIEMSISDN         = 134
	gnIEQoSProfile     = 135

	// gnNSAPI is the PDP context's NSAPI (5, as the EBI of the S11 case).
	gnNSAPI = gtpcEBI
)

// gnQoS is a QoS Profile value (allocation/retention priority, then an R99
// QoS of interactive class, 8 Mbit/s both ways).
var gnQoS = []byte{0x0b, 0x13, 0x92, 0x1f, 0x73, 0x96, 0x40, 0x40, 0x74, 0xfa, 0xfa, 0xff, 0xff}

// gnWriter appends a GTPv1-C message to a reused buffer.
type gnWriter struct{ b []byte }

// header starts a message with header TEID teid and sequence number seq.
func (w *gnWriter) header(typ uint8, teid uint32, seq uint16) {
	w.b = append(w.b[:0], 0x32, typ, 0, 0) // version 1, PT, S
	w.b = binary.BigEndian.AppendUint32(w.b, teid)
	w.b = append(w.b, byte(seq>>8), byte(seq), 0, 0)
}

// done patches the length (octets after the mandatory 8-octet header).
func (w *gnWriter) done() []byte {
	binary.BigEndian.PutUint16(w.b[2:], uint16(len(w.b)-8))
	return w.b
}

func (w *gnWriter) tv8(t, v uint8) { w.b = append(w.b, t, v) }

func (w *gnWriter) tv32(t uint8, v uint32) {
	w.b = binary.BigEndian.AppendUint32(append(w.b, t), v)
}

func (w *gnWriter) tlv(t uint8, v ...[]byte) {
	n := 0
	for _, p := range v {
		n += len(p)
	}
	w.b = binary.BigEndian.AppendUint16(append(w.b, t), uint16(n))
	for _, p := range v {
		w.b = append(w.b, p...)
	}
}

// gsn writes a GSN Address element.
func (w *gnWriter) gsn(a netip.Addr) { w.tlv(gnIEGSNAddress, a.AsSlice()) }

// endUser writes an End User Address: IETF PDP type IPv4 (0x21) or IPv4v6
// (0x8D) with the addresses when known (none: a request for a dynamic
// address).
func (w *gnWriter) endUser(v4, v6 netip.Addr, dual bool) {
	typ := byte(0x21)
	if dual {
		typ = 0x8d
	}
	var a []byte
	if v4.IsValid() {
		a = v4.AsSlice()
		if dual && v6.IsValid() {
			a = append(a, v6.AsSlice()...)
		}
	}
	w.tlv(gnIEEndUserAddress, []byte{0xf1, typ}, a)
}
