package generators

import (
	"encoding/binary"
	"net/netip"
)

// GTPv2-C message types, IE types and values the scenario generator
// writes (TS 29.274 tables 6.1-1 and 8.1-1, clauses 8.x).
const (
	gtpcEchoReq   = 1
	gtpcEchoResp  = 2
	gtpcCSReq     = 32
	gtpcCSResp    = 33
	gtpcMBReq     = 34
	gtpcMBResp    = 35
	gtpcDSReq     = 36
	gtpcDSResp    = 37
	gtpcPort      = 2123
	gtpcVersion2  = 2 << 5
	gtpcFlagTEID  = 0x08
	gtpcIELen     = 4
	gtpcHeaderLen = 12

	gtpcIEIMSI          = 1
	gtpcIECause         = 2
	gtpcIERecovery      = 3
	gtpcIEAPN           = 71
	gtpcIEAMBR          = 72
	gtpcIEEBI           = 73
	gtpcIEMEI           = 75
	gtpcIEMSISDN        = 76
	gtpcIEPAA           = 79
	gtpcIEBearerQoS     = 80
	gtpcIERATType       = 82
	gtpcIEServingNet    = 83
	gtpcIEFTEID         = 87
	gtpcIEBearerContext = 93
	gtpcIEChargingID    = 94
	gtpcIEPDNType       = 99
	gtpcIEAPNRestrict   = 127
	gtpcIESelectionMode = 128

	// F-TEID interface types (clause 8.22).
	ifS1UENB   = 0
	ifS1USGW   = 1
	ifS5PGWU   = 5
	ifS5PGWC   = 7
	ifS11MME   = 10
	ifS11S4SGW = 11

	gtpcCauseAccepted    = 16
	gtpcCauseNoResources = 73

	// pdnIPv4 and pdnIPv4v6 are PDN types (clause 8.34).
	pdnIPv4   = 1
	pdnIPv4v6 = 3

	// gtpcEBI is the default bearer's EPS bearer id.
	gtpcEBI = 5
)

// gtpcWriter appends a GTPv2-C message to a reused buffer. Grouped IEs are
// opened with begin and closed with end, which patches their length.
type gtpcWriter struct{ b []byte }

// header starts a message; teid < 0 writes a header without TEID (Echo).
func (w *gtpcWriter) header(typ uint8, teid int64, seq uint32) {
	w.b = w.b[:0]
	if teid >= 0 {
		w.b = append(w.b, gtpcVersion2|gtpcFlagTEID, typ, 0, 0)
		w.b = binary.BigEndian.AppendUint32(w.b, uint32(teid))
	} else {
		w.b = append(w.b, gtpcVersion2, typ, 0, 0)
	}
	w.b = append(w.b, byte(seq>>16), byte(seq>>8), byte(seq), 0)
}

// done patches the message length (octets after the first four).
func (w *gtpcWriter) done() []byte {
	binary.BigEndian.PutUint16(w.b[2:], uint16(len(w.b)-4))
	return w.b
}

// begin writes an IE header with a zero length and returns where its
// value starts.
func (w *gtpcWriter) begin(t, inst uint8) int {
	w.b = append(w.b, t, 0, 0, inst&0x0f)
	return len(w.b)
}

func (w *gtpcWriter) end(start int) {
	binary.BigEndian.PutUint16(w.b[start-3:], uint16(len(w.b)-start))
}

func (w *gtpcWriter) u8(t, inst, v uint8) {
	s := w.begin(t, inst)
	w.b = append(w.b, v)
	w.end(s)
}

func (w *gtpcWriter) u32(t, inst uint8, v uint32) {
	s := w.begin(t, inst)
	w.b = binary.BigEndian.AppendUint32(w.b, v)
	w.end(s)
}

func (w *gtpcWriter) raw(t, inst uint8, v []byte) {
	s := w.begin(t, inst)
	w.b = append(w.b, v...)
	w.end(s)
}

// tbcd writes the n decimal digits of v as a TBCD IE (see appendTBCD).
func (w *gtpcWriter) tbcd(t uint8, v uint64, n int) {
	s := w.begin(t, 0)
	w.b = appendTBCD(w.b, v, n)
	w.end(s)
}

