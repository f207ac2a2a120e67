package gtpc

// A test-only capture reader: gopacket's pcapgo readers and layers reach the
// UDP payload of each frame (reassembling outer IPv4 fragments as tshark
// does, so a datagram is attributed to the frame that completes it). The
// project's own readers are written elsewhere; this keeps the decoder tests
// independent of them.

import (
	"errors"
	"io"
	"os"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/ip4defrag"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// udpFrame is one frame's transport payload.
type udpFrame struct {
	Frame            int
	SrcPort, DstPort uint16
	Payload          []byte
}

// readUDP returns the UDP payloads of the frames of path whose source or
// destination port satisfies keep.
func readUDP(tb testing.TB, path string, keep func(port uint16) bool) []udpFrame {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	type reader interface {
		ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	}
	var r reader
	linkOf := func(ci gopacket.CaptureInfo) layers.LinkType { return 0 }
	if ng, err := pcapgo.NewNgReader(f, pcapgo.DefaultNgReaderOptions); err == nil {
		r = ng
		linkOf = func(ci gopacket.CaptureInfo) layers.LinkType {
			if in, err := ng.Interface(ci.InterfaceIndex); err == nil {
				return in.LinkType
			}
			return ng.LinkType()
		}
	} else {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			tb.Fatal(err)
		}
		pr, err := pcapgo.NewReader(f)
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		r = pr
		linkOf = func(gopacket.CaptureInfo) layers.LinkType { return pr.LinkType() }
	}
	defrag := ip4defrag.NewIPv4Defragmenter()
	var out []udpFrame
	for n := 1; ; n++ {
		data, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			tb.Fatalf("%s frame %d: %v", path, n, err)
		}
		p := gopacket.NewPacket(data, linkOf(ci), gopacket.DecodeOptions{Lazy: true, NoCopy: true})
		var udpBytes []byte
		if ip4, ok := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4); ok {
			if ip4.Protocol != layers.IPProtocolUDP {
				continue
			}
			whole, err := defrag.DefragIPv4WithTimestamp(ip4, ci.Timestamp)
			if err != nil || whole == nil {
				continue
			}
			udpBytes = whole.Payload
		} else if ip6, ok := p.Layer(layers.LayerTypeIPv6).(*layers.IPv6); ok {
			if ip6.NextHeader != layers.IPProtocolUDP {
				continue
			}
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
		out = append(out, udpFrame{Frame: n, SrcPort: uint16(u.SrcPort), DstPort: uint16(u.DstPort), Payload: append([]byte(nil), u.Payload...)})
	}
	return out
}
