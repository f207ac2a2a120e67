package generators

import (
	"encoding/binary"
	"net/netip"
)

// Protocol numbers, EtherTypes and sizes used by the frame builders.
const (
	etherTypeIPv4 = 0x0800
	etherTypeIPv6 = 0x86dd
	etherTypeVLAN = 0x8100

	protoICMP   = 1
	protoTCP    = 6
	protoUDP    = 17
	protoICMPv6 = 58

	// minFrame is the Ethernet minimum frame length without the FCS.
	minFrame = 60
	// maxFrame is the largest frame any generator builds (1514 + VLAN tag).
	maxFrame = 1518

	tcpFin = 0x01
	tcpSyn = 0x02
	tcpRst = 0x04
	tcpPsh = 0x08
	tcpAck = 0x10
)

// Default MAC addresses, as in the classic dpkt SYN example.
var (
	defaultSrcMAC = [6]byte{0, 0, 1, 0, 0, 1}
	defaultDstMAC = [6]byte{0, 0, 1, 0, 0, 2}
)

// path is the addressing of one direction of traffic: link addresses, an
// optional VLAN tag and the IP endpoints. IPv4 addresses sit in the first 4
// bytes of src and dst.
type path struct {
	srcMAC, dstMAC [6]byte
	vlan           uint16
	v6             bool
	src, dst       [16]byte
	ttl            uint8
}

// newPath returns a path between two addresses of the same family.
func newPath(srcMAC, dstMAC [6]byte, vlan uint16, src, dst netip.Addr, ttl uint8) path {
	p := path{srcMAC: srcMAC, dstMAC: dstMAC, vlan: vlan, v6: src.Is6(), ttl: ttl}
	putAddr(p.src[:], src)
	putAddr(p.dst[:], dst)
	return p
}

// reverse returns the path of the answering direction with the given TTL.
func (p *path) reverse(ttl uint8) path {
	return path{srcMAC: p.dstMAC, dstMAC: p.srcMAC, vlan: p.vlan, v6: p.v6, src: p.dst, dst: p.src, ttl: ttl}
}

// putAddr writes a's 4 or 16 bytes at the start of b.
func putAddr(b []byte, a netip.Addr) {
	if a.Is4() {
		v := a.As4()
		copy(b, v[:])
		return
	}
	v := a.As16()
	copy(b, v[:])
}

// l2Len is the length of the Ethernet header with its optional VLAN tag.
func (p *path) l2Len() int {
	if p.vlan != 0 {
		return 18
	}
	return 14
}

// l3Len is the length of the IP header.
func (p *path) l3Len() int {
	if p.v6 {
		return 40
	}
	return 20
}

// frameLen is the frame length for a transport segment of l4 bytes,
// padded to the Ethernet minimum.
func (p *path) frameLen(l4 int) int {
	return max(p.l2Len()+p.l3Len()+l4, minFrame)
}

// put writes the Ethernet (+802.1Q) and IP headers for a transport segment
// of l4 bytes and zeroes the padding after it. id is the IPv4
// identification (the DF bit is always set) or the IPv6 flow label. It
// returns the offsets of the IP and transport headers.
func (p *path) put(b []byte, proto uint8, id uint32, l4 int) (ipOff, l4Off int) {
	copy(b[0:6], p.dstMAC[:])
	copy(b[6:12], p.srcMAC[:])
	ipOff = 14
	if p.vlan != 0 {
		binary.BigEndian.PutUint16(b[12:], etherTypeVLAN)
		binary.BigEndian.PutUint16(b[14:], p.vlan&0x0fff)
		ipOff = 18
	}
	if p.v6 {
		binary.BigEndian.PutUint16(b[ipOff-2:], etherTypeIPv6)
		h := b[ipOff : ipOff+40]
		binary.BigEndian.PutUint32(h[0:], 6<<28|id&0xfffff)
		binary.BigEndian.PutUint16(h[4:], uint16(l4))
		h[6] = proto
		h[7] = p.ttl
		copy(h[8:24], p.src[:])
		copy(h[24:40], p.dst[:])
		l4Off = ipOff + 40
	} else {
		binary.BigEndian.PutUint16(b[ipOff-2:], etherTypeIPv4)
		h := b[ipOff : ipOff+20]
		h[0] = 0x45
		h[1] = 0
		binary.BigEndian.PutUint16(h[2:], uint16(20+l4))
		binary.BigEndian.PutUint16(h[4:], uint16(id))
		binary.BigEndian.PutUint16(h[6:], 0x4000) // DF
		h[8] = p.ttl
		h[9] = proto
		h[10], h[11] = 0, 0
		copy(h[12:16], p.src[:4])
		copy(h[16:20], p.dst[:4])
		binary.BigEndian.PutUint16(h[10:], checksum(sum(0, h)))
		l4Off = ipOff + 20
	}
	clear(b[l4Off+l4 : p.frameLen(l4)])
	return ipOff, l4Off
}