// appendTBCD appends the n decimal digits of v (most significant first) in
// TBCD: two digits per octet, the first in the low nibble, an odd count
// padded with the filler 0xF.
func appendTBCD(b []byte, v uint64, n int) []byte {
	var d [20]byte
	for i := n - 1; i >= 0; i-- {
		d[i] = byte(v % 10)
		v /= 10
	}
	for i := 0; i < n; i += 2 {
		hi := byte(0x0f)
		if i+1 < n {
			hi = d[i+1]
		}
		b = append(b, hi<<4|d[i])
	}
	return b
}

// cause writes a Cause IE (value, then the PCE/BCE/CS flags octet).
func (w *gtpcWriter) cause(v uint8) {
	s := w.begin(gtpcIECause, 0)
	w.b = append(w.b, v, 0)
	w.end(s)
}

// fteid writes an F-TEID IE: V4 (0x80) or V6 (0x40) flag with the
// interface type, the TEID and the address.
func (w *gtpcWriter) fteid(inst, iface uint8, teid uint32, a netip.Addr) {
	s := w.begin(gtpcIEFTEID, inst)
	flag := uint8(0x80)
	if a.Is6() {
		flag = 0x40
	}
	w.b = append(w.b, flag|iface&0x3f)
	w.b = binary.BigEndian.AppendUint32(w.b, teid)
	w.addr(a)
	w.end(s)
}

// addr appends a's 4 or 16 bytes.
func (w *gtpcWriter) addr(a netip.Addr) { w.b = appendAddr(w.b, a) }

// paa writes a PDN Address Allocation: IPv4 (type 1: the address) or
// IPv4v6 (type 3: prefix length, IPv6 prefix and interface identifier,
// then the IPv4 address). Invalid addresses are written as zeros (a
// request for a dynamic address).
func (w *gtpcWriter) paa(v4, v6 netip.Addr, dual bool) {
	s := w.begin(gtpcIEPAA, 0)
	if dual {
		w.b = append(w.b, pdnIPv4v6, 64)
		if v6.IsValid() {
			w.addr(v6)
		} else {
			var zero [16]byte
			w.b = append(w.b, zero[:]...)
		}
	} else {
		w.b = append(w.b, pdnIPv4)
	}
	if v4.IsValid() {
		w.addr(v4)
	} else {
		w.b = append(w.b, 0, 0, 0, 0)
	}
	w.end(s)
}

// servingNetwork writes the PLMN (MCC and MNC digits) as a Serving Network
// IE: MCC2|MCC1, MNC3|MCC3 (0xF for a two-digit MNC), MNC2|MNC1.
func (w *gtpcWriter) servingNetwork(plmn string) {
	d := func(i int) byte { return plmn[i] - '0' }
	mnc3 := byte(0x0f)
	if len(plmn) == 6 {
		mnc3 = d(5)
	}
	s := w.begin(gtpcIEServingNet, 0)
	w.b = append(w.b, d(1)<<4|d(0), mnc3<<4|d(2), d(4)<<4|d(3))
	w.end(s)
}

// ambr writes an AMBR IE: uplink and downlink in kbit/s.
func (w *gtpcWriter) ambr(ul, dl uint32) {
	s := w.begin(gtpcIEAMBR, 0)
	w.b = binary.BigEndian.AppendUint32(w.b, ul)
	w.b = binary.BigEndian.AppendUint32(w.b, dl)
	w.end(s)
}

// bearerQoS writes a Bearer QoS IE for a non-GBR bearer: ARP (priority
// level 9, PCI set: may not pre-empt; PVI clear: may be pre-empted), QCI,
// then zero MBR and GBR (4 × 5
// octets).
func (w *gtpcWriter) bearerQoS(qci uint8) {
	s := w.begin(gtpcIEBearerQoS, 0)
	w.b = append(w.b, 0x40|9<<2, qci)
	for range 20 {
		w.b = append(w.b, 0)
	}
	w.end(s)
}
