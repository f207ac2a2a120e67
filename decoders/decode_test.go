package decoders

import (
	"testing"

	"github.com/pcapflow/pcapflow/pipeline"
)

func TestDecodeFixtures(t *testing.T) {
	d := NewDecoder(Options{})
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			var got pipeline.Decoded
			d.Decode(f.data, f.link, f.origLen(), &got)
			if got != f.want {
				t.Errorf("decode %x:\n%s", f.data, diffDecoded(f.want, got))
			}
			if d.tunnel != f.tunnel {
				t.Errorf("tunnel problem %b, want %b", d.tunnel, f.tunnel)
			}
		})
	}
}

// TestDecodeReuse decodes every fixture after every other one with the same
// Decoder and output value: nothing may leak from one packet to the next.
func TestDecodeReuse(t *testing.T) {
	fs := fixtures(t)
	fresh := make([]pipeline.Decoded, len(fs))
	for i, f := range fs {
		NewDecoder(Options{}).Decode(f.data, f.link, f.origLen(), &fresh[i])
	}
	d := NewDecoder(Options{})
	var out pipeline.Decoded
	for _, a := range fs {
		for j, b := range fs {
			d.Decode(a.data, a.link, a.origLen(), &out)
			d.Decode(b.data, b.link, b.origLen(), &out)
			if out != fresh[j] {
				t.Errorf("%s after %s differs from a fresh decode:\n%s", b.name, a.name, diffDecoded(fresh[j], out))
			}
		}
	}
}

// TestDecodeTruncatedEveryLength cuts an Ethernet/IPv4/TCP frame at every
// length and checks what survives, both as a snap-length cut (the wire
// length is the full frame) and as a frame that really ended there.
func TestDecodeTruncatedEveryLength(t *testing.T) {
	var full fixture
	for _, f := range fixtures(t) {
		if f.name == "eth-ipv4-tcp" {
			full = f
		}
	}
	const ipAt, tcpAt, payAt = 14, 14 + 20, 14 + 20 + 32
	d := NewDecoder(Options{})
	for n := 0; n <= len(full.data); n++ {
		for _, snap := range []bool{true, false} {
			orig := uint32(n)
			if snap {
				orig = uint32(len(full.data))
			}
			var got pipeline.Decoded
			d.Decode(full.data[:n], 1, orig, &got)
			w := full.want
			var want pipeline.Decoded
			problem := pipeline.FlagMalformed
			if snap {
				problem = pipeline.FlagTruncated
			}
			switch {
			case n < ipAt:
				want.Flags = problem
			case n < tcpAt:
				want = ethWant(0x0800)
				want.Flags = problem
			default:
				want = w
				want.PayloadOffset, want.PayloadLen = 0, 0
				if n < tcpAt+4 {
					want.IP.SrcPort, want.IP.DstPort = 0, 0
				}
				if n < tcpAt+20 {
					want.Layers &^= pipeline.LayerTCP
					want.TCPFlags, want.TCPSeq, want.TCPAck, want.TCPWindow = 0, 0, 0, 0
				}
				if n < payAt {
					want.Flags = problem
				} else {
					want.PayloadOffset, want.PayloadLen = payAt, uint32(n-payAt)
				}
				if !snap && n < len(full.data) {
					// The IP total length says the packet goes on.
					want.Flags = pipeline.FlagMalformed
				}
			}
			if got != want {
				t.Errorf("cut at %d (snap %v):\n%s", n, snap, diffDecoded(want, got))
			}
		}
	}
}

func TestNullType(t *testing.T) {
	for _, c := range []struct {
		hdr  [4]byte
		want uint16
	}{
		{[4]byte{2, 0, 0, 0}, etherIPv4},
		{[4]byte{0, 0, 0, 2}, etherIPv4},
		{[4]byte{24, 0, 0, 0}, etherIPv6},
		{[4]byte{0, 0, 0, 24}, etherIPv6},
		{[4]byte{28, 0, 0, 0}, etherIPv6},
		{[4]byte{0, 0, 0, 28}, etherIPv6},
		{[4]byte{30, 0, 0, 0}, etherIPv6},
		{[4]byte{0, 0, 0, 30}, etherIPv6},
		{[4]byte{0x0f, 0x00, 0x08, 0x00}, etherIPv4}, // Wireshark: swapped 0x0f000800 → Ethertype 0x0800
		{[4]byte{0x00, 0x00, 0x08, 0x00}, etherIPv4},
		{[4]byte{0x08, 0x00, 0x00, 0x00}, 0}, // family 8 on a little-endian host
		{[4]byte{0x00, 0x02, 0x00, 0x00}, etherIPv4},
		{[4]byte{7, 0, 0, 0}, 0},
		{[4]byte{0x00, 0x00, 0x86, 0xdd}, etherIPv6},
		{[4]byte{0x86, 0xdd, 0x00, 0x00}, 0xdd86}, // read as a little-endian Ethertype, as Wireshark does
		{[4]byte{0xff, 0xff, 0xff, 0xff}, 0xffff},
	} {
		if got := nullType(c.hdr); got != c.want {
			t.Errorf("nullType(% x) = %#04x, want %#04x", c.hdr, got, c.want)
		}
	}
}

