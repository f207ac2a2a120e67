package testcap

import (
	"net/netip"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/ip4defrag"
	"github.com/gopacket/gopacket/layers"
)

// Datagram is the payload of one UDP datagram found in a capture.
type Datagram struct {
	// Frame is the 1-based number of the frame that carries the datagram
	// (the one completing it when the outer IPv4 packet was fragmented), as
	// tshark counts.
	Frame int
	// TsNanos is the frame's capture time in nanoseconds since the epoch.
	TsNanos int64
	// Src and Dst are the outer IP addresses; SrcPort and DstPort the UDP ports.
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16
	// Payload is the UDP payload, owned by the caller.
	Payload []byte
}

// UDP returns the datagrams of the capture at path whose source or
// destination port satisfies keep. Only UDP directly inside the outermost IP
// header counts: UDP quoted in ICMP errors or carried in a tunnel is not
// traffic on the port. Outer IPv4 fragments are reassembled as tshark does,
// so a datagram belongs to the frame that completes it. The test fails when
// the capture cannot be read.
func UDP(tb testing.TB, path string, keep func(port uint16) bool) []Datagram {
	tb.Helper()
	defrag := ip4defrag.NewIPv4Defragmenter()
	var out []Datagram
	for _, f := range Read(tb, path) {
		p := gopacket.NewPacket(f.Data, layers.LinkType(f.LinkType), gopacket.DecodeOptions{Lazy: true, NoCopy: true})
		var d Datagram
		var udpBytes []byte
		if ip4, ok := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4); ok {
			if ip4.Protocol != layers.IPProtocolUDP {
				continue
			}
			d.Src, _ = netip.AddrFromSlice(ip4.SrcIP.To4())
			d.Dst, _ = netip.AddrFromSlice(ip4.DstIP.To4())
			whole, err := defrag.DefragIPv4WithTimestamp(ip4, time.Unix(0, f.Timestamp))
			if err != nil || whole == nil {
				continue
			}
			udpBytes = whole.Payload
		} else if ip6, ok := p.Layer(layers.LayerTypeIPv6).(*layers.IPv6); ok {
			if ip6.NextHeader != layers.IPProtocolUDP {
				continue
			}
			d.Src, _ = netip.AddrFromSlice(ip6.SrcIP)
			d.Dst, _ = netip.AddrFromSlice(ip6.DstIP)
			udpBytes = ip6.Payload
		} else {
			continue
		}
		var u layers.UDP
		if err := u.DecodeFromBytes(udpBytes, gopacket.NilDecodeFeedback); err != nil {
			continue
		}
		if !keep(uint16(u.SrcPort)) && !keep(uint16(u.DstPort)) {
			continue
		}
		d.Frame, d.TsNanos = int(f.Frame), f.Timestamp
		d.SrcPort, d.DstPort = uint16(u.SrcPort), uint16(u.DstPort)
		d.Payload = append([]byte(nil), u.Payload...)
		out = append(out, d)
	}
	return out
}

// Port returns a keep function for UDP that accepts the given ports.
func Port(ports ...uint16) func(uint16) bool {
	return func(p uint16) bool {
		for _, q := range ports {
			if p == q {
				return true
			}
		}
		return false
	}
}
