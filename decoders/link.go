package decoders

import (
	"encoding/binary"

	"github.com/gopacket/gopacket"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Ethertypes the decoder acts on.
const (
	etherIPv4  = 0x0800
	etherARP   = 0x0806
	etherIPv6  = 0x86dd
	etherDot1Q = 0x8100
	etherQinQ  = 0x88a8
	etherQinQ9 = 0x9100 // pre-standard QinQ
	// etherMin is the smallest Ethertype; smaller values are 802.3 lengths.
	etherMin = 0x0600
)

const (
	ethernetLen = 14
	sllLen      = 16
	sll2Len     = 20
	vlanTagLen  = 4
	loopLen     = 4
	maxLinkAddr = 8 // the SLL address field is a fixed 8-byte window
)

func (d *Decoder) decodeEthernet(data []byte, out *pipeline.Decoded) {
	d.decodeEthernetAt(data, 0, out)
}

// decodeEthernetAt decodes the Ethernet header at data[off:] and what
// follows it.
func (d *Decoder) decodeEthernetAt(data []byte, off int, out *pipeline.Decoded) {
	if len(data)-off < ethernetLen {
		d.short(true, out)
		return
	}
	out.Layers |= pipeline.LayerEthernet
	copy(out.EthDst[:], data[off:off+6])
	copy(out.EthSrc[:], data[off+6:off+12])
	// The raw type field: 802.3 length values included.
	d.decodeEtherType(data, off+ethernetLen, be16(data[off+12:off+14]), out)
}

func (d *Decoder) decodeSLL(data []byte, out *pipeline.Decoded) {
	if len(data) < sllLen {
		d.short(true, out)
		return
	}
	if be16(data[4:6]) > maxLinkAddr {
		out.Flags |= pipeline.FlagMalformed
		return
	}
	_ = d.sll.DecodeFromBytes(data, gopacket.NilDecodeFeedback) // cannot fail: checked above
	out.Layers |= pipeline.LayerLinuxSLL
	if len(d.sll.Addr) == 6 {
		copy(out.EthSrc[:], d.sll.Addr)
	}
	d.decodeEtherType(data, sllLen, uint16(d.sll.EthernetType), out)
}

func (d *Decoder) decodeSLL2(data []byte, out *pipeline.Decoded) {
	if len(data) < sll2Len {
		d.short(true, out)
		return
	}
	if data[11] > maxLinkAddr {
		out.Flags |= pipeline.FlagMalformed
		return
	}
	_ = d.sll2.DecodeFromBytes(data, gopacket.NilDecodeFeedback) // cannot fail: checked above
	out.Layers |= pipeline.LayerLinuxSLL2
	if len(d.sll2.Addr) == 6 {
		copy(out.EthSrc[:], d.sll2.Addr)
	}
	d.decodeEtherType(data, sll2Len, uint16(d.sll2.ProtocolType), out)
}

// decodeEtherType strips any number of VLAN tags starting at off (keeping the
// first two ids) and decodes what follows: IPv4, IPv6, ARP, an MPLS stack or
// a PPPoE session (see encap.go).
func (d *Decoder) decodeEtherType(data []byte, off int, etype uint16, out *pipeline.Decoded) {
	for etype == etherDot1Q || etype == etherQinQ || etype == etherQinQ9 {
		out.Layers |= pipeline.LayerVLAN
		out.EtherType = etype
		if len(data)-off < vlanTagLen {
			d.short(true, out)
			return
		}
		// One Dot1Q serves every tag: its fields are copied out at once.
		_ = d.dot1q.DecodeFromBytes(data[off:], gopacket.NilDecodeFeedback) // cannot fail: length checked
		if int(out.NumVLAN) < len(out.VLAN) {
			out.VLAN[out.NumVLAN] = d.dot1q.VLANIdentifier
		}
		if out.NumVLAN < 255 {
			out.NumVLAN++
		}
		etype = uint16(d.dot1q.Type)
		off += vlanTagLen
	}
	out.EtherType = etype
	switch etype {
	case etherIPv4:
		d.decodeIPv4(data, off, false, out)
	case etherIPv6:
		d.decodeIPv6(data, off, false, out)
	case etherARP:
		d.decodeARP(data[off:], out)
	case etherMPLS, etherMPLSMulti:
		d.decodeMPLS(data, off, out)
	case etherPPPoESession:
		d.decodePPPoE(data, off, out)
	}
}

// decodeARP checks that the ARP header and its addresses are present.
func (d *Decoder) decodeARP(b []byte, out *pipeline.Decoded) {
	if len(b) < 8 {
		d.short(true, out)
		return
	}
	out.Layers |= pipeline.LayerARP
	if len(b) < 8+2*int(b[4])+2*int(b[5]) {
		d.short(true, out)
	}
}

// decodeRawIP decodes the IP header at data[off:] of a frame, choosing the
// version from its first nibble (LINKTYPE_RAW and its aliases 12 and 14 at
// offset 0, an NFLOG payload attribute).
func (d *Decoder) decodeRawIP(data []byte, off int, out *pipeline.Decoded) {
	if len(data) <= off {
		d.short(true, out)
		return
	}
	switch data[off] >> 4 {
	case 4:
		out.EtherType = etherIPv4
		d.decodeIPv4(data, off, false, out)
	case 6:
		out.EtherType = etherIPv6
		d.decodeIPv6(data, off, false, out)
	default:
		out.Flags |= pipeline.FlagMalformed
	}
}

// BSD address families that mean IPv6 on the loopback link: 24 (NetBSD,
// OpenBSD, BSD/OS), 28 (FreeBSD, DragonFly) and 30 (Darwin).
const (
	afINET        = 2
	afINET6BSD    = 24
	afINET6FreeBS = 28
	afINET6Darwin = 30
)

// familyEtherType maps a BSD address family to the Ethertype of its payload,
// or 0 for a family pcapflow does not decode.
func familyEtherType(family uint32) uint16 {
	switch family {
	case afINET:
		return etherIPv4
	case afINET6BSD, afINET6FreeBS, afINET6Darwin:
		return etherIPv6
	}
	return 0
}

// nullType interprets a LINKTYPE_NULL header the way Wireshark's null
// dissector does on a little-endian machine: the header is a family in the
// capturing host's byte order, so a value with non-zero upper bytes is
// byte-swapped, and a value above 1500 (the 802.3 length limit) is an
// Ethertype rather than a family. It returns the Ethertype of the payload,
// 0 when it is not one pcapflow decodes.
func nullType(h [4]byte) uint16 {
	v := binary.LittleEndian.Uint32(h[:])
	if v&0xffff0000 != 0 {
		if v&0xff000000 == 0 && v&0x00ff0000 < 0x00060000 {
			v >>= 16
		} else {
			v = binary.BigEndian.Uint32(h[:])
		}
	} else if v&0x000000ff == 0 && v&0x0000ff00 < 0x00000600 {
		v = uint32(h[1]) | uint32(h[0])<<8
	}
	if v > 1500 {
		return uint16(v)
	}
	return familyEtherType(v)
}

func (d *Decoder) decodeNull(data []byte, out *pipeline.Decoded) {
	if len(data) < 2 {
		d.short(true, out)
		return
	}
	out.Layers |= pipeline.LayerLoopback
	if data[0] == 0xff && data[1] == 0x03 {
		return // PPP in HDLC-like framing: not decoded
	}
	if len(data) < loopLen {
		d.short(true, out)
		return
	}
	d.decodeFamily(data, nullType([4]byte(data[:4])), out)
}

// decodeLoop decodes LINKTYPE_LOOP, whose family is specified in network
// byte order; a value that only makes sense byte-swapped is accepted too.
func (d *Decoder) decodeLoop(data []byte, out *pipeline.Decoded) {
	if len(data) < loopLen {
		d.short(true, out)
		return
	}
	out.Layers |= pipeline.LayerLoopback
	fam := binary.BigEndian.Uint32(data)
	if fam > 0xffff {
		fam = binary.LittleEndian.Uint32(data)
	}
	d.decodeFamily(data, familyEtherType(fam), out)
}

func (d *Decoder) decodeFamily(data []byte, etype uint16, out *pipeline.Decoded) {
	if etype == 0 {
		return
	}
	d.decodeEtherType(data, loopLen, etype, out)
}

// NFLOG (LINKTYPE_NFLOG): a 4-byte header (address family, version,
// resource id) and type-length-value attributes whose length and type are
// in the capturing host's byte order (little-endian here, as on the hosts
// that write these captures; Wireshark assumes the same), each padded to 4
// bytes. The packet is the value of attribute 9 (NFULA_PAYLOAD), starting
// at its network header.
const (
	nflogHeaderLen = 4
	nflogTLVLen    = 4
	nflogPayload   = 9
)

func (d *Decoder) decodeNFLOG(data []byte, out *pipeline.Decoded) {
	if len(data) < nflogHeaderLen {
		d.short(true, out)
		return
	}
	for off := nflogHeaderLen; ; {
		if len(data)-off < nflogTLVLen {
			if off < len(data) {
				d.short(true, out)
			}
			return // no payload attribute
		}
		n := int(binary.LittleEndian.Uint16(data[off:]))
		typ := binary.LittleEndian.Uint16(data[off+2:])
		if n < nflogTLVLen {
			out.Flags |= pipeline.FlagMalformed
			return
		}
		if typ == nflogPayload {
			end := min(off+n, len(data))
			if off+n > len(data) && !d.cut {
				out.Flags |= pipeline.FlagMalformed
			}
			d.decodeRawIP(data[:end], off+nflogTLVLen, out)
			return
		}
		off += (n + 3) &^ 3
	}
}