func TestClassifyUDP(t *testing.T) {
	def := NewDecoder(Options{}).ports
	custom := NewDecoder(Options{GTPUPort: 3386, PFCPPort: 9000}).ports
	extra := NewDecoder(Options{GTPUPorts: []uint16{3386, 0}, GTPCPorts: []uint16{2124}, PFCPPorts: []uint16{8806, 2152}}).ports
	for _, c := range []struct {
		name     string
		table    portTable
		src, dst uint16
		want     udpApp
	}{
		{"def", def, 40000, 2152, appGTPU},
		{"def", def, 2152, 2152, appGTPU},
		{"def", def, 2123, 40000, appGTPC},
		{"def", def, 8805, 8805, appPFCP},
		{"def", def, 53, 5353, appNone},
		{"def", def, 2152, 8805, appPFCP}, // destination port wins
		{"custom", custom, 1, 3386, appGTPU},
		{"custom", custom, 1, 2152, appNone},
		{"custom", custom, 9000, 1, appPFCP},
		{"custom", custom, 2123, 1, appGTPC},
		{"extra", extra, 1, 2152, appGTPU}, // defaults stay
		{"extra", extra, 1, 3386, appGTPU},
		{"extra", extra, 2124, 1, appGTPC},
		{"extra", extra, 1, 8806, appPFCP},
		{"extra", extra, 1, 8805, appPFCP},
		{"extra", extra, 1, 0, appNone}, // a zero entry is ignored
	} {
		if got := c.table.classify(c.src, c.dst); got != c.want {
			t.Errorf("%s: classify(%d, %d) = %d, want %d", c.name, c.src, c.dst, got, c.want)
		}
	}
}

// TestDecodeInnerIP decodes IP packets as a tunnel's payload, the way the
// GTP-U decoder does: only Inner, the Inner* bits and the inner TCP, IP
// length and payload fields may change.
func TestDecodeInnerIP(t *testing.T) {
	fs := fixtures(t)
	byName := map[string]fixture{}
	for _, f := range fs {
		byName[f.name] = f
	}
	d := NewDecoder(Options{})
	for _, c := range []struct {
		name   string
		v6     bool
		layers pipeline.Layers
		flow   pipeline.Flow
	}{
		{"ipv4-228", false, pipeline.LayerInnerIPv4 | pipeline.LayerInnerTCP,
			pipeline.Flow{Src: v4A, Dst: v4B, SrcPort: 40000, DstPort: 80, Proto: 6}},
		{"ipv6-229", true, pipeline.LayerInnerIPv6 | pipeline.LayerInnerUDP,
			pipeline.Flow{Src: v6A, Dst: v6B, SrcPort: 5353, DstPort: 53, Proto: 17}},
	} {
		var out pipeline.Decoded
		outer := pipeline.Decoded{TTL: 9, TCPSeq: 77, PayloadOffset: 3, PayloadLen: 4}
		out = outer
		data := byName[c.name].data
		if c.v6 {
			d.decodeIPv6(data, 0, true, &out)
		} else {
			d.decodeIPv4(data, 0, true, &out)
		}
		want := outer
		want.Layers, want.Inner, want.InnerIPLen = c.layers, c.flow, uint16(len(data))
		if c.v6 {
			want.InnerPayloadOffset, want.InnerPayloadLen = uint32(len(data)-10), 10 // "0123456789"
		} else {
			innerTCPWant(&want, len(data))
		}
		if out != want {
			t.Errorf("%s as inner:\n%s", c.name, diffDecoded(want, out))
		}
	}
}
