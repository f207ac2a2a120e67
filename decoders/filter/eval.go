package filter

import (
	"encoding/binary"

	"github.com/pcapflow/pcapflow/pipeline"
)

// frame is the state of one evaluation. A load outside the captured bytes
// sets bad, which makes the whole filter reject the frame (a BPF program
// returns 0 on such a load).
type frame struct {
	data  []byte
	wire  uint32
	class linkClass
	pl    int32 // offset of the link payload
	bad   bool
}

// Match reports whether the frame data, captured on a link of type
// linkType, passes the filter. The wire length used by "len", "greater" and
// "less" is taken to be len(data); use MatchFrame when it is known. d may be
// nil: verdicts follow libpcap, which reads only the bytes (see the package
// documentation). Match does not allocate.
func (f *Filter) Match(data []byte, linkType uint16, d *pipeline.Decoded) bool {
	return f.MatchFrame(data, uint32(len(data)), linkType, d)
}

// MatchFrame is Match with the frame's length on the wire (origLen).
func (f *Filter) MatchFrame(data []byte, origLen uint32, linkType uint16, _ *pipeline.Decoded) bool {
	if f.root == nil {
		return true
	}
	cl := classOf(linkType)
	if cl == linkUnknown || !f.linkOK[cl] {
		return false
	}
	fr := frame{data: data, wire: origLen, class: cl, pl: payloadOffset[cl]}
	return fr.run(f.prog, f.entry)
}

// MatchPacket matches packet p of batch b.
func (f *Filter) MatchPacket(b *pipeline.Batch, p *pipeline.Packet) bool {
	return f.MatchFrame(b.Bytes(p), p.OrigLen, p.LinkType, &p.Decoded)
}

// load reads size bytes big-endian at pos.
func (fr *frame) load(pos int64, size uint8) uint32 {
	if pos < 0 || pos+int64(size) > int64(len(fr.data)) {
		fr.bad = true
		return 0
	}
	b := fr.data[pos:]
	switch size {
	case 1:
		return uint32(b[0])
	case 2:
		return uint32(binary.BigEndian.Uint16(b))
	}
	return binary.BigEndian.Uint32(b)
}

// position returns where offset off from base b (with a vlan/mpls shift)
// sits in the frame.
func (fr *frame) position(b base, shift, off int32) int64 {
	switch b {
	case baseLink:
		return int64(off)
	case baseLT:
		lt := int64(12) // only Ethernet gets here (Check refuses the others)
		if fr.class == linkSLL {
			lt = 14
		}
		return lt + int64(shift) + int64(off)
	case baseNet:
		return int64(fr.pl) + int64(shift) + int64(off)
	}
	net := int64(fr.pl) + int64(shift)
	hl := fr.load(net, 1)
	return net + int64(hl&0x0f)*4 + int64(off)
}

func compare(rel relop, v, k uint32) bool {
	switch rel {
	case rEq:
		return v == k
	case rNe:
		return v != k
	case rLt:
		return v < k
	case rLe:
		return v <= k
	case rGt:
		return v > k
	case rGe:
		return v >= k
	}
	return v != 0 // rSet: the mask was applied already
}

func (fr *frame) value(v *val) uint32 {
	switch v.op {
	case vConst:
		return v.k
	case vLen:
		return fr.wire
	case vLoad:
		pos := fr.position(v.base, v.shift, v.off)
		if v.a != nil {
			pos += int64(fr.value(v.a))
		}
		if fr.bad {
			return 0
		}
		return fr.load(pos, v.size)
	case vNeg:
		return -fr.value(v.a)
	}
	x := fr.value(v.a)
	y := fr.value(v.b)
	r, ok := binopOK(v.op, x, y)
	if !ok {
		fr.bad = true
	}
	return r
}

// linkType tests whether the link layer says the payload is Ethertype
// etype, the way libpcap does for each link type.
func (fr *frame) linkType(etype uint32, shift int32) bool {
	switch fr.class {
	case linkEthernet, linkSLL:
		at := int64(12)
		llc := uint32(0)
		if fr.class == linkSLL {
			at, llc = 14, 4 // LINUX_SLL_P_802_2
		}
		at += int64(shift)
		t := fr.load(at, 2)
		if fr.bad {
			return false
		}
		if etype > 1500 {
			return t == etype
		}
		if fr.class == linkEthernet && t > 1500 || fr.class == linkSLL && t != llc {
			return false
		}
		dsap := fr.load(at+2, 1)
		return !fr.bad && dsap == etype
	case linkSLL2:
		t := fr.load(0, 2)
		return !fr.bad && t == etype
	case linkNull, linkLoop:
		w := fr.load(0, 4)
		if fr.bad {
			return false
		}
		if fr.class == linkNull {
			w = w>>24 | w>>8&0xff00 | w<<8&0xff0000 | w<<24 // host (little-endian) order
		}
		switch etype {
		case etherIP:
			return w == 2
		case etherIPv6:
			return w == 24 || w == 28 || w == 30
		}
		return false
	case linkRaw:
		v := fr.load(0, 1)
		switch etype {
		case etherIP:
			return !fr.bad && v&0xf0 == 0x40
		case etherIPv6:
			return !fr.bad && v&0xf0 == 0x60
		}
		return false
	case linkIPv4:
		return etype == etherIP
	case linkPPP, linkPPPSerial, linkPPPoE, linkCHDLC:
		at := int64(2)
		if fr.class == linkPPPoE {
			at = 6
		}
		t := fr.load(at+int64(shift), 2)
		if fr.bad {
			return false
		}
		if fr.class == linkCHDLC {
			return t == etype
		}
		return t == pppProtocol(etype)
	case linkIPv6:
		return etype == etherIPv6
	}
	return false
}
