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
)

// LINKTYPE_* numbers.
const (
	ltNull     = 0
	ltEthernet = 1
	ltRaw12    = 12
	ltRaw14    = 14
	ltRaw      = 101
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
	}
	return linkUnknown
}

// payloadOffset is where the network header starts for each class.
var payloadOffset = [linkIPv6 + 1]int32{
	linkEthernet: 14, linkSLL: 16, linkSLL2: 20, linkNull: 4, linkLoop: 4,
}

// linkNames are libpcap's descriptions, used in its error messages.
var linkNames = [...]string{
	linkEthernet: "Ethernet", linkSLL: "Linux cooked v1", linkSLL2: "Linux cooked v2",
	linkNull: "BSD loopback", linkLoop: "OpenBSD loopback", linkRaw: "Raw IP",
	linkIPv4: "Raw IPv4", linkIPv6: "Raw IPv6",
}

// needs records which link-dependent features a filter uses.
type needs uint8

const (
	needEtherAddr needs = 1 << iota
	needBroadcast
	needMulticast
	needVLAN
	needMPLS
)

// Check reports whether the filter can run on frames of linkType, with the
// error tcpdump gives when it cannot (for example "no VLAN support for
// Linux cooked v1"). Match rejects every frame of a link type Check refuses.
func (f *Filter) Check(linkType uint16) error {
	c := classOf(linkType)
	if c == linkUnknown {
		return &LinkError{LinkType: linkType, Msg: "pcapflow filters do not support link type " + strconv.Itoa(int(linkType))}
	}
	if c == linkEthernet {
		return nil
	}
	if len(f.order) == 0 {
		return nil
	}
	var msg string
	switch f.order[0] {
	case needEtherAddr:
		msg = "ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel"
	case needBroadcast:
		msg = "not a broadcast link"
	case needMulticast:
		msg = "link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel"
	case needVLAN:
		msg = "no VLAN support for " + linkNames[c]
	default:
		msg = "no MPLS support for " + linkNames[c]
	}
	return &LinkError{LinkType: linkType, Msg: msg}
}
