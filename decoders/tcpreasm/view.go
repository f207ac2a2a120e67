package tcpreasm

import (
	"net/netip"

	"github.com/pcapflow/pcapflow/pipeline"
)

// view is the TCP segment one packet carries: its outer TCP header, or the
// TCP header of the packet tunnelled in a GTP-U G-PDU. It is a plain value
// made once per packet, so reading it allocates nothing.
type view struct {
	src, dst     netip.Addr
	sport, dport uint16
	flags        uint16
	seq, ack     uint32
	win          uint16
	// payOff and payLen locate the captured TCP payload in the frame.
	payOff, payLen uint32
	// inner is set when the TCP header is the tunnelled one of the frame;
	// tunnelled also when the segment came out of a tunnel through
	// reassembly of its fragments.
	inner, tunnelled bool
}

// viewOf returns the TCP segment of d, taking the outer TCP header when
// there is one, else the tunnelled one; ok is false when the packet carries
// no attributable TCP segment. A G-PDU in the first fragment of an outer
// datagram holds only the start of its inner segment and is not taken
// (see defrag).
func viewOf(d *pipeline.Decoded) (v view, ok bool) {
	switch {
	case d.Layers.Has(pipeline.LayerTCP):
		if d.Layers&(pipeline.LayerIPv4|pipeline.LayerIPv6) == 0 || d.IP.Proto != 6 ||
			d.Flags&pipeline.FlagNonFirstFragment != 0 || !d.IP.Src.IsValid() {
			return view{}, false
		}
		return view{src: d.IP.Src, dst: d.IP.Dst, sport: d.IP.SrcPort, dport: d.IP.DstPort,
			flags: d.TCPFlags, seq: d.TCPSeq, ack: d.TCPAck, win: d.TCPWindow,
			payOff: d.PayloadOffset, payLen: d.PayloadLen}, true
	case d.Layers.Has(pipeline.LayerInnerTCP):
		if d.Layers&(pipeline.LayerInnerIPv4|pipeline.LayerInnerIPv6) == 0 || d.Inner.Proto != 6 ||
			outerFragment(d) || !d.Inner.Src.IsValid() {
			return view{}, false
		}
		return view{src: d.Inner.Src, dst: d.Inner.Dst, sport: d.Inner.SrcPort, dport: d.Inner.DstPort,
			flags: d.InnerTCPFlags, seq: d.InnerTCPSeq, ack: d.InnerTCPAck, win: d.InnerTCPWindow,
			payOff: d.InnerPayloadOffset, payLen: d.InnerPayloadLen, inner: true, tunnelled: true}, true
	}
	return view{}, false
}

// outerFragment reports whether d's outer IP packet is a fragment (an
// IPv6 fragment header with offset 0 and no more fragments, an atomic
// fragment, is not).
func outerFragment(d *pipeline.Decoded) bool {
	return d.Layers.Has(pipeline.LayerFragment) && (d.FragOffset != 0 || d.MoreFragments)
}

// ipOffset returns the frame offset of the IP header that carries v's TCP
// header: the outer one, or the tunnelled one (after a GTP-U, VXLAN,
// Geneve, GRE or IP-in-IP header), as the decoder located it.
func (v *view) ipOffset(d *pipeline.Decoded) int {
	if v.inner {
		return int(d.InnerIPOffset)
	}
	return int(d.IPOffset)
}
