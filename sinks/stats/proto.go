package stats

import (
	"strings"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/pipeline"
)

// node is one protocol in a hierarchy path.
type node uint8

// Protocol nodes. The zero node ends a path.
const (
	nNone node = iota
	nEth
	nSLL
	nSLL2
	nNull
	nRaw
	nUnknownLink
	nVLAN
	nMPLS
	nPPPoE
	nPPP
	nCHDLC
	nNFLOG
	nDecap
	nARP
	nIPv4
	nIPv6
	nNonIP
	nFragment
	nTCP
	nUDP
	nICMP
	nICMPv6
	nSCTP
	nOtherIP
	nGTPU
	nVXLAN
	nGeneve
	nGRE
	nGTPC
	nPFCP
	nDNS
	nMDNS
	nDHCP
	nNTP
	nSNMP
	nSyslog
	nHTTP
	nTLS
	nQUIC
	nSSH
	nTelnet
	nSMTP
	nFTP
	nIRC
	nSIP
	nBGP
	nRADIUS
	nDiameter
	numNodes
)

// nodeNames are the names printed for nodes (close to tshark's protocol
// names, with gtp-u, gtp-c and non-ip spelled out).
var nodeNames = [numNodes]string{
	nEth: "eth", nSLL: "sll", nSLL2: "sll2", nNull: "null", nRaw: "raw", nUnknownLink: "unknown-link",
	nVLAN: "vlan", nMPLS: "mpls", nPPPoE: "pppoes", nPPP: "ppp", nCHDLC: "chdlc", nNFLOG: "nflog", nDecap: "decap", nARP: "arp", nIPv4: "ipv4", nIPv6: "ipv6", nNonIP: "non-ip", nFragment: "fragment",
	nTCP: "tcp", nUDP: "udp", nICMP: "icmp", nICMPv6: "icmpv6", nSCTP: "sctp", nOtherIP: "other",
	nGTPU: "gtp-u", nVXLAN: "vxlan", nGeneve: "geneve", nGRE: "gre", nGTPC: "gtp-c", nPFCP: "pfcp", nDNS: "dns", nMDNS: "mdns", nDHCP: "dhcp",
	nNTP: "ntp", nSNMP: "snmp", nSyslog: "syslog", nHTTP: "http", nTLS: "tls", nQUIC: "quic",
	nSSH: "ssh", nTelnet: "telnet", nSMTP: "smtp", nFTP: "ftp", nIRC: "irc", nSIP: "sip",
	nBGP: "bgp", nRADIUS: "radius", nDiameter: "diameter",
}

// maxDepth bounds a path: link, two VLAN tags, MPLS, a pseudowire's
// Ethernet and two VLAN tags, IP, transport, application (or a tunnel,
// inner Ethernet, inner IP and inner transport).
const maxDepth = 13

// path is a protocol path, outermost first, padded with nNone. It is
// comparable, so it keys a map without allocating.
type path [maxDepth]node

// String returns the path as "eth:ipv4:tcp".
func (p path) String() string {
	var sb strings.Builder
	for i, n := range p {
		if n == nNone {
			break
		}
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteString(nodeNames[n])
	}
	return sb.String()
}

// pathBuilder appends nodes to a path, dropping what does not fit.
type pathBuilder struct {
	p path
	n int
}

func (b *pathBuilder) add(n node) {
	if b.n < maxDepth {
		b.p[b.n] = n
		b.n++
	}
}

// protoPath returns the protocol path of a decoded packet captured on a
// link of type linkType.
func protoPath(d *pipeline.Decoded, linkType uint16) path {
	var b pathBuilder
	l := d.Layers
	if l.Has(pipeline.LayerDecapsulated) {
		b.add(nDecap) // the rest is the tunnelled frame's path
		if l.Has(pipeline.LayerEthernet) {
			b.add(nEth)
		}
		return restPath(&b, d)
	}
	switch {
	case linkType == decoders.LinkCHDLC || linkType == decoders.LinkPPPHDLC && d.EtherType != 0:
		b.add(nCHDLC) // Cisco HDLC (also in a PPP-over-serial capture)
	case linkType == decoders.LinkPPP || linkType == decoders.LinkPPPHDLC:
		b.add(nPPP)
	case linkType == decoders.LinkNFLOG:
		b.add(nNFLOG)
	case linkType == decoders.LinkPPPoE:
		if !l.Has(pipeline.LayerPPPoE) {
			b.add(nPPPoE) // its header cut; else encapPath adds it and PPP
		}
	case l.Has(pipeline.LayerEthernet):
		b.add(nEth)
	case l.Has(pipeline.LayerLinuxSLL):
		b.add(nSLL)
	case l.Has(pipeline.LayerLinuxSLL2):
		b.add(nSLL2)
	case l.Has(pipeline.LayerLoopback):
		b.add(nNull)
	case d.Flags.Has(pipeline.FlagUnknownLink):
		b.add(nUnknownLink)
		return b.p
	default:
		b.add(nRaw)
	}
	return restPath(&b, d)
}

