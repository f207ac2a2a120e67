package decoders

import "github.com/pcapflow/pcapflow/pipeline"

// Overlay tunnels: VXLAN (RFC 7348) and Geneve (RFC 8926) over UDP, GRE
// (RFC 2784/2890, with Cisco's ERSPAN types I to III) and IP in IP (RFC
// 2003, RFC 2473, 6in4, DS-Lite). The outer packet keeps the tuple, as for
// GTP-U; the tunnelled IP packet is decoded into Decoded.Inner and the
// Inner* layer bits (past an inner Ethernet header and its VLAN tags,
// which are not kept), so traffic mirrored with VXLAN, Geneve or ERSPAN
// can be split by its own flows (split --by inner-5-tuple) and followed.
// Tunnels are decoded in the outermost packet only.

const (
	vxlanPort  = 4789
	genevePort = 6081
	vxlanLen   = 8
	geneveLen  = 8
	greLen     = 4

	protoIPIP = 4
	protoIPv6 = 41
	protoGRE  = 47

	// Payload types of GRE and Geneve (Ethertypes).
	etherTEB      = 0x6558 // transparent Ethernet bridging
	etherERSPAN2  = 0x88be // ERSPAN type II (type I without a sequence number)
	etherERSPAN3  = 0x22eb
	erspan2Len    = 8
	erspan3Len    = 12
	erspan3SubLen = 8 // the platform-specific subheader, when the O bit is set

	// maxInnerTags bounds the VLAN tags skipped in a tunnelled frame.
	maxInnerTags = 8
	// maxDecap bounds the tunnels Options.Decap strips from one frame.
	maxDecap = 4
)

// overlayPort reports whether a UDP port is VXLAN's or Geneve's.
func overlayPort(port uint16) bool { return port == vxlanPort || port == genevePort }

// decodeOverlayUDP decodes a VXLAN or Geneve header at the start of the
// datagram payload p, sent to port dst, and the frame or packet it
// carries.
func (d *Decoder) decodeOverlayUDP(dst uint16, p []byte, dg datagram, out *pipeline.Decoded) {
	if dst == vxlanPort {
		if len(p) < vxlanLen {
			d.overlayShort(dg, out)
			return
		}
		out.Layers |= pipeline.LayerVXLAN
		d.decodeTunnelled(p, vxlanLen, etherTEB, dg, out)
		return
	}
	if len(p) < geneveLen {
		d.overlayShort(dg, out)
		return
	}
	if p[0]>>6 != 0 {
		out.Flags |= pipeline.FlagMalformed // unknown Geneve version
		return
	}
	out.Layers |= pipeline.LayerGeneve
	d.decodeTunnelled(p, geneveLen+int(p[0]&0x3f)*4, uint32(be16(p[2:4])), dg, out)
}

// decodeGRE decodes a GRE header at data[off:] and what it carries. The
// payload of version 1 (PPTP's enhanced GRE, carrying PPP) and of headers
// with the obsolete routing bit is left undecoded.
func (d *Decoder) decodeGRE(data []byte, off int, bounded bool, out *pipeline.Decoded) {
	b := data[off:]
	if len(b) < greLen {
		d.short(bounded, out)
		return
	}
	out.Layers |= pipeline.LayerGRE
	flags := b[0]
	if b[1]&7 != 0 || flags&0x40 != 0 {
		return
	}
	hl, _ := greFields(flags)
	if len(b) < hl {
		d.short(bounded, out)
		return
	}
	proto := uint32(be16(b[2:4]))
	switch proto {
	case etherERSPAN2:
		if flags&0x10 != 0 { // type II; type I has no sequence number and no header
			hl += erspan2Len
		}
		proto = etherTEB
	case etherERSPAN3:
		if len(b) >= hl+erspan3Len && b[hl+erspan3Len-1]&1 != 0 {
			hl += erspan3SubLen
		}
		hl += erspan3Len
		proto = etherTEB
	}
	d.decodeTunnelled(data, off+hl, proto, d.datagram(), out)
}

