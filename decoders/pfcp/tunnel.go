package pfcp

import (
	"encoding/binary"
	"net/netip"
)

// F-TEID flag bits (TS 29.244 clause 8.2.3).
const (
	FTEIDv4   = 0x01 // V4: an IPv4 address is present (or to be chosen)
	FTEIDv6   = 0x02 // V6: an IPv6 address is present (or to be chosen)
	FTEIDCh   = 0x04 // CH: the UP function shall choose TEID and address
	FTEIDChID = 0x08 // CHID: a Choose ID follows
)

// FTEID is a Fully qualified TEID.
type FTEID struct {
	// Flags are the V4, V6, CH and CHID bits.
	Flags uint8
	// TEID and the addresses are present only when CH is clear.
	TEID       uint32
	IPv4, IPv6 netip.Addr
	// ChooseID groups PDRs that must share a chosen F-TEID (with CHID).
	ChooseID uint8
}

// Choose reports whether the CH bit asks the UP function to allocate the F-TEID.
func (f FTEID) Choose() bool { return f.Flags&FTEIDCh != 0 }

// HasChooseID reports whether the CHID bit is set (ChooseID is valid).
func (f FTEID) HasChooseID() bool { return f.Flags&FTEIDChID != 0 }

// FTEID decodes an F-TEID IE. With CH clear it reads the TEID and the
// addresses the V4/V6 flags announce; with CH set only the Choose ID (CHID).
func (ie IE) FTEID() (FTEID, bool) {
	var f FTEID
	v := ie.Value
	if ie.Type != IEFTEID || len(v) < 1 {
		return f, false
	}
	f.Flags = v[0]
	v = v[1:]
	if f.Choose() {
		if f.HasChooseID() {
			if len(v) < 1 {
				return f, false
			}
			f.ChooseID = v[0]
		}
		return f, true
	}
	if len(v) < 4 {
		return f, false
	}
	f.TEID = binary.BigEndian.Uint32(v)
	v = v[4:]
	var ok bool
	if f.Flags&FTEIDv4 != 0 {
		if f.IPv4, v, ok = addr4(v); !ok {
			return f, false
		}
	}
	if f.Flags&FTEIDv6 != 0 {
		if f.IPv6, _, ok = addr16(v); !ok {
			return f, false
		}
	}
	return f, true
}

func addr4(v []byte) (netip.Addr, []byte, bool) {
	if len(v) < 4 {
		return netip.Addr{}, v, false
	}
	return netip.AddrFrom4([4]byte(v[:4])), v[4:], true
}

func addr16(v []byte) (netip.Addr, []byte, bool) {
	if len(v) < 16 {
		return netip.Addr{}, v, false
	}
	return netip.AddrFrom16([16]byte(v[:16])), v[16:], true
}

// UE IP Address flag bits (TS 29.244 clause 8.2.62).
const (
	UEIPv6   = 0x01 // V6: an IPv6 address is present
	UEIPv4   = 0x02 // V4: an IPv4 address is present
	UEIPSD   = 0x04 // S/D: 0 source, 1 destination address
	UEIPv6D  = 0x08 // IPv6D: IPv6 prefix delegation bits follow
	UEIPChV4 = 0x10 // CHV4: the UP function shall allocate an IPv4 address
	UEIPChV6 = 0x20 // CHV6: the UP function shall allocate an IPv6 address
	UEIPv6PL = 0x40 // IP6PL: an IPv6 prefix length follows
)

// UEIPAddress is a UE IP Address IE.
type UEIPAddress struct {
	// Flags are the V6, V4, S/D, IPv6D, CHV4, CHV6 and IP6PL bits.
	Flags      uint8
	IPv4, IPv6 netip.Addr
	// PrefixDelegationBits is valid with IPv6D, PrefixLength with IP6PL.
	PrefixDelegationBits uint8
	PrefixLength         uint8
}

// IsDestination reports the S/D bit: the address is a destination (downlink
// PDI in the UP function) rather than a source.
func (u UEIPAddress) IsDestination() bool { return u.Flags&UEIPSD != 0 }

// UEIPAddress decodes a UE IP Address IE: flags, then an IPv4 address, an
// IPv6 address, the prefix delegation bits and the prefix length, each
// present when its flag says so.
func (ie IE) UEIPAddress() (UEIPAddress, bool) {
	var u UEIPAddress
	v := ie.Value
	if ie.Type != IEUEIPAddress || len(v) < 1 {
		return u, false
	}
	u.Flags = v[0]
	v = v[1:]
	var ok bool
	if u.Flags&UEIPv4 != 0 {
		if u.IPv4, v, ok = addr4(v); !ok {
			return u, false
		}
	}
	if u.Flags&UEIPv6 != 0 {
		if u.IPv6, v, ok = addr16(v); !ok {
			return u, false
		}
	}
	if u.Flags&UEIPv6D != 0 {
		if len(v) < 1 {
			return u, false
		}
		u.PrefixDelegationBits = v[0]
		v = v[1:]
	}
	if u.Flags&UEIPv6PL != 0 {
		if len(v) < 1 {
			return u, false
		}
		u.PrefixLength = v[0]
	}
	return u, true
}

