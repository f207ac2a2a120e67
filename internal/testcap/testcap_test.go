package testcap

import (
	"bytes"
	"encoding/binary"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// serialize builds one frame from layers, failing the test on error.
func serialize(t *testing.T, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

// writePcap writes frames as an Ethernet pcap file, one second apart.
func writePcap(t *testing.T, frames [][]byte) string {
	t.Helper()
	var b bytes.Buffer
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr, 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 65535)
	binary.LittleEndian.PutUint32(hdr[20:], 1)
	b.Write(hdr)
	for i, f := range frames {
		rec := make([]byte, 16)
		binary.LittleEndian.PutUint32(rec, uint32(1000+i))
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(f)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(len(f)))
		b.Write(rec)
		b.Write(f)
	}
	p := filepath.Join(t.TempDir(), "fixture.pcap")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUDP(t *testing.T) {
	eth4 := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv4}
	eth6 := &layers.Ethernet{SrcMAC: eth4.SrcMAC, DstMAC: eth4.DstMAC, EthernetType: layers.EthernetTypeIPv6}
	a, b := net.IP{10, 0, 0, 1}, net.IP{10, 0, 0, 2}
	ip4 := func(proto layers.IPProtocol) *layers.IPv4 {
		return &layers.IPv4{Version: 4, TTL: 64, Protocol: proto, SrcIP: a, DstIP: b}
	}
	payload := func(n int) gopacket.Payload { return bytes.Repeat([]byte{0xab}, n) }

	plain := serialize(t, eth4, ip4(layers.IPProtocolUDP), &layers.UDP{SrcPort: 40000, DstPort: 8805}, payload(4))
	// An ICMP error quoting a datagram to 8805 is not traffic on 8805.
	quoted := serialize(t, ip4(layers.IPProtocolUDP), &layers.UDP{SrcPort: 40000, DstPort: 8805}, payload(4))
	icmp := serialize(t, eth4, ip4(layers.IPProtocolICMPv4), &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(3, 3)}, gopacket.Payload(quoted[:28]))
	// A 2152 datagram split into two IPv4 fragments: it belongs to the second.
	whole := serialize(t, &layers.UDP{SrcPort: 2152, DstPort: 2152}, payload(24))
	frag := func(off uint16, mf bool, part []byte) []byte {
		ip := ip4(layers.IPProtocolUDP)
		ip.Id, ip.FragOffset = 7, off/8
		if mf {
			ip.Flags = layers.IPv4MoreFragments
		}
		return serialize(t, eth4, ip, gopacket.Payload(part))
	}
	frag1, frag2 := frag(0, true, whole[:16]), frag(16, false, whole[16:])
	v6 := serialize(t, eth6, &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolUDP, SrcIP: net.ParseIP("2001:db8::1"), DstIP: net.ParseIP("2001:db8::2")},
		&layers.UDP{SrcPort: 2123, DstPort: 50000}, payload(3))
	path := writePcap(t, [][]byte{plain, icmp, frag1, frag2, v6})

	frames := Read(t, path)
	if len(frames) != 5 || frames[3].Frame != 4 || !bytes.Equal(frames[3].Data, frag2) || frames[0].Timestamp != 1000e9 {
		t.Fatalf("Read: %d frames, want 5 in order with their bytes and times", len(frames))
	}
	for _, tc := range []struct {
		name   string
		ports  []uint16
		frames []int
		sizes  []int
	}{
		{"pfcp", []uint16{8805}, []int{1}, []int{4}},
		{"gtp", []uint16{2152, 2123}, []int{4, 5}, []int{24, 3}},
		{"none", []uint16{53}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := UDP(t, path, Port(tc.ports...))
			if len(got) != len(tc.frames) {
				t.Fatalf("%d datagrams, want %d: %+v", len(got), len(tc.frames), got)
			}
			for i, d := range got {
				if d.Frame != tc.frames[i] || len(d.Payload) != tc.sizes[i] || d.TsNanos != int64(999+d.Frame)*1e9 {
					t.Errorf("datagram %d: frame %d, %d bytes, time %d; want frame %d, %d bytes", i, d.Frame, len(d.Payload), d.TsNanos, tc.frames[i], tc.sizes[i])
				}
				if !d.Src.IsValid() || !d.Dst.IsValid() {
					t.Errorf("datagram %d: addresses %v %v", i, d.Src, d.Dst)
				}
			}
		})
	}
}

func TestReadPartial(t *testing.T) {
	path := writePcap(t, [][]byte{make([]byte, 60), make([]byte, 60)})
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw[:len(raw)-10], 0o644); err != nil {
		t.Fatal(err)
	}
	frames, err := ReadPartial(t, path)
	if err == nil || len(frames) != 1 {
		t.Fatalf("cut file: %d frames, error %v; want 1 frame and damage", len(frames), err)
	}
}

func TestFragmentIPv6(t *testing.T) {
	pkt := make([]byte, 40, 40+100)
	pkt[0], pkt[6], pkt[7] = 0x60, 17, 64
	for i := range 100 {
		pkt = append(pkt, byte(i))
	}
	binary.BigEndian.PutUint16(pkt[4:], 100)
	tests := []struct {
		name  string
		size  int
		sizes []int // fragmentable bytes per fragment
	}{
		{"three fragments", 40, []int{40, 40, 20}},
		{"size 48", 48, []int{48, 48, 4}},
		{"fits: one atomic fragment", 104, []int{100}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			frags := FragmentIPv6(pkt, tc.size, 7)
			if len(frags) != len(tc.sizes) {
				t.Fatalf("%d fragments, want %d", len(frags), len(tc.sizes))
			}
			var joined []byte
			for i, f := range frags {
				// Decoded by gopacket, independently.
				p := gopacket.NewPacket(f, layers.LayerTypeIPv6, gopacket.Default)
				fh, ok := p.Layer(layers.LayerTypeIPv6Fragment).(*layers.IPv6Fragment)
				if !ok {
					t.Fatalf("fragment %d: no fragment header: %v", i, p)
				}
				more := i < len(frags)-1
				if fh.Identification != 7 || fh.MoreFragments != more || int(fh.FragmentOffset)*8 != len(joined) || fh.NextHeader != layers.IPProtocolUDP {
					t.Errorf("fragment %d: header %+v", i, fh)
				}
				if got := len(fh.Payload); got != tc.sizes[i] {
					t.Errorf("fragment %d: %d bytes, want %d", i, got, tc.sizes[i])
				}
				if int(binary.BigEndian.Uint16(f[4:])) != len(f)-40 {
					t.Errorf("fragment %d: payload length %d for %d bytes", i, binary.BigEndian.Uint16(f[4:]), len(f)-40)
				}
				joined = append(joined, fh.Payload...)
			}
			if !bytes.Equal(joined, pkt[40:]) {
				t.Error("the fragments do not join into the packet's payload")
			}
		})
	}
}
