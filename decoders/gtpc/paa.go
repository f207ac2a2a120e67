package gtpc

import (
	"net/netip"
	"strconv"
)

// PDNType is the PDN type of a PAA (or of a PDN Type element).
type PDNType uint8

// PDN types.
const (
	PDNIPv4     PDNType = 1
	PDNIPv6     PDNType = 2
	PDNIPv4v6   PDNType = 3
	PDNNonIP    PDNType = 4
	PDNEthernet PDNType = 5
)

var pdnNames = [...]string{1: "IPv4", 2: "IPv6", 3: "IPv4v6", 4: "Non-IP", 5: "Ethernet"}

var pdnUnknown = func() (t [8]string) {
	for i := range t {
		t[i] = "PDN(" + strconv.Itoa(i) + ")"
	}
	return t
}()

// String returns the PDN type's name. It never allocates.
func (t PDNType) String() string {
	if int(t) < len(pdnNames) && pdnNames[t] != "" {
		return pdnNames[t]
	}
	return pdnUnknown[t&7]
}

// PAA is a decoded PDN Address Allocation (type 79).
type PAA struct {
	// Type is the PDN type (3 bits).
	Type PDNType
	// IPv4 is the allocated IPv4 address (IPv4 and IPv4v6), else invalid.
	IPv4 netip.Addr
	// IPv6 is the IPv6 prefix/address (IPv6 and IPv4v6), else invalid;
	// PrefixLen is its prefix length.
	IPv6      netip.Addr
	PrefixLen uint8
}

// ParsePAA decodes a PAA value. It reports false when the value is shorter
// than its PDN type needs. Non-IP and Ethernet PDNs carry no address.
func ParsePAA(v []byte) (PAA, bool) {
	if len(v) < 1 {
		return PAA{}, false
	}
	p := PAA{Type: PDNType(v[0] & 0x07)}
	v = v[1:]
	switch p.Type {
	case PDNIPv4:
		if len(v) < 4 {
			return p, false
		}
		p.IPv4 = netip.AddrFrom4([4]byte(v[:4]))
	case PDNIPv6:
		if len(v) < 17 {
			return p, false
		}
		p.PrefixLen = v[0]
		p.IPv6 = netip.AddrFrom16([16]byte(v[1:17]))
	case PDNIPv4v6:
		if len(v) < 21 {
			return p, false
		}
		p.PrefixLen = v[0]
		p.IPv6 = netip.AddrFrom16([16]byte(v[1:17]))
		p.IPv4 = netip.AddrFrom4([4]byte(v[17:21]))
	}
	return p, true
}

// PAA decodes a PAA element.
func (ie IE) PAA() (PAA, bool) {
	if ie.Type != IEPAA {
		return PAA{}, false
	}
	return ParsePAA(ie.Value)
}
