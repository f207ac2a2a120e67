package pipeline

import (
	"net/netip"
	"sync/atomic"
)

// CaptureInfo is what the capture file (or live source) says about one frame.
type CaptureInfo struct {
	// Timestamp is the capture time in nanoseconds since the Unix epoch.
	Timestamp int64
	// Offset is the byte offset of the frame's record in its (decompressed) input.
	Offset int64
	// Frame is the 1-based number of the frame in its input, as tshark counts.
	Frame uint64
	// CapLen is the number of bytes captured; OrigLen the length on the wire.
	CapLen, OrigLen uint32
	// Input identifies the input in the run's Inputs table.
	Input InputID
	// Interface is the pcapng interface index (0 for pcap).
	Interface uint32
	// LinkType is the frame's link-layer header type (LINKTYPE_* number).
	LinkType uint16
	// TsDigits is the timestamp resolution of the input as decimal digits
	// after the second: 6 for microseconds, 9 for nanoseconds.
	TsDigits uint8
}

// Packet is one frame of a Batch: capture information, where its bytes sit in
// the batch arena, and what the decode stage found in it.
type Packet struct {
	CaptureInfo
	start, end uint32
	// Decoded is filled by the decode stage; zero before it runs.
	Decoded Decoded
}

// Layers is a bit set of the headers a packet was found to carry.
type Layers uint32

// Layer bits. Outer headers have plain names; headers inside a tunnel
// (a GTP-U G-PDU, VXLAN, Geneve, GRE, IP in IP) are the Inner* bits.
const (
	LayerEthernet Layers = 1 << iota
	LayerVLAN
	LayerLinuxSLL
	LayerLinuxSLL2
	LayerLoopback
	LayerARP
	LayerIPv4
	LayerIPv6
	LayerFragment // the outer IP packet is a fragment (first or not)
	LayerTCP
	LayerUDP
	LayerICMPv4
	LayerICMPv6
	LayerSCTP
	LayerGTPU
	LayerGTPC
	LayerPFCP
	LayerInnerIPv4
	LayerInnerIPv6
	LayerInnerTCP
	LayerInnerUDP
	LayerInnerICMP
	LayerInnerSCTP
	// LayerMPLS: an MPLS label stack (Ethertype 0x8847 or 0x8848) sits
	// between the link and what follows it.
	LayerMPLS
	// LayerPWEthernet: the MPLS stack carries an Ethernet frame (a
	// pseudowire, RFC 4448); its headers follow.
	LayerPWEthernet
	// LayerPPPoE: a PPPoE session header (Ethertype 0x8864) and PPP
	// protocol field sit between the link and the network header.
	LayerPPPoE
	// Overlay tunnels over the outer IP packet; like a GTP-U G-PDU, the
	// packet they carry is decoded into Inner and the Inner* bits.
	LayerVXLAN  // VXLAN, UDP port 4789
	LayerGeneve // Geneve, UDP port 6081
	LayerGRE    // GRE version 0, ERSPAN types I-III included
	LayerIPinIP // IPv4 or IPv6 directly in the outer IP packet (protocols 4, 41)
	// LayerInnerEthernet: the tunnel carries an Ethernet frame (VXLAN,
	// Geneve, GRE transparent bridging, ERSPAN) before the inner IP header.
	LayerInnerEthernet
	// LayerDecapsulated: the frame came in a VXLAN, Geneve, GRE (ERSPAN)
	// or IP-in-IP tunnel that the decoder stripped (decoders.Options.Decap):
	// every other field describes the frame or packet it carried, at its
	// offsets in the captured frame.
	LayerDecapsulated
)

// Has reports whether every bit of x is set in l.
func (l Layers) Has(x Layers) bool { return l&x == x }

// DecodeFlags record problems and facts the decoder met; they never stop a run.
type DecodeFlags uint16

// Decode flags.
const (
	// FlagTruncated: the frame was cut by the snap length (CapLen < OrigLen)
	// before the end of a header the decoder needed.
	FlagTruncated DecodeFlags = 1 << iota
	// FlagMalformed: a header was inconsistent (bad length, bad version...).
	FlagMalformed
	// FlagUnknownLink: the link type is not one pcapflow decodes.
	FlagUnknownLink
	// FlagNonFirstFragment: the IP packet is a fragment with offset > 0, so it
	// carries no transport header.
	FlagNonFirstFragment
	// FlagInICMPError: the packet is an ICMP or ICMPv6 error quoting an IP
	// packet; IP holds the outer (ICMP) tuple with ports 0, never the quoted one.
	FlagInICMPError
)

// Has reports whether every bit of x is set in f.
func (f DecodeFlags) Has(x DecodeFlags) bool { return f&x == x }