// restPath adds what follows the link header: encapsulations, the network
// and transport headers, a tunnel's packet, the application.
func restPath(b *pathBuilder, d *pipeline.Decoded) path {
	l := d.Layers
	encapPath(b, d)
	switch {
	case l.Has(pipeline.LayerIPv4):
		b.add(nIPv4)
	case l.Has(pipeline.LayerIPv6):
		b.add(nIPv6)
	case l.Has(pipeline.LayerARP):
		b.add(nARP)
		return b.p
	default:
		if d.EtherType != 0 || b.p[0] != nRaw {
			b.add(nNonIP)
		}
		return b.p
	}
	if d.Flags.Has(pipeline.FlagNonFirstFragment) {
		b.add(nFragment)
		return b.p
	}
	switch {
	case l.Has(pipeline.LayerTCP):
		b.add(nTCP)
		if d.PayloadLen > 0 {
			if app := appByPort(6, d.IP.SrcPort, d.IP.DstPort); app != nNone {
				b.add(app)
			}
		}
	case l.Has(pipeline.LayerUDP):
		b.add(nUDP)
		switch {
		case l.Has(pipeline.LayerGTPU):
			b.add(nGTPU)
			innerPath(b, l)
		case l.Has(pipeline.LayerVXLAN):
			b.add(nVXLAN)
			innerPath(b, l)
		case l.Has(pipeline.LayerGeneve):
			b.add(nGeneve)
			innerPath(b, l)
		case l.Has(pipeline.LayerGTPC):
			b.add(nGTPC)
		case l.Has(pipeline.LayerPFCP):
			b.add(nPFCP)
		case d.PayloadLen > 0:
			if app := appByPort(17, d.IP.SrcPort, d.IP.DstPort); app != nNone {
				b.add(app)
			}
		}
	case l.Has(pipeline.LayerICMPv4):
		b.add(nICMP)
	case l.Has(pipeline.LayerICMPv6):
		b.add(nICMPv6)
	case l.Has(pipeline.LayerSCTP):
		b.add(nSCTP)
	case l.Has(pipeline.LayerGRE):
		b.add(nGRE)
		innerPath(b, l)
	case l.Has(pipeline.LayerIPinIP):
		innerPath(b, l)
	default:
		b.add(nOtherIP)
	}
	return b.p
}

// encapPath adds the nodes between the link and the network header: VLAN
// tags (two at most on each side of a pseudowire), an MPLS stack with the
// Ethernet frame of a pseudowire, and PPPoE with PPP.
func encapPath(b *pathBuilder, d *pipeline.Decoded) {
	outer := int(d.NumVLAN) - int(d.PWVLANs)
	for i := 0; i < outer && i < 2; i++ {
		b.add(nVLAN)
	}
	if d.Layers.Has(pipeline.LayerMPLS) {
		b.add(nMPLS)
	}
	if d.Layers.Has(pipeline.LayerPWEthernet) {
		b.add(nEth)
		for i := 0; i < int(d.PWVLANs) && i < 2; i++ {
			b.add(nVLAN)
		}
	}
	if d.Layers.Has(pipeline.LayerPPPoE) {
		b.add(nPPPoE)
		b.add(nPPP)
	}

}

// innerPath adds the layers of a tunnelled packet (of a GTP-U G-PDU, or
// of VXLAN, Geneve, GRE or IP in IP), after its Ethernet header if any.
func innerPath(b *pathBuilder, l pipeline.Layers) {
	if l.Has(pipeline.LayerInnerEthernet) {
		b.add(nEth)
	}
	switch {
	case l.Has(pipeline.LayerInnerIPv4):
		b.add(nIPv4)
	case l.Has(pipeline.LayerInnerIPv6):
		b.add(nIPv6)
	default:
		return
	}
	switch {
	case l.Has(pipeline.LayerInnerTCP):
		b.add(nTCP)
	case l.Has(pipeline.LayerInnerUDP):
		b.add(nUDP)
	case l.Has(pipeline.LayerInnerICMP):
		b.add(nICMP)
	case l.Has(pipeline.LayerInnerSCTP):
		b.add(nSCTP)
	}
}

// appByPort guesses the application protocol from well-known ports, trying
// the lower port first (the service side of most conversations).
func appByPort(proto uint8, sport, dport uint16) node {
	lo, hi := min(sport, dport), max(sport, dport)
	if n := portApp(proto, lo); n != nNone {
		return n
	}
	return portApp(proto, hi)
}

func portApp(proto uint8, port uint16) node {
	switch port {
	case 53:
		return nDNS
	case 5353:
		return nMDNS
	case 5060:
		return nSIP
	}
	if proto == 17 {
		switch port {
		case 67, 68:
			return nDHCP
		case 123:
			return nNTP
		case 161, 162:
			return nSNMP
		case 514:
			return nSyslog
		case 443:
			return nQUIC
		case 1812, 1813:
			return nRADIUS
		}
		return nNone
	}
	switch port {
	case 80, 8080:
		return nHTTP
	case 443:
		return nTLS
	case 22:
		return nSSH
	case 23:
		return nTelnet
	case 25, 587:
		return nSMTP
	case 21:
		return nFTP
	case 6667:
		return nIRC
	case 179:
		return nBGP
	case 3868:
		return nDiameter
	}
	return nNone
}