// pseudoSum is the unfolded sum of the transport pseudo-header for a
// segment of l4 bytes of protocol proto.
func (p *path) pseudoSum(proto uint8, l4 int) uint64 {
	if p.v6 {
		return sum(0, p.src[:]) + sum(0, p.dst[:]) + uint64(l4) + uint64(proto)
	}
	return sum(0, p.src[:4]) + sum(0, p.dst[:4]) + uint64(l4) + uint64(proto)
}

// finish writes the transport checksum of the segment seg (header and
// payload, checksum field zero). hdr bytes of seg are summed here; the sum
// of the rest is given as rest, so callers with a precomputed payload sum
// need not read it again. ICMPv4 has no pseudo-header; UDP's zero is sent
// as 0xffff.
func (p *path) finish(seg []byte, proto uint8, hdr int, rest uint64) {
	acc := sum(rest, seg[:hdr])
	if proto != protoICMP {
		acc += p.pseudoSum(proto, len(seg))
	}
	c := checksum(acc)
	switch proto {
	case protoTCP:
		binary.BigEndian.PutUint16(seg[16:], c)
	case protoUDP:
		if c == 0 {
			c = 0xffff
		}
		binary.BigEndian.PutUint16(seg[6:], c)
	default: // ICMP, ICMPv6
		binary.BigEndian.PutUint16(seg[2:], c)
	}
}

// finishAll checksums a whole segment whose payload is already in place.
func (p *path) finishAll(seg []byte, proto uint8) { p.finish(seg, proto, len(seg), 0) }

// putTCP writes a TCP header with options opts (a multiple of 4 bytes) and
// a zero checksum; it returns the header length.
func putTCP(b []byte, sport, dport uint16, seq, ack uint32, flags uint8, win uint16, opts []byte) int {
	n := 20 + len(opts)
	binary.BigEndian.PutUint16(b[0:], sport)
	binary.BigEndian.PutUint16(b[2:], dport)
	binary.BigEndian.PutUint32(b[4:], seq)
	binary.BigEndian.PutUint32(b[8:], ack)
	b[12] = byte(n/4) << 4
	b[13] = flags
	binary.BigEndian.PutUint16(b[14:], win)
	b[16], b[17], b[18], b[19] = 0, 0, 0, 0
	copy(b[20:n], opts)
	return n
}

// putUDP writes a UDP header for a datagram of length bytes (header
// included) with a zero checksum.
func putUDP(b []byte, sport, dport uint16, length int) {
	binary.BigEndian.PutUint16(b[0:], sport)
	binary.BigEndian.PutUint16(b[2:], dport)
	binary.BigEndian.PutUint16(b[4:], uint16(length))
	b[6], b[7] = 0, 0
}

// putICMP writes an ICMP or ICMPv6 header: type, code, zero checksum and
// the 4-byte rest-of-header (echo id and sequence, or unused zeros).
func putICMP(b []byte, typ, code uint8, id, seq uint16) {
	b[0], b[1], b[2], b[3] = typ, code, 0, 0
	binary.BigEndian.PutUint16(b[4:], id)
	binary.BigEndian.PutUint16(b[6:], seq)
}