// Flow is an addressed, directed transport tuple. Ports are zero when the
// protocol has none (ICMP, non-first fragments).
type Flow struct {
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16
	// Proto is the IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6...).
	Proto uint8
}

// Reverse returns the flow seen from the other end.
func (f Flow) Reverse() Flow {
	return Flow{Src: f.Dst, Dst: f.Src, SrcPort: f.DstPort, DstPort: f.SrcPort, Proto: f.Proto}
}

// Decoded is the per-packet summary the decode stage fills in. It is a plain
// value: no pointers into the arena, no heap allocation per packet.
type Decoded struct {
	Layers Layers
	Flags  DecodeFlags

	EthSrc, EthDst [6]byte
	// EtherType is the type of the payload after link and VLAN headers.
	EtherType uint16
	// VLAN holds up to two VLAN ids, outermost first; NumVLAN says how many
	// tags were present (it may exceed 2; only the first two are kept).
	VLAN    [2]uint16
	NumVLAN uint8
	// PWVLANs is how many of the NumVLAN tags belong to the Ethernet frame
	// of an MPLS pseudowire (LayerPWEthernet); they follow the outer
	// frame's tags.
	PWVLANs uint8
	// MPLSLabel is the outermost label of an MPLS stack (valid with
	// LayerMPLS), tshark's first mpls.label.
	MPLSLabel uint32

	// IP is the outermost IP header's tuple with the transport ports.
	IP  Flow
	TTL uint8
	// IPOffset is the frame offset of the outer IP header (valid with
	// LayerIPv4 or LayerIPv6).
	IPOffset uint16
	// IPID is the IPv4 identification or the IPv6 fragment identification.
	IPID uint32
	// IPLen is the outer IP packet's length as its header declares it:
	// the IPv4 total length, or 40 plus the IPv6 payload length; 0 when
	// the header was not read or declares 0 (segmentation offload, IPv6
	// jumbograms).
	IPLen uint32
	// FragOffset is the fragment offset in bytes; MoreFragments the MF bit.
	// A fragment with offset > 0 (FlagNonFirstFragment) has no transport
	// header: PayloadOffset and PayloadLen locate its fragment data.
	FragOffset    uint16
	MoreFragments bool
	// InnerMoreFragments, InnerFragOffset and InnerIPID are the same of the
	// tunnelled IP packet (valid with LayerInnerIPv4 or LayerInnerIPv6);
	// an inner fragment with offset > 0 has no transport header, and
	// InnerPayloadOffset and InnerPayloadLen locate its fragment data.
	// (The three fill padding between other fields.)
	InnerMoreFragments bool

	// TCP fields (valid with LayerTCP).
	TCPFlags  uint16 // FIN=0x01 SYN=0x02 RST=0x04 PSH=0x08 ACK=0x10 URG=0x20 ECE=0x40 CWR=0x80 NS=0x100
	TCPSeq    uint32
	TCPAck    uint32
	TCPWindow uint16

	// ICMP type and code (valid with LayerICMPv4 or LayerICMPv6).
	ICMPType, ICMPCode uint8

	// PayloadOffset and PayloadLen locate the outermost transport payload in
	// the frame (after TCP/UDP/ICMP headers), clipped to the captured bytes.
	PayloadOffset, PayloadLen uint32

	// GTP-U fields (valid with LayerGTPU). TEID and GTPType come from the
	// GTPv1-U header; QFI from a PDU Session Container extension (0 when
	// absent).
	TEID    uint32
	GTPType uint8
	QFI     uint8
	// InnerIPOffset is the frame offset of the tunnelled IP header (valid
	// with LayerInnerIPv4 or LayerInnerIPv6).
	InnerIPOffset uint16
	// Inner is the tunnelled packet's tuple: of a G-PDU, or of the packet a
	// VXLAN, Geneve, GRE or IP-in-IP tunnel carries.
	Inner Flow
	// Inner TCP fields and the inner transport payload (valid with
	// LayerInnerTCP / the Inner* layers), located in the frame like
	// PayloadOffset and PayloadLen.
	InnerTCPFlags uint16
	// InnerICMPType and InnerICMPCode are the tunnelled ICMP or ICMPv6
	// header's (valid with LayerInnerICMP).
	InnerICMPType, InnerICMPCode uint8
	InnerTCPSeq, InnerTCPAck     uint32
	InnerTCPWindow               uint16
	// InnerIPLen is the tunnelled IP packet's length as its header
	// declares it (IPv4 total length, 40 + IPv6 payload length); 0 when
	// not read, declared 0, or over 65535.
	InnerIPLen                          uint16
	InnerPayloadOffset, InnerPayloadLen uint32
	InnerFragOffset                     uint16

	// GTPv2-C header fields (valid with LayerGTPC).
	GTPCType    uint8
	GTPCHasTEID bool
	GTPCTEID    uint32
	GTPCSeq     uint32

	// PFCP header fields (valid with LayerPFCP), of the first message when
	// a datagram holds several (PFCPMessages counts them).
	PFCPMessages uint8
	PFCPType     uint8
	PFCPHasSEID  bool
	PFCPSEID     uint64
	PFCPSeq      uint32

	InnerIPID uint32 // see InnerMoreFragments
}

