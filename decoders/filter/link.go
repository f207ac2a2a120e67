package filter

import "strconv"

// linkClass groups link types by how libpcap finds their headers.
type linkClass uint8

const (
	linkUnknown linkClass = iota
	linkEthernet
	linkSLL
	linkSLL2
	linkNull // BSD loopback: family in the capturing host's byte order
	linkLoop // OpenBSD loopback: family in network byte order
	linkRaw  // raw IP: version from the first nibble
	linkIPv4
	linkIPv6
	// PPP links: a PPP protocol field at byte 2 (after ff 03), or at byte
	// 6 after a PPPoE header; Cisco HDLC: an Ethertype at byte 2.
	linkPPP
	linkPPPSerial
	linkPPPoE
	linkCHDLC
	numLinkClasses
)

// LINKTYPE_* numbers.
const (
	ltNull     = 0
	ltEthernet = 1
	ltRaw12    = 12
	ltRaw14    = 14
	ltPPP      = 9
	ltPPPHDLC  = 50
	ltPPPoE    = 51
	ltRaw      = 101
	ltCHDLC    = 104
	ltLoop     = 108
	ltSLL      = 113
	ltIPv4     = 228
	ltIPv6     = 229
	ltSLL2     = 276
)

func classOf(linkType uint16) linkClass {
	switch linkType {
	case ltEthernet:
		return linkEthernet
	case ltSLL:
		return linkSLL
	case ltSLL2:
		return linkSLL2
	case ltNull:
		return linkNull
	case ltLoop:
		return linkLoop
	case ltRaw, ltRaw12, ltRaw14:
		return linkRaw
	case ltIPv4:
		return linkIPv4
	case ltIPv6:
		return linkIPv6
	case ltPPP:
		return linkPPP
	case ltPPPHDLC:
		return linkPPPSerial
	case ltPPPoE:
		return linkPPPoE
	case ltCHDLC:
		return linkCHDLC
	}
	return linkUnknown
}

// payloadOffset is where the network header starts for each class.
var payloadOffset = [numLinkClasses]int32{
	linkEthernet: 14, linkSLL: 16, linkSLL2: 20, linkNull: 4, linkLoop: 4,
	linkPPP: 4, linkPPPSerial: 4, linkPPPoE: 8, linkCHDLC: 4,
}

// linkNames are libpcap's descriptions, used in its error messages.
var linkNames = [...]string{
	linkEthernet: "Ethernet", linkSLL: "Linux cooked v1", linkSLL2: "Linux cooked v2",
	linkNull: "BSD loopback", linkLoop: "OpenBSD loopback", linkRaw: "Raw IP",
	linkIPv4: "Raw IPv4", linkIPv6: "Raw IPv6",
	linkPPP: "PPP", linkPPPSerial: "PPP over serial", linkPPPoE: "PPPoE", linkCHDLC: "Cisco HDLC",
}

// needs records which link-dependent features a filter uses.
type needs uint16

const (
	needEtherAddr needs = 1 << iota
	needBroadcast
	needMulticast
	needVLAN
	needMPLS
	// The needs below fail on every link type: libpcap refuses a protocol
	// other than IPv4 and IPv6 over MPLS, and VLAN tags, Ethernet addresses
	// and link-layer broadcast or multicast after "pppoes" (which makes the
	// link PPP). They are needs rather than compile errors because libpcap
	// reports a link type's own refusal first when one comes earlier in the
	// expression ("vlan and pppoes and vlan" on a Linux cooked capture).
	needMPLSProto
	needPPPVLAN
	needPPPEtherAddr
	needPPPBroadcast
	needPPPMulticast
)

// failsOn reports whether a filter with need n cannot run on link class c.
func (n needs) failsOn(c linkClass) bool {
	switch n {
	case needMPLSProto, needPPPVLAN, needPPPEtherAddr, needPPPBroadcast, needPPPMulticast:
		return true
	case needMPLS:
		// libpcap reads MPLS on Ethernet, PPP and Cisco HDLC links.
		return c != linkEthernet && c != linkPPP && c != linkCHDLC
	}
	return c != linkEthernet
}

// refusal is libpcap's message when need n cannot be met on link class c.
func (n needs) refusal(c linkClass) string {
	switch n {
	case needEtherAddr, needPPPEtherAddr:
		return "ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel"
	case needBroadcast, needPPPBroadcast:
		return "not a broadcast link"
	case needMulticast, needPPPMulticast:
		return "link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel"
	case needVLAN:
		return "no VLAN support for " + linkNames[c]
	case needPPPVLAN:
		return "no VLAN support for PPP"
	case needMPLS:
		return "no MPLS support for " + linkNames[c]
	}
	return "unsupported protocol over mpls"
}

// Check reports whether the filter can run on frames of linkType, with the
// error tcpdump gives when it cannot (for example "no VLAN support for
// Linux cooked v1"): that of the first need, in expression order, the link
// type cannot meet. Match rejects every frame of a link type Check refuses.
func (f *Filter) Check(linkType uint16) error {
	c := classOf(linkType)
	if c == linkUnknown {
		return &LinkError{LinkType: linkType, Msg: "pcapflow filters do not support link type " + strconv.Itoa(int(linkType))}
	}
	if n := f.refused(c); n != 0 {
		return &LinkError{LinkType: linkType, Msg: n.refusal(c)}
	}
	return nil
}

// refused returns the first need, in expression order, that link class c
// cannot meet, or 0.
func (f *Filter) refused(c linkClass) needs {
	for _, n := range f.order {
		if n.failsOn(c) {
			return n
		}
	}
	return 0
}
