package parquet

import (
	"encoding/binary"
	"net"
	"net/netip"
	"strconv"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/pcapflow/pcapflow/internal/ranges"
	"github.com/pcapflow/pcapflow/internal/testcap"
)

// fragExtra returns, per tshark conversation and direction (A to B, B to
// A), the frame bytes of IP fragments that the flows table counts and
// tshark's conversation tables do not, and how many fragmented datagrams
// became whole. tshark counts a fragmented datagram once, at the fragment
// that completes it and with that frame's length; the flows table counts
// it once too, with the frames of all its fragments, those that came before
// the first one included (and of duplicates that arrive after it was
// whole), and a datagram without its first fragment not at all. Fragments are read
// with gopacket, apart from pcapflow's decoders: outer IPv4 and IPv6
// fragments and tunnelled IPv4 fragments in GTP-U; an outer datagram
// carrying a G-PDU counts for the tunnelled conversation too.
func fragExtra(t *testing.T, path string) (map[convKey][2]int64, int) {
	type datagram struct {
		first, done   bool
		own, carried  convSide
		got           ranges.Set
		total         int
		frames, extra int64
	}
	out := map[convKey][2]int64{}
	add := func(tu convSide, n int64) {
		if !tu.ok {
			return
		}
		v := out[tu.key]
		if tu.aToB {
			v[0] += n
		} else {
			v[1] += n
		}
		out[tu.key] = v
	}
	pending := map[fragKey]*datagram{}
	whole := 0
	// seen handles one fragment of frame length n: data [lo, hi) of the
	// datagram k, the last one when last; first fragments give the
	// conversation tuples.
	seen := func(k fragKey, lo, hi int, last bool, n int64, own, carried convSide) {
		g := pending[k]
		if g == nil || (lo == 0 && g.done) {
			g = &datagram{total: -1}
			pending[k] = g
		}
		if g.done {
			add(g.own, n)
			add(g.carried, n)
			return
		}
		if lo == 0 {
			g.first, g.own, g.carried = true, own, carried
		}
		g.frames += n
		g.got.Add(lo, hi)
		if last {
			g.total = hi
		}
		if g.first && g.total >= 0 && g.got.Whole(g.total) {
			g.done = true
			whole++
			add(g.own, g.frames-n)
			add(g.carried, g.frames-n)
		}
	}
	for _, f := range testcap.Read(t, path) {
		pkt := gopacket.NewPacket(f.Data, layers.LinkType(f.LinkType), gopacket.Default)
		fp, ok := fragmentIn(pkt)
		if !ok {
			continue
		}
		k, data := fp.k, fp.data
		var own, carried convSide
		if fp.lo == 0 {
			own = convTuple(k.src, k.dst, k.proto, data)
			if k.proto == 17 && !k.inner && len(data) > 8 &&
				(binary.BigEndian.Uint16(data) == 2152 || binary.BigEndian.Uint16(data[2:]) == 2152) {
				carried = carriedTuple(data[8:])
			}
		}
		seen(k, fp.lo, fp.hi, fp.last, int64(f.OrigLen), own, carried)
	}
	return out, whole
}

// fragKey identifies a fragmented datagram; inner marks one tunnelled in
// GTP-U.
type fragKey struct {
	src, dst netip.Addr
	id       uint32
	proto    uint8
	inner    bool
}

// fragPiece is one IP fragment: its datagram, the data range [lo, hi) it
// holds (data), and whether it is the datagram's last.
type fragPiece struct {
	k      fragKey
	lo, hi int
	last   bool
	data   []byte
}

// fragmentIn returns the first IP fragment in pkt, outer or tunnelled in
// GTP-U (IPv4 and IPv6), as gopacket reads it.
func fragmentIn(pkt gopacket.Packet) (fragPiece, bool) {
	var ip6 *layers.IPv6 // the header a fragment header extends
	for _, l := range pkt.Layers() {
		switch l := l.(type) {
		case *layers.IPv6:
			ip6 = l
		case *layers.IPv4:
			if l.Flags&layers.IPv4MoreFragments == 0 && l.FragOffset == 0 {
				// Not fragmented: look inside a G-PDU for a
				// tunnelled fragment.
				continue
			}
			lo := int(l.FragOffset) * 8
			return fragPiece{
				k:  fragKey{src: addrOf(l.SrcIP), dst: addrOf(l.DstIP), id: uint32(l.Id), proto: uint8(l.Protocol), inner: hasGTPU(pkt, l)},
				lo: lo, hi: lo + len(l.Payload), last: l.Flags&layers.IPv4MoreFragments == 0, data: l.Payload,
			}, true
		case *layers.IPv6Fragment:
			if ip6 == nil {
				continue
			}
			lo := int(l.FragmentOffset) * 8
			return fragPiece{
				k:  fragKey{src: addrOf(ip6.SrcIP), dst: addrOf(ip6.DstIP), id: l.Identification, proto: uint8(l.NextHeader), inner: hasGTPU(pkt, l)},
				lo: lo, hi: lo + len(l.Payload), last: !l.MoreFragments, data: l.Payload,
			}, true
		}
	}
	return fragPiece{}, false
}

