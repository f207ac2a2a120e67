package gtpc

import (
	"encoding/binary"
	"net/netip"
	"strconv"
)

// InterfaceType is the interface type of an F-TEID (TS 29.274 section 8.22).
type InterfaceType uint8

var ifaceNames = func() (t [64]string) {
	named := [...]string{
		0: "S1-U eNodeB GTP-U", 1: "S1-U SGW GTP-U", 2: "S12 RNC GTP-U", 3: "S12 SGW GTP-U",
		4: "S5/S8 SGW GTP-U", 5: "S5/S8 PGW GTP-U", 6: "S5/S8 SGW GTP-C", 7: "S5/S8 PGW GTP-C",
		8: "S5/S8 SGW PMIPv6", 9: "S5/S8 PGW PMIPv6", 10: "S11 MME GTP-C", 11: "S11/S4 SGW GTP-C",
		12: "S10/N26 MME GTP-C", 13: "S3 MME GTP-C", 14: "S3 SGSN GTP-C", 15: "S4 SGSN GTP-U",
		16: "S4 SGW GTP-U", 17: "S4 SGSN GTP-C", 18: "S16 SGSN GTP-C",
		19: "eNodeB/gNodeB GTP-U DL data forwarding", 20: "eNodeB GTP-U UL data forwarding",
		21: "RNC GTP-U data forwarding", 22: "SGSN GTP-U data forwarding",
		23: "SGW/UPF GTP-U DL data forwarding", 24: "Sm MBMS GW GTP-C", 25: "Sn MBMS GW GTP-C",
		26: "Sm MME GTP-C", 27: "Sn SGSN GTP-C", 28: "SGW GTP-U UL data forwarding",
		29: "Sn SGSN GTP-U", 30: "S2b ePDG GTP-C", 31: "S2b-U ePDG GTP-U", 32: "S2b PGW GTP-C",
		33: "S2b-U PGW GTP-U", 34: "S2a TWAN GTP-U", 35: "S2a TWAN GTP-C", 36: "S2a PGW GTP-C",
		37: "S2a PGW GTP-U", 38: "S11 MME GTP-U", 39: "S11 SGW GTP-U", 40: "N26 AMF GTP-C",
		41: "N19mb UPF GTP-U",
	}
	for i := range t {
		if i < len(named) && named[i] != "" {
			t[i] = named[i]
		} else {
			t[i] = "interface(" + strconv.Itoa(i) + ")"
		}
	}
	return t
}()

// String returns the interface's name. It never allocates.
func (t InterfaceType) String() string { return ifaceNames[t&0x3f] }

// FTEID is a decoded Fully Qualified TEID (type 87).
type FTEID struct {
	// Interface is the 6-bit interface type.
	Interface InterfaceType
	// TEID is the TEID, or the GRE key for PMIPv6 interfaces.
	TEID uint32
	// IPv4 and IPv6 are the addresses present (V4 and V6 flags); an absent
	// one is the zero netip.Addr.
	IPv4, IPv6 netip.Addr
}

// ParseFTEID decodes an F-TEID value. It reports false when the value is
// shorter than its flags say.
func ParseFTEID(v []byte) (FTEID, bool) {
	if len(v) < 5 {
		return FTEID{}, false
	}
	f := FTEID{Interface: InterfaceType(v[0] & 0x3f), TEID: binary.BigEndian.Uint32(v[1:5])}
	p := v[5:]
	if v[0]&0x80 != 0 {
		if len(p) < 4 {
			return f, false
		}
		f.IPv4 = netip.AddrFrom4([4]byte(p[:4]))
		p = p[4:]
	}
	if v[0]&0x40 != 0 {
		if len(p) < 16 {
			return f, false
		}
		f.IPv6 = netip.AddrFrom16([16]byte(p[:16]))
	}
	return f, true
}

// FTEID decodes an F-TEID element.
func (ie IE) FTEID() (FTEID, bool) {
	if ie.Type != IEFTEID {
		return FTEID{}, false
	}
	return ParseFTEID(ie.Value)
}
