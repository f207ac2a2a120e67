package gtpu

import "strconv"

// ExtensionType is the "next extension header type" octet (TS 29.281 figure
// 5.2.1-3).
type ExtensionType uint8

// Extension header types.
const (
	ExtNone                    ExtensionType = 0x00
	ExtMBMSSupportIndication   ExtensionType = 0x01
	ExtMSInfoChangeReporting   ExtensionType = 0x02
	ExtServiceClassIndicator   ExtensionType = 0x20
	ExtUDPPort                 ExtensionType = 0x40
	ExtRANContainer            ExtensionType = 0x81
	ExtLongPDCPPDUNumber       ExtensionType = 0x82
	ExtXwRANContainer          ExtensionType = 0x83
	ExtNRRANContainer          ExtensionType = 0x84
	ExtPDUSessionContainer     ExtensionType = 0x85
	ExtPDCPPDUNumber           ExtensionType = 0xc0
	ExtSuspendRequest          ExtensionType = 0xc1
	ExtSuspendResponse         ExtensionType = 0xc2
	extLongPDCPPDUNumberLegacy ExtensionType = 0x03
)

var extNames = func() (t [256]string) {
	named := map[ExtensionType]string{
		ExtNone:                    "No more extension headers",
		ExtMBMSSupportIndication:   "MBMS support indication",
		ExtMSInfoChangeReporting:   "MS Info Change Reporting support indication",
		extLongPDCPPDUNumberLegacy: "Long PDCP PDU Number",
		ExtServiceClassIndicator:   "Service Class Indicator",
		ExtUDPPort:                 "UDP Port",
		ExtRANContainer:            "RAN Container",
		ExtLongPDCPPDUNumber:       "Long PDCP PDU Number",
		ExtXwRANContainer:          "Xw RAN Container",
		ExtNRRANContainer:          "NR RAN Container",
		ExtPDUSessionContainer:     "PDU Session Container",
		ExtPDCPPDUNumber:           "PDCP PDU Number",
		ExtSuspendRequest:          "Suspend Request",
		ExtSuspendResponse:         "Suspend Response",
	}
	for i := range t {
		if n, ok := named[ExtensionType(i)]; ok {
			t[i] = n
		} else {
			t[i] = "Extension(0x" + strconv.FormatUint(uint64(i), 16) + ")"
		}
	}
	return t
}()

// String returns the extension header type's name. It never allocates.
func (t ExtensionType) String() string { return extNames[t] }

// PDU types of a PDU Session Container (TS 38.415).
const (
	PDUTypeDL uint8 = 0 // DL PDU SESSION INFORMATION
	PDUTypeUL uint8 = 1 // UL PDU SESSION INFORMATION
)

// PDUSession holds the fields pcapflow keeps from a PDU Session Container
// extension header (type 0x85, TS 38.415 section 5.5.2).
type PDUSession struct {
	// Present is true when the chain held a PDU Session Container.
	Present bool
	// PDUType is PDUTypeDL (0) or PDUTypeUL (1); other values are kept as sent.
	PDUType uint8
	// QFI is the QoS Flow Identifier (6 bits).
	QFI uint8
	// RQI (Reflective QoS Indicator) and PPP (Paging Policy Presence) are
	// only defined for DL; they stay false for UL.
	RQI, PPP bool
	// PPI is the Paging Policy Indicator (3 bits), valid when PPP is set
	// and the octet is present.
	PPI uint8
}

// parse reads the container's content (without the length and next-type
// octets). It reports false when the content is too short.
func (p *PDUSession) parse(c []byte) bool {
	if len(c) < 2 {
		return false
	}
	p.Present = true
	p.PDUType = c[0] >> 4
	p.QFI = c[1] & 0x3f
	if p.PDUType == PDUTypeDL {
		p.PPP = c[1]&0x80 != 0
		p.RQI = c[1]&0x40 != 0
		if p.PPP && len(c) > 2 {
			p.PPI = c[2] >> 5
		}
	}
	return true
}
