package tcpreasm

import (
	"encoding/binary"
	"net"
	"net/netip"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/internal/testcap"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Hand-built user-plane frames: Ethernet / IP / UDP 2152 / GTPv1-U G-PDU
// carrying an IP packet with a TCP segment, serialized with gopacket and
// decoded by the real decode stage's decoder.

var (
	ue4   = netip.MustParseAddr("10.45.0.2")
	srv4  = netip.MustParseAddr("8.8.4.4")
	ue6   = netip.MustParseAddr("2001:db8:45::2")
	srv6  = netip.MustParseAddr("2001:db8:8::4")
	enb4  = netip.MustParseAddr("192.0.2.1")
	upf4  = netip.MustParseAddr("192.0.2.2")
	enb6  = netip.MustParseAddr("2001:db8:1::1")
	upf6  = netip.MustParseAddr("2001:db8:1::2")
	uePrt = uint16(53668)
)

// useg is one tunnelled (or plain) segment of the user-plane tests.
type useg struct {
	down     bool // server to UE
	flags    uint16
	seq, ack uint32
	data     string
}

// ipNet is an IP version choice for the inner and outer headers.
type ipNet struct{ inner6, outer6 bool }

func serializeLayers(t testing.TB, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

func ipLayer(src, dst netip.Addr, proto layers.IPProtocol, id uint16) (gopacket.SerializableLayer, gopacket.NetworkLayer) {
	if src.Is4() {
		l := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Id: id, Protocol: proto,
			SrcIP: net.IP(src.AsSlice()), DstIP: net.IP(dst.AsSlice())}
		return l, l
	}
	l := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: proto, SrcIP: net.IP(src.AsSlice()), DstIP: net.IP(dst.AsSlice())}
	return l, l
}

// innerPacket is the IP packet (with TCP) the UE or the server sent.
func (s useg) innerPacket(t testing.TB, n ipNet, id uint16) []byte {
	ue, srv := ue4, srv4
	if n.inner6 {
		ue, srv = ue6, srv6
	}
	src, dst, sp, dp := ue, srv, uePrt, uint16(853)
	if s.down {
		src, dst, sp, dp = srv, ue, dp, sp
	}
	ip, nl := ipLayer(src, dst, layers.IPProtocolTCP, id)
	tcp := &layers.TCP{SrcPort: layers.TCPPort(sp), DstPort: layers.TCPPort(dp), Seq: s.seq, Ack: s.ack, Window: 1000,
		FIN: s.flags&fin != 0, SYN: s.flags&syn != 0, RST: s.flags&rst != 0, PSH: s.flags&psh != 0, ACK: s.flags&ack != 0}
	if err := tcp.SetNetworkLayerForChecksum(nl); err != nil {
		t.Fatal(err)
	}
	return serializeLayers(t, ip, tcp, gopacket.Payload(s.data))
}

// outerPacket wraps an inner IP packet in IP / UDP / GTP-U (without the
// Ethernet header).
func outerPacket(t testing.TB, n ipNet, down bool, inner []byte, id uint16) []byte {
	src, dst := enb4, upf4
	if n.outer6 {
		src, dst = enb6, upf6
	}
	if down {
		src, dst = dst, src
	}
	ip, nl := ipLayer(src, dst, layers.IPProtocolUDP, id)
	udp := &layers.UDP{SrcPort: 2152, DstPort: 2152}
	if err := udp.SetNetworkLayerForChecksum(nl); err != nil {
		t.Fatal(err)
	}
	gtp := &layers.GTPv1U{Version: 1, ProtocolType: 1, MessageType: 255, TEID: 7}
	return serializeLayers(t, ip, udp, gtp, gopacket.Payload(inner))
}

// ethernet prefixes an IP packet with an Ethernet header.
func ethernet(ip []byte) []byte {
	typ := uint16(0x0800)
	if ip[0]>>4 == 6 {
		typ = 0x86dd
	}
	b := make([]byte, 14, 14+len(ip))
	copy(b, []byte{0, 0, 1, 0, 0, 2, 0, 0, 1, 0, 0, 1})
	binary.BigEndian.PutUint16(b[12:], typ)
	return append(b, ip...)
}

// fragments splits an IPv4 packet, or an IPv6 one without extension
// headers, into fragments of at most size payload bytes (a multiple of 8).
func fragments(pkt []byte, size int) [][]byte {
	if pkt[0]>>4 == 6 {
		return fragments6(pkt, size)
	}
	ihl := int(pkt[0]&0x0f) * 4
	payload := pkt[ihl:]
	var out [][]byte
	for off := 0; off < len(payload); off += size {
		end := min(off+size, len(payload))
		f := append(append([]byte(nil), pkt[:ihl]...), payload[off:end]...)
		binary.BigEndian.PutUint16(f[2:], uint16(len(f)))
		fo := uint16(off / 8)
		if end < len(payload) {
			fo |= 0x2000
		}
		binary.BigEndian.PutUint16(f[6:], fo)
		out = append(out, f)
	}
	return out
}

// fragID6 numbers the IPv6 packets fragments6 splits.
var fragID6 uint32

// fragments6 splits an IPv6 packet without extension headers: each piece
// gets a fragment header.
func fragments6(pkt []byte, size int) [][]byte {
	payload := pkt[40:]
	if len(payload) <= size {
		return [][]byte{pkt}
	}
	fragID6++
	return testcap.FragmentIPv6(pkt, size, fragID6)
}

// frame is a capture record: bytes and the length on the wire.
type frame struct {
	data    []byte
	origLen int
}

// feedFrames decodes Ethernet frames like the decode stage and observes
// them, 1 ms apart from t0 (ms).
func feedFrames(a *Assembler, frames []frame, t0 int64) {
	(&feeder{dec: decoders.NewDecoder(decoders.Options{})}).feed(a, frames, t0)
}

// feeder decodes and observes frames with one reused decoder.
type feeder struct{ dec *decoders.Decoder }

func (fd *feeder) feed(a *Assembler, frames []frame, t0 int64) {
	dec := fd.dec
	for i, f := range frames {
		orig := f.origLen
		if orig == 0 {
			orig = len(f.data)
		}
		p := pipeline.Packet{CaptureInfo: pipeline.CaptureInfo{Timestamp: (t0 + int64(i)) * 1e6, Frame: uint64(i + 1),
			CapLen: uint32(len(f.data)), OrigLen: uint32(orig), LinkType: decoders.LinkEthernet}}
		dec.Decode(f.data, decoders.LinkEthernet, uint32(orig), &p.Decoded)
		a.Observe(&p, f.data)
	}
}

// gapRecorder is a recorder that also notes which gaps were never
// acknowledged.
type gapRecorder struct {
	*recorder
	unacked []uint64
}

func (g *gapRecorder) Gap(c *Conn, d Dir, n uint64, at Chunk) {
	if at.Unacked {
		g.unacked = append(g.unacked, n)
	}
	g.recorder.Gap(c, d, n, at)
}