// Outer Header Creation description bits (TS 29.244 clause 8.2.56): the
// first octet in the low 8 bits, the second in the high 8.
const (
	OHCGTPUv4 uint16 = 1 << iota // GTP-U/UDP/IPv4
	OHCGTPUv6                    // GTP-U/UDP/IPv6
	OHCUDPv4                     // UDP/IPv4
	OHCUDPv6                     // UDP/IPv6
	OHCIPv4                      // IPv4
	OHCIPv6                      // IPv6
	OHCCTag                      // C-TAG
	OHCSTag                      // S-TAG
	OHCN19                       // N19 indication
	OHCN6                        // N6 indication
)

// OuterHeaderCreation tells the UP function which outer header to add.
type OuterHeaderCreation struct {
	// Description is the 2-octet description, bits OHC*.
	Description uint16
	// TEID is present with GTP-U descriptions.
	TEID uint32
	// IPv4 and IPv6 are the peer addresses, when the description needs them.
	IPv4, IPv6 netip.Addr
	// Port is present with UDP descriptions.
	Port uint16
	// CTag and STag are the 3-octet VLAN tag fields, present with their bits.
	CTag, STag [3]byte
}

// Has reports whether every description bit of x is set.
func (o OuterHeaderCreation) Has(x uint16) bool { return o.Description&x == x }

// OuterHeaderCreation decodes an Outer Header Creation IE.
func (ie IE) OuterHeaderCreation() (OuterHeaderCreation, bool) {
	var o OuterHeaderCreation
	v := ie.Value
	if ie.Type != IEOuterHeaderCreation || len(v) < 2 {
		return o, false
	}
	o.Description = uint16(v[0]) | uint16(v[1])<<8
	v = v[2:]
	d := o.Description
	if d&(OHCGTPUv4|OHCGTPUv6) != 0 {
		if len(v) < 4 {
			return o, false
		}
		o.TEID = binary.BigEndian.Uint32(v)
		v = v[4:]
	}
	var ok bool
	if d&(OHCGTPUv4|OHCUDPv4|OHCIPv4) != 0 {
		if o.IPv4, v, ok = addr4(v); !ok {
			return o, false
		}
	}
	if d&(OHCGTPUv6|OHCUDPv6|OHCIPv6) != 0 {
		if o.IPv6, v, ok = addr16(v); !ok {
			return o, false
		}
	}
	if d&(OHCUDPv4|OHCUDPv6) != 0 {
		if len(v) < 2 {
			return o, false
		}
		o.Port = binary.BigEndian.Uint16(v)
		v = v[2:]
	}
	if d&OHCCTag != 0 {
		if len(v) < 3 {
			return o, false
		}
		o.CTag = [3]byte(v[:3])
		v = v[3:]
	}
	if d&OHCSTag != 0 {
		if len(v) < 3 {
			return o, false
		}
		o.STag = [3]byte(v[:3])
	}
	return o, true
}

// CreatedPDR is the content of a Created PDR grouped IE: the PDR's id and
// what the UP function allocated for it.
type CreatedPDR struct {
	PDRID    uint16
	HasPDRID bool
	// FTEID is the first Local F-TEID, with HasFTEID.
	FTEID    FTEID
	HasFTEID bool
	// UEIP is the first UE IP Address, with HasUEIP.
	UEIP    UEIPAddress
	HasUEIP bool
}

// CreatedPDR decodes a Created PDR grouped IE. It fails when the group is
// malformed; missing members are reported by the Has fields.
func (ie IE) CreatedPDR() (CreatedPDR, bool) {
	var c CreatedPDR
	if ie.Type != IECreatedPDR {
		return c, false
	}
	it := ie.Group()
	for it.Next() {
		m := it.IE()
		switch m.Type {
		case IEPDRID:
			if !c.HasPDRID {
				c.PDRID, c.HasPDRID = m.PDRID()
			}
		case IEFTEID:
			if !c.HasFTEID {
				c.FTEID, c.HasFTEID = m.FTEID()
			}
		case IEUEIPAddress:
			if !c.HasUEIP {
				c.UEIP, c.HasUEIP = m.UEIPAddress()
			}
		}
	}
	return c, it.Err() == nil
}