// greFields returns the length of a GRE header with flags (its optional
// checksum, key and sequence number fields) and the offset of its key (-1
// without one).
func greFields(flags byte) (hl, key int) {
	hl, key = greLen, -1
	for _, bit := range [...]byte{0x80, 0x20, 0x10} { // checksum, key, sequence number
		if flags&bit != 0 {
			if bit == 0x20 {
				key = hl
			}
			hl += 4
		}
	}
	return hl, key
}

// decodeIPinIP decodes the IPv4 (protocol 4) or IPv6 (41) packet carried
// directly at data[off:].
func (d *Decoder) decodeIPinIP(data []byte, off int, proto uint8, out *pipeline.Decoded) {
	out.Layers |= pipeline.LayerIPinIP
	etype := uint32(etherIPv4)
	if proto == protoIPv6 {
		etype = etherIPv6
	}
	d.decodeTunnelled(data, off, etype, d.datagram(), out)
}

// datagram says how complete the payload of the outer IP packet is.
func (d *Decoder) datagram() datagram {
	if d.firstFragment {
		return dgFragment
	}
	return dgComplete
}

// decodeTunnelled decodes what a tunnel carries at msg[off:]: an Ethernet
// frame (etype etherTEB) or an IPv4 or IPv6 packet. Offsets in msg are
// relative to d.innerBase.
func (d *Decoder) decodeTunnelled(msg []byte, off int, etype uint32, dg datagram, out *pipeline.Decoded) {
	if d.opts.Decap && d.decaps < maxDecap {
		d.decap(d.frame[:d.innerBase+len(msg)], d.innerBase+off, etype, dg, out)
		return
	}
	if etype == etherTEB {
		var ok bool
		if off, etype, ok = d.skipInnerEthernet(msg, off, dg, out); !ok {
			return
		}
	}
	if off > len(msg) {
		d.overlayShort(dg, out)
		return
	}
	switch etype {
	case etherIPv4:
		d.decodeInner(msg, off, false, dg, out)
	case etherIPv6:
		d.decodeInner(msg, off, true, dg, out)
	}
}

// decap decodes the frame or packet a tunnel carries at frame[off:] as
// the packet itself (Options.Decap): what the outer headers filled in is
// dropped, their problem flags kept. Inside the first fragment of an outer
// datagram the carried packet is incomplete without a truncation flag.
func (d *Decoder) decap(frame []byte, off int, etype uint32, dg datagram, out *pipeline.Decoded) {
	d.decaps++
	flags := out.Flags
	*out = pipeline.Decoded{Layers: pipeline.LayerDecapsulated, Flags: flags}
	cut := d.cut
	if dg == dgFragment {
		d.cut = true
	}
	d.innerBase, d.firstFragment = 0, false
	switch {
	case etype == etherTEB:
		d.decodeEthernetAt(frame, off, out)
	case etype == etherIPv4 || etype == etherIPv6:
		d.decodeRawIP(frame, off, out)
	}
	if dg == dgFragment {
		out.Flags = flags | out.Flags&^pipeline.FlagTruncated
	}
	d.cut = cut
}

// skipInnerEthernet steps over a tunnelled Ethernet header and its VLAN
// tags, returning the offset and Ethertype of what follows.
func (d *Decoder) skipInnerEthernet(msg []byte, off int, dg datagram, out *pipeline.Decoded) (int, uint32, bool) {
	if len(msg)-off < ethernetLen {
		d.overlayShort(dg, out)
		return 0, 0, false
	}
	out.Layers |= pipeline.LayerInnerEthernet
	etype := be16(msg[off+12:])
	off += ethernetLen
	for tags := 0; etype == etherDot1Q || etype == etherQinQ || etype == etherQinQ9; tags++ {
		if tags == maxInnerTags {
			return 0, 0, false
		}
		if len(msg)-off < vlanTagLen {
			d.overlayShort(dg, out)
			return 0, 0, false
		}
		etype = be16(msg[off+2:])
		off += vlanTagLen
	}
	return off, uint32(etype), true
}

// overlayShort records a tunnel header or tunnelled frame that ends early:
// nothing in a first fragment, truncation when the snap length cut it,
// else malformed.
func (d *Decoder) overlayShort(dg datagram, out *pipeline.Decoded) {
	switch {
	case dg == dgFragment:
	case d.cut:
		out.Flags |= pipeline.FlagTruncated
	default:
		out.Flags |= pipeline.FlagMalformed
	}
}