// Reset clears every field so the struct can be decoded into again.
func (d *Decoded) Reset() { *d = Decoded{} }

// TCP flag bits as they appear in Decoded.TCPFlags.
const (
	TCPFin uint16 = 1 << iota
	TCPSyn
	TCPRst
	TCPPsh
	TCPAck
	TCPUrg
	TCPEce
	TCPCwr
	TCPNs
)

// Batch is the unit of work of the graph: up to a fixed number of packets
// whose bytes sit back to back in one reusable arena.
//
// A Batch belongs to the graph: sources get empty ones from the free list and
// fill them; stages change them in place; sinks read them and must not keep a
// reference to any part of a batch after Consume returns.
type Batch struct {
	// Seq is the batch's position in the source's output, from 0. Order is
	// restored by Seq before ordered stages and sinks.
	Seq uint64
	// Packets are the batch's frames in capture order.
	Packets []Packet
	arena   []byte
	refs    atomic.Int32
	home    *freeList
}

// NewBatch returns an empty batch with room for maxPackets packets and
// arenaBytes bytes of frame data. The graph makes its own; tests and
// generators may use this.
func NewBatch(maxPackets, arenaBytes int) *Batch {
	pk := make([]Packet, maxPackets)
	// Write the packet slots once now. A Packet holds pointers (netip.Addr),
	// so the garbage collector scans the whole array; a scan of pages never
	// written maps them to the kernel's shared zero page, and the reader's
	// first write to each then takes a copy-on-write fault that flushes the
	// TLB of every CPU running the process. Written here, each page takes
	// one ordinary fault.
	clear(pk)
	return &Batch{
		Packets: pk[:0],
		arena:   make([]byte, 0, arenaBytes),
	}
}

// Reset empties the batch, keeping its memory.
func (b *Batch) Reset() {
	b.Packets = b.Packets[:0]
	b.arena = b.arena[:0]
	b.Seq = 0
}

// Len returns the number of packets in the batch.
func (b *Batch) Len() int { return len(b.Packets) }

// Full reports whether the batch cannot take another packet of n bytes
// without growing. An empty batch is never full: it grows for an oversized frame.
func (b *Batch) Full(n int) bool {
	if len(b.Packets) == 0 {
		return false
	}
	return len(b.Packets) == cap(b.Packets) || len(b.arena)+n > cap(b.arena)
}

// Data returns the captured bytes of packet i. The slice aliases the arena.
func (b *Batch) Data(i int) []byte {
	p := &b.Packets[i]
	return b.arena[p.start:p.end:p.end]
}

// Bytes returns the captured bytes of p, which must be a packet of b.
func (b *Batch) Bytes(p *Packet) []byte { return b.arena[p.start:p.end:p.end] }

// Add appends a packet of n bytes with capture info ci and returns the arena
// slice its bytes must be written to (for example with io.ReadFull). The
// caller checks Full first; Add grows the arena if it must.
// ci.CapLen is set to n.
func (b *Batch) Add(ci CaptureInfo, n int) []byte {
	start := len(b.arena)
	if start+n > cap(b.arena) {
		grown := make([]byte, start, 2*cap(b.arena)+n)
		copy(grown, b.arena)
		b.arena = grown
	}
	b.arena = b.arena[:start+n]
	ci.CapLen = uint32(n)
	b.Packets = append(b.Packets, Packet{CaptureInfo: ci, start: uint32(start), end: uint32(start + n)})
	return b.arena[start : start+n : start+n]
}

// AddCopy appends a packet whose bytes are copied from data.
func (b *Batch) AddCopy(ci CaptureInfo, data []byte) {
	copy(b.Add(ci, len(data)), data)
}

// Truncate drops the last packet (for a source that failed to read its bytes).
func (b *Batch) Truncate(n int) {
	if n >= len(b.Packets) {
		return
	}
	b.arena = b.arena[:b.Packets[n].start]
	b.Packets = b.Packets[:n]
}

// Release gives up one reference; the last one returns the batch to its free list.
func (b *Batch) Release() {
	if b.refs.Add(-1) == 0 && b.home != nil {
		b.home.put(b)
	}
}
