// Package decoders is pcapflow's decode stage: it fills a pipeline.Decoded
// for every frame of a batch, with no heap allocation per packet.
//
// A Decoder is one worker's reusable state. Decode resets the output and walks
// the headers with a small hand-written dispatch loop (link type → optional
// VLAN tags → IPv4/IPv6 with extension headers → TCP/UDP/SCTP/ICMP), copying
// each header's fields into the Decoded value as soon as they are read. That
// is why one instance per layer type is enough even for QinQ and tunnels: no
// layer object has to survive the decoding of the next header, and the IP
// functions take an inner flag so the GTP-U decoder can reuse them for the
// tunnelled packet (filling Decoded.Inner and the Inner* layer bits).
//
// # gopacket or hand-written
//
// gopacket.DecodingLayerParser is not used: it keeps one decoder per layer
// type (so a second VLAN tag or a tunnelled IP header would overwrite the
// first), and it reports unsupported or broken layers as allocated errors.
//
// gopacket's DecodingLayer types (reused per Decoder) decode 802.1Q/802.1ad
// tags, Linux SLL, Linux SLL2, ICMPv4 and ICMPv6. Each
// call is guarded by a length check first, so their error branches (which
// build an error value with errors.New or fmt.Errorf on every short packet:
// BenchmarkGopacketTCPShort shows the cost) are never reached; with the
// guards they decode without allocating. One Dot1Q serves any number of
// tags, because each tag's fields are copied out before the next is read.
//
// These headers are parsed by hand, because gopacket is wrong for this use or
// allocates per packet:
//   - BSD NULL and OpenBSD LOOP: the family must be read in either byte order
//     and, as Wireshark does, an Ethertype may stand in the header (for
//     example 0f 00 08 00 is IPv4); layers.Loopback knows neither.
//   - IPv4: layers.IPv4 does not check the version, allocates an option slice
//     on the first packet with options and an error value for every bad
//     length or option, and drops the header's fields when the options are
//     cut by the snap length.
//   - IPv6: layers.IPv6 allocates a hop-by-hop header and its options for
//     every packet that carries one (BenchmarkGopacketIPv6HopByHop measures
//     it) and its extension layers are one type each, so walking a chain
//     would need one decoder per header kind anyway.
//   - TCP: we need the fixed 20 bytes only; layers.TCP parses every option
//     and allocates an error for each malformed option list.
//   - Ethernet and UDP: fixed headers whose fields are copied out; the
//     gopacket layers cost more (slice headers stored with write barriers)
//     than reading the bytes, on every packet of a capture.
//   - SCTP and ARP: only the ports, or the presence of the header, are kept.
//
// # Problems
//
// A frame that ends inside a header sets pipeline.FlagTruncated when the
// frame was cut by the snap length (captured length < original length) and
// the header ran past the captured bytes, and pipeline.FlagMalformed
// otherwise (the header does not fit in its IP packet, or a field is
// inconsistent). Either way the fields decoded before the problem are kept:
// a TCP, UDP or SCTP header cut after its ports keeps the ports in the tuple
// but not its layer bit (its other fields are unknown). An IPv4 total length
// of 0 is taken as "the rest of the frame", as TCP segmentation offload
// writes it. Bytes after the IP packet's declared end (Ethernet padding) are
// never payload.
//
// # ICMP errors
//
// An ICMP or ICMPv6 error that quotes an IP packet sets
// pipeline.FlagInICMPError. Its tuple is the ICMP packet's own, with ports 0;
// the quoted packet is not decoded into the tuple. A GTP or PFCP message
// quoted by an ICMP error is therefore never marked LayerGTPU, LayerGTPC or
// LayerPFCP: only datagrams carried directly count.
//
// # Mobile core
//
// UDP datagrams to or from the GTP-U, GTP-C and PFCP ports (Options; the
// destination port is tried first) are decoded by the header decoders of
// decoders/gtpu, decoders/gtpc and decoders/pfcp, without allocating:
//   - GTP-U (2152): LayerGTPU, TEID, GTPType and, from a PDU Session
//     Container, QFI. A G-PDU (type 255, the only message that carries user
//     traffic) has its tunnelled IPv4/IPv6 packet decoded into Inner and the
//     Inner* layer bits; other payloads (PPP, Ethernet PDU sessions) are left
//     alone.
//   - GTP-C (2123): a GTPv2-C header sets LayerGTPC, GTPCType, GTPCHasTEID,
//     GTPCTEID and GTPCSeq. A GTPv1-C header (TS 29.060, same port) sets the
//     same fields (GTPCHasTEID is always true in v1, GTPCSeq is 0 without the
//     S flag) and, to tell it from v2, also GTPType = its message type, which
//     a GTPv2-C packet leaves 0 and no GTPv1 message type is: GTPCVersion
//     reads that convention.
//   - PFCP (8805): LayerPFCP, PFCPType, PFCPHasSEID, PFCPSEID and PFCPSeq of
//     the first message, PFCPMessages the number of messages chained with
//     the FO flag. The layer is set once the whole header (8 or 16 bytes) is
//     present, even if it then proves inconsistent.
//
// # Other tunnels and encapsulations
//
// See encap.go for MPLS (with Ethernet pseudowires) and PPPoE, whose IP
// packet is the packet's own, and tunnel_overlay.go for VXLAN (UDP 4789),
// Geneve (UDP 6081), GRE with ERSPAN, and IP in IP, whose tunnelled packet
// is decoded into Inner like a G-PDU's. A tunnel inside a tunnelled packet
// is not followed.
//
// A message that ends early is FlagTruncated when the UDP datagram itself
// was cut by the snap length, FlagMalformed when the datagram was complete
// (the message's length field is wrong), and neither when the datagram is a
// first IP fragment (the rest is in the next fragment). A bad version, a
// length field smaller than the header or trailing bytes after the last
// PFCP message are FlagMalformed. The decode stage counts these packets in
// Counts.TunnelMalformed and Counts.TunnelTruncated.
package decoders

