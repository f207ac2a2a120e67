package pfcp

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"net/netip"
	"os"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// A test-only capture reader: the project's own readers are written
// elsewhere, so the corpus tests use gopacket's pcapgo and layers to find
// PFCP datagrams (UDP port 8805, outer UDP header only: PFCP quoted in ICMP
// errors is not traffic).

// pfcpDatagram is one UDP payload on port 8805.
type pfcpDatagram struct {
	Frame            int
	TsNanos          int64
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16
	Payload          []byte
}

// readPFCP returns every UDP datagram to or from port 8805 in capture path.
func readPFCP(tb testing.TB, path string) []pfcpDatagram {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	magic, err := br.Peek(4)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	type source interface {
		ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	}
	var src source
	linkOf := func(ci gopacket.CaptureInfo) layers.LinkType { return 0 }
	if binary.BigEndian.Uint32(magic) == 0x0a0d0d0a {
		r, err := pcapgo.NewNgReader(br, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		src = r
		linkOf = func(ci gopacket.CaptureInfo) layers.LinkType {
			if in, err := r.Interface(ci.InterfaceIndex); err == nil {
				return in.LinkType
			}
			return r.LinkType()
		}
	} else {
		r, err := pcapgo.NewReader(br)
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		src = r
		lt := r.LinkType()
		linkOf = func(gopacket.CaptureInfo) layers.LinkType { return lt }
	}
	var out []pfcpDatagram
	for frame := 1; ; frame++ {
		data, ci, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			tb.Fatalf("%s frame %d: %v", path, frame, err)
		}
		pkt := gopacket.NewPacket(data, linkOf(ci), gopacket.DecodeOptions{NoCopy: true})
		udpL := pkt.Layer(layers.LayerTypeUDP)
		if udpL == nil {
			continue
		}
		udp := udpL.(*layers.UDP)
		if udp.SrcPort != 8805 && udp.DstPort != 8805 {
			continue
		}
		d := pfcpDatagram{Frame: frame, TsNanos: ci.Timestamp.UnixNano(),
			SrcPort: uint16(udp.SrcPort), DstPort: uint16(udp.DstPort), Payload: udp.Payload}
		switch n := pkt.NetworkLayer().(type) {
		case *layers.IPv4:
			d.Src, _ = netip.AddrFromSlice(n.SrcIP.To4())
			d.Dst, _ = netip.AddrFromSlice(n.DstIP.To4())
		case *layers.IPv6:
			d.Src, _ = netip.AddrFromSlice(n.SrcIP)
			d.Dst, _ = netip.AddrFromSlice(n.DstIP)
		}
		out = append(out, d)
	}
	return out
}