// convSide is a tshark conversation and a direction in it; ok is false
// for none.
type convSide struct {
	key      convKey
	aToB, ok bool
}

// convTuple returns the tshark conversation a datagram from src to dst
// belongs to, from its protocol and the first bytes of its payload (TCP
// and UDP only).
func convTuple(src, dst netip.Addr, proto uint8, payload []byte) (tu convSide) {
	var name string
	switch proto {
	case 6:
		name = "tcp"
	case 17:
		name = "udp"
	default:
		return tu
	}
	if len(payload) < 4 {
		return tu
	}
	sp, dp := binary.BigEndian.Uint16(payload), binary.BigEndian.Uint16(payload[2:])
	a, b, ap, bp := src.String(), dst.String(), sp, dp
	tu.aToB = true
	if lessEndpoint(b, bp, a, ap) {
		a, b, ap, bp, tu.aToB = b, a, bp, ap, false
	}
	tu.key = convKey{name, a, b, strconv.Itoa(int(ap)), strconv.Itoa(int(bp))}
	tu.ok = true
	return tu
}

// carriedTuple returns the conversation of the IP packet in a G-PDU (the
// GTP-U message gtp, cut short by the fragmentation), when it is not itself
// a fragment. gopacket refuses a GTP-U message shorter than its header
// says, so the headers are read here.
func carriedTuple(gtp []byte) (tu convSide) {
	if len(gtp) < 8 || gtp[0]>>5 != 1 || gtp[1] != 255 {
		return tu
	}
	off := 8
	if gtp[0]&0x07 != 0 {
		// Sequence number, N-PDU number and next extension type, then
		// the extension headers (length in 4-byte units).
		off = 12
		for next := gtp[11]; next != 0; {
			if off >= len(gtp) || gtp[off] == 0 {
				return tu
			}
			n := int(gtp[off]) * 4
			if off+n > len(gtp) {
				return tu
			}
			next = gtp[off+n-1]
			off += n
		}
	}
	ip := gtp[off:]
	switch {
	case len(ip) >= 20 && ip[0]>>4 == 4:
		ihl := int(ip[0]&0x0f) * 4
		if binary.BigEndian.Uint16(ip[6:])&0x3fff != 0 || len(ip) < ihl {
			return tu
		}
		src, dst := netip.AddrFrom4([4]byte(ip[12:16])), netip.AddrFrom4([4]byte(ip[16:20]))
		return convTuple(src, dst, ip[9], ip[ihl:])
	case len(ip) >= 40 && ip[0]>>4 == 6:
		src, dst := netip.AddrFrom16([16]byte(ip[8:24])), netip.AddrFrom16([16]byte(ip[24:40]))
		return convTuple(src, dst, ip[6], ip[40:])
	}
	return tu
}

// hasGTPU reports whether layer ip comes after a GTP-U header in pkt: it
// is (in) the tunnelled packet.
func hasGTPU(pkt gopacket.Packet, ip gopacket.Layer) bool {
	for _, l := range pkt.Layers() {
		if l == ip {
			return false
		}
		if l.LayerType() == layers.LayerTypeGTPv1U {
			return true
		}
	}
	return false
}

func addrOf(ip net.IP) netip.Addr {
	a, _ := netip.AddrFromSlice(ip)
	return a.Unmap()
}

// completingFrames maps the frame at which each fragmented outer IP
// datagram of the capture at path becomes whole (where tshark shows what it
// carries) to the frame of its first fragment (where the gtp table has its
// row), frame numbers as text; incomplete holds the first fragments of the
// datagrams that never become whole (tshark shows them as data). Fragments
// are read with gopacket.
func completingFrames(t *testing.T, path string) (firsts map[string]string, incomplete map[string]bool) {
	type datagram struct {
		first int
		got   ranges.Set
		total int
	}
	pending := map[fragKey]*datagram{}
	out := map[string]string{}
	for i, f := range testcap.Read(t, path) {
		fp, ok := fragmentIn(gopacket.NewPacket(f.Data, layers.LinkType(f.LinkType), gopacket.Default))
		if !ok || fp.k.inner {
			continue
		}
		k, lo, hi, last := fp.k, fp.lo, fp.hi, fp.last
		g := pending[k]
		if g == nil {
			g = &datagram{total: -1}
			pending[k] = g
		}
		if lo == 0 {
			g.first = i + 1
		}
		g.got.Add(lo, hi)
		if last {
			g.total = hi
		}
		if g.first > 0 && g.total >= 0 && g.got.Whole(g.total) {
			out[strconv.Itoa(i+1)] = strconv.Itoa(g.first)
			delete(pending, k)
		}
	}
	incomplete = map[string]bool{}
	for _, g := range pending {
		if g.first > 0 {
			incomplete[strconv.Itoa(g.first)] = true
		}
	}
	return out, incomplete
}