// synOptions writes the options of a Linux SYN: MSS, SACK permitted,
// timestamps (TSval tsval, TSecr tsecr) and window scale, 20 bytes.
func synOptions(b []byte, mss uint16, tsval, tsecr uint32, wscale uint8) []byte {
	b = b[:20]
	b[0], b[1] = 2, 4
	binary.BigEndian.PutUint16(b[2:], mss)
	b[4], b[5] = 4, 2
	b[6], b[7] = 8, 10
	binary.BigEndian.PutUint32(b[8:], tsval)
	binary.BigEndian.PutUint32(b[12:], tsecr)
	b[16] = 1
	b[17], b[18], b[19] = 3, 3, wscale
	return b
}

// synOptTSval is the offset of TSval inside the options synOptions writes.
const synOptTSval = 8

// putDatagram writes a whole UDP datagram carrying payload along p into dst
// (sized by p.frameLen(8+len(payload))): link and IP headers with IP id id,
// the UDP header, the payload, and every checksum.
func (p *path) putDatagram(dst []byte, id uint32, sport, dport uint16, payload []byte) {
	l4 := 8 + len(payload)
	_, off := p.put(dst, protoUDP, id, l4)
	seg := dst[off : off+l4]
	putUDP(seg, sport, dport, l4)
	copy(seg[8:], payload)
	p.finishAll(seg, protoUDP)
}

// fragHeaderLen is the length of the IPv6 fragment header.
const fragHeaderLen = 8

// fragmentLen is the frame length of an IP fragment along p carrying n
// bytes of its datagram's data, padded to the Ethernet minimum.
func (p *path) fragmentLen(n int) int {
	if p.v6 {
		n += fragHeaderLen
	}
	return max(p.l2Len()+p.l3Len()+n, minFrame)
}

// fragmentData is the most data bytes an IP fragment along p may carry in
// an IP packet of at most mtu bytes: a multiple of 8.
func (p *path) fragmentData(mtu int) int {
	n := mtu - p.l3Len()
	if p.v6 {
		n -= fragHeaderLen
	}
	return n &^ 7
}

// putFragment writes into dst (sized by p.fragmentLen(len(data))) the IP
// fragment of a datagram of protocol proto whose data, from byte off of the
// datagram's transport bytes, is data: the IPv4 header with the fragment
// offset and the more-fragments bit (DF clear), or the IPv6 header and a
// fragment header; id is the identification (IPv4: its low 16 bits).
func (p *path) putFragment(dst []byte, proto uint8, id uint32, off int, more bool, data []byte) {
	if !p.v6 {
		ipOff, l4Off := p.put(dst, proto, id, len(data))
		h := dst[ipOff : ipOff+20]
		fo := uint16(off / 8)
		if more {
			fo |= 0x2000
		}
		binary.BigEndian.PutUint16(h[6:], fo)
		h[10], h[11] = 0, 0
		binary.BigEndian.PutUint16(h[10:], checksum(sum(0, h)))
		copy(dst[l4Off:], data)
		return
	}
	_, l4Off := p.put(dst, 44, 0, fragHeaderLen+len(data))
	f := dst[l4Off : l4Off+fragHeaderLen]
	f[0], f[1] = proto, 0
	fo := uint16(off)
	if more {
		fo |= 1
	}
	binary.BigEndian.PutUint16(f[2:], fo)
	binary.BigEndian.PutUint32(f[4:], id)
	copy(dst[l4Off+fragHeaderLen:], data)
}

// appendAddr appends a's 4 or 16 bytes.
func appendAddr(b []byte, a netip.Addr) []byte {
	if a.Is4() {
		v := a.As4()
		return append(b, v[:]...)
	}
	v := a.As16()
	return append(b, v[:]...)
}