import (
	"encoding/binary"

	"github.com/gopacket/gopacket/layers"
	"github.com/pcapflow/pcapflow/decoders/gtpc"
	"github.com/pcapflow/pcapflow/decoders/gtpu"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Options configures a Decoder. The zero value uses the standard ports.
type Options struct {
	// GTPUPort, GTPCPort and PFCPPort are the main UDP ports whose payloads
	// go to the GTP-U, GTP-C and PFCP decoders; zero selects the IANA port
	// (2152, 2123 and 8805).
	GTPUPort, GTPCPort, PFCPPort uint16
	// GTPUPorts, GTPCPorts and PFCPPorts are extra ports for the same
	// decoders, in addition to the main ones (the --gtpu-port, --gtpc-port
	// and --pfcp-port flags). A port listed for several protocols goes to
	// the first of GTP-U, GTP-C, PFCP; a zero entry is ignored.
	GTPUPorts, GTPCPorts, PFCPPorts []uint16
	// Decap strips the VXLAN, Geneve, GRE (ERSPAN) and IP-in-IP tunnels
	// of a capture made through a mirroring session or a tunnel endpoint:
	// the frame or packet they carry is decoded as the packet itself
	// (pipeline.LayerDecapsulated), so that its own tunnels (GTP-U) and
	// protocols (PFCP) are decoded too, at most maxDecap tunnels deep.
	Decap bool
}

// Standard UDP ports of the mobile-core protocols.
const (
	DefaultGTPUPort = 2152
	DefaultGTPCPort = 2123
	DefaultPFCPPort = 8805
)

func (o Options) withDefaults() Options {
	if o.GTPUPort == 0 {
		o.GTPUPort = DefaultGTPUPort
	}
	if o.GTPCPort == 0 {
		o.GTPCPort = DefaultGTPCPort
	}
	if o.PFCPPort == 0 {
		o.PFCPPort = DefaultPFCPPort
	}
	return o
}

// Decoder decodes frames into pipeline.Decoded values. It holds reusable
// layer decoders, so each worker needs its own; it is not safe for
// concurrent use.
type Decoder struct {
	opts  Options
	ports portTable

	// Mobile-core header decoders, reused for every packet.
	gtpuHdr gtpu.Header
	gtpcHdr gtpc.Header

	dot1q layers.Dot1Q
	sll   layers.LinuxSLL
	sll2  layers.LinuxSLL2
	icmp4 layers.ICMPv4
	icmp6 layers.ICMPv6

	// cut is true while decoding a frame whose captured bytes are fewer
	// than its original length.
	cut bool
	// innerBase is the frame offset of the tunnel payload that inner
	// (GTP-U G-PDU) offsets are relative to while it is decoded.
	innerBase int
	// firstFragment is true while decoding the transport header of a first
	// fragment (offset 0, more fragments follow), whose length fields may
	// describe more bytes than the fragment holds.
	firstFragment bool
	// pwDepth counts the MPLS pseudowires decoded in the current frame.
	pwDepth int
	// frame is the frame being decoded and decaps the tunnels stripped
	// from it (Options.Decap).
	frame  []byte
	decaps int
	// tunnel records problems of the current frame's GTP-U, GTP-C or PFCP
	// content, for the stage's counters.
	tunnel tunnelProblem
}

// NewDecoder returns a Decoder configured by opts.
func NewDecoder(opts Options) *Decoder {
	o := opts.withDefaults()
	return &Decoder{opts: o, ports: newPortTable(o)}
}

// Link types decoded (LINKTYPE_* numbers).
const (
	LinkNull     = 0
	LinkEthernet = 1
	LinkPPP      = 9
	LinkRaw12    = 12
	LinkRaw14    = 14
	LinkPPPHDLC  = 50 // PPP in HDLC-like framing, or Cisco PPP with HDLC framing
	LinkPPPoE    = 51 // PPPoE session header then PPP, without Ethernet
	LinkRaw      = 101
	LinkCHDLC    = 104 // Cisco HDLC
	LinkLoop     = 108
	LinkLinuxSLL = 113
	LinkIPv4     = 228
	LinkIPv6     = 229
	LinkNFLOG    = 239 // Linux netfilter NFLOG
	LinkSLL2     = 276
)

// Decode fills out (resetting it first) from the frame bytes data captured on
// a link of type linkType. origLen is the frame's length on the wire; when it
// exceeds len(data), headers running past the captured bytes are reported as
// truncated rather than malformed. Decode never panics and never allocates.
func (d *Decoder) Decode(data []byte, linkType uint16, origLen uint32, out *pipeline.Decoded) {
	out.Reset()
	d.tunnel = 0
	d.pwDepth = 0
	if d.opts.Decap {
		d.frame, d.decaps = data, 0
	}
	d.cut = uint64(origLen) > uint64(len(data))
	switch linkType {
	case LinkEthernet:
		d.decodeEthernet(data, out)
	case LinkLinuxSLL:
		d.decodeSLL(data, out)
	case LinkSLL2:
		d.decodeSLL2(data, out)
	case LinkNull:
		d.decodeNull(data, out)
	case LinkLoop:
		d.decodeLoop(data, out)
	case LinkRaw, LinkRaw12, LinkRaw14:
		d.decodeRawIP(data, 0, out)
	case LinkIPv4:
		out.EtherType = etherIPv4
		d.decodeIPv4(data, 0, false, out)
	case LinkIPv6:
		out.EtherType = etherIPv6
		d.decodeIPv6(data, 0, false, out)
	case LinkPPP, LinkPPPHDLC:
		d.decodePPPLink(data, out)
	case LinkPPPoE:
		d.decodePPPoE(data, 0, out)
	case LinkCHDLC:
		d.decodeCHDLC(data, out)
	case LinkNFLOG:
		d.decodeNFLOG(data, out)
	default:
		out.Flags |= pipeline.FlagUnknownLink
	}
}

// short records a header that runs past the bytes it may use. bounded says
// whether the limit hit was the end of the captured bytes (rather than a
// length field of an enclosing header): only then can the snap length be the
// cause.
func (d *Decoder) short(bounded bool, out *pipeline.Decoded) {
	if bounded && d.cut {
		out.Flags |= pipeline.FlagTruncated
	} else {
		out.Flags |= pipeline.FlagMalformed
	}
}

func be16(b []byte) uint16 { return binary.BigEndian.Uint16(b) }
func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }
