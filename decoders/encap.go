package decoders

import "github.com/pcapflow/pcapflow/pipeline"

// Headers between the link and the network header: MPLS label stacks (RFC
// 3032), Ethernet pseudowires over MPLS (RFC 4448, with the RFC 4385
// control word) and PPPoE sessions (RFC 2516); and the PPP and Cisco HDLC
// link types. The IP packet they carry is the packet's IP, as tshark's
// ip.src is: flows, splits and tables key on it.

const (
	etherMPLS         = 0x8847
	etherMPLSMulti    = 0x8848
	etherPPPoESession = 0x8864

	maxPWDepth = 4

	mplsEntryLen      = 4
	mplsBottomOfStack = 0x100 // the S bit of a label stack entry
	pwControlWordLen  = 4
	pppoeLen          = 6
	chdlcLen          = 4
	pppIPv4           = 0x0021
	pppIPv6           = 0x0057
)

// decodeMPLS reads the label stack at off and decodes what follows the
// bottom entry by its first nibble, as Wireshark's default heuristic does:
// 4 is IPv4, 6 is IPv6, 0 is a pseudowire control word followed by an
// Ethernet frame (see decodePWEthernet); anything else (1 is a pseudowire
// associated channel) is left undecoded.
func (d *Decoder) decodeMPLS(data []byte, off int, out *pipeline.Decoded) {
	// A stack inside a pseudowire keeps the outer stack's label.
	first := !out.Layers.Has(pipeline.LayerMPLS)
	out.Layers |= pipeline.LayerMPLS
	for ; ; first = false {
		if len(data)-off < mplsEntryLen {
			d.short(true, out)
			return
		}
		e := be32(data[off:])
		if first {
			out.MPLSLabel = e >> 12
		}
		off += mplsEntryLen
		if e&mplsBottomOfStack != 0 {
			break
		}
	}
	if off == len(data) {
		return // nothing after the stack
	}
	switch data[off] >> 4 {
	case 4:
		d.decodeIPv4(data, off, false, out)
	case 6:
		d.decodeIPv6(data, off, false, out)
	case 0:
		d.decodePWEthernet(data, off, out)
	}
}

// decodePWEthernet decodes the Ethernet frame of a pseudowire whose
// payload, at off, starts with a 0 nibble. Like tshark, it takes the first
// four bytes as a control word, unless the frame only reads as Ethernet
// without one (tshark looks the MAC addresses up in its OUI table instead;
// pcapflow checks which reading carries a network header it decodes).
// The inner frame's VLAN tags are added to the outer ones (PWVLANs counts
// them); its MAC addresses are not kept (EthSrc and EthDst stay the outer
// frame's, tshark's first eth.src and eth.dst), nor is EtherType changed.
// Pseudowires nest up to maxPWDepth deep (deeper ones are left undecoded),
// which bounds the recursion on crafted frames.
func (d *Decoder) decodePWEthernet(data []byte, off int, out *pipeline.Decoded) {
	if d.pwDepth == maxPWDepth {
		return
	}
	d.pwDepth++
	start := off + pwControlWordLen
	if !decodableEthernet(data, start) && decodableEthernet(data, off) {
		start = off
	}
	if len(data)-start < ethernetLen {
		d.short(true, out)
		return
	}
	out.Layers |= pipeline.LayerPWEthernet
	etype, tags := out.EtherType, out.NumVLAN
	d.decodeEtherType(data, start+ethernetLen, be16(data[start+12:]), out)
	out.EtherType = etype
	out.PWVLANs = out.NumVLAN - tags
}

// decodableEthernet reports whether data holds, at off, an Ethernet header
// whose type is one the decoder follows and, for IP, whose next byte has
// that IP version.
func decodableEthernet(data []byte, off int) bool {
	if len(data)-off <= ethernetLen {
		return false
	}
	next := data[off+ethernetLen] >> 4
	switch be16(data[off+12:]) {
	case etherIPv4:
		return next == 4
	case etherIPv6:
		return next == 6
	case etherDot1Q, etherQinQ, etherQinQ9, etherARP, etherMPLS, etherMPLSMulti, etherPPPoESession:
		return true
	}
	return false
}

// decodePPPoE decodes a PPPoE session header at off and the PPP frame it
// carries. Like tshark, it does not check the version, type and code
// fields (RFC 2516 fixes them at 1, 1 and 0 in a session).
func (d *Decoder) decodePPPoE(data []byte, off int, out *pipeline.Decoded) {
	if len(data)-off < pppoeLen {
		d.short(true, out)
		return
	}
	out.Layers |= pipeline.LayerPPPoE
	d.decodePPP(data, off+pppoeLen, out)
}

// decodePPPLink decodes a frame of LINKTYPE_PPP or LINKTYPE_PPP_HDLC: PPP,
// after the HDLC-like address and control bytes (ff 03) when present; a
// LINKTYPE_PPP_HDLC frame starting 0f or 8f is Cisco HDLC (RFC 1547).
func (d *Decoder) decodePPPLink(data []byte, out *pipeline.Decoded) {
	switch {
	case len(data) >= 2 && data[0] == 0xff && data[1] == 0x03:
		d.decodePPP(data, 2, out)
	case len(data) >= 1 && (data[0] == 0x0f || data[0] == 0x8f):
		d.decodeCHDLC(data, out)
	default:
		d.decodePPP(data, 0, out)
	}
}

// decodeCHDLC decodes a Cisco HDLC frame: address, control and an
// Ethertype, then what the Ethertype says (VLAN tags, IP, MPLS...).
func (d *Decoder) decodeCHDLC(data []byte, out *pipeline.Decoded) {
	if len(data) < chdlcLen {
		d.short(true, out)
		return
	}
	d.decodeEtherType(data, chdlcLen, be16(data[2:4]), out)
}

// decodePPP decodes the PPP protocol field at off (one byte when
// compressed: an odd first byte, RFC 1661 section 6.5) and an IPv4 or IPv6
// packet after it; other protocols (LCP, IPCP, ...) are left undecoded.
func (d *Decoder) decodePPP(data []byte, off int, out *pipeline.Decoded) {
	if off >= len(data) {
		d.short(true, out)
		return
	}
	proto := uint16(data[off])
	if proto&1 != 0 {
		off++
	} else {
		if len(data)-off < 2 {
			d.short(true, out)
			return
		}
		proto = be16(data[off:])
		off += 2
	}
	switch proto {
	case pppIPv4:
		d.decodeIPv4(data, off, false, out)
	case pppIPv6:
		d.decodeIPv6(data, off, false, out)
	}
}
