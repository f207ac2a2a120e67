package decoders

import (
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/pcapflow/pcapflow/pipeline"
)

// BenchmarkDecode decodes every hand-built fixture (all link types, VLANs,
// options, fragments, extension headers, errors, truncations) in turn.
func BenchmarkDecode(b *testing.B) {
	fs := fixtures(b)
	d := NewDecoder(Options{})
	var out pipeline.Decoded
	var bytes int64
	for _, f := range fs {
		bytes += int64(len(f.data))
	}
	b.SetBytes(bytes / int64(len(fs)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		f := &fs[i%len(fs)]
		d.Decode(f.data, f.link, f.origLen(), &out)
	}
}

// BenchmarkDecodeEthIPv4TCP is the common case alone.
func BenchmarkDecodeEthIPv4TCP(b *testing.B) {
	f := fixtureNamed(b, "eth-ipv4-tcp")
	d := NewDecoder(Options{})
	var out pipeline.Decoded
	b.SetBytes(int64(len(f.data)))
	b.ReportAllocs()
	for b.Loop() {
		d.Decode(f.data, f.link, f.origLen(), &out)
	}
}

// BenchmarkGopacketIPv6HopByHop measures gopacket's own IPv6 decoder on a
// packet with a hop-by-hop header: it allocates per packet, which is why
// IPv6 is parsed by hand here (see the package doc).
func BenchmarkGopacketIPv6HopByHop(b *testing.B) {
	f := fixtureNamed(b, "eth-ipv6-ext-tcp")
	var ip layers.IPv6
	b.ReportAllocs()
	for b.Loop() {
		if err := ip.DecodeFromBytes(f.data[14:], gopacket.NilDecodeFeedback); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGopacketTCPShort measures gopacket's TCP decoder on a header cut
// short: every such packet allocates an error value.
func BenchmarkGopacketTCPShort(b *testing.B) {
	var tcp layers.TCP
	short := make([]byte, 12)
	b.ReportAllocs()
	for b.Loop() {
		_ = tcp.DecodeFromBytes(short, gopacket.NilDecodeFeedback)
	}
}

func fixtureNamed(tb testing.TB, name string) fixture {
	tb.Helper()
	for _, f := range fixtures(tb) {
		if f.name == name {
			return f
		}
	}
	tb.Fatalf("no fixture %q", name)
	return fixture{}
}

// TestDecodeAllocs asserts that decoding allocates nothing, for every
// fixture and for every truncation of them.
func TestDecodeAllocs(t *testing.T) {
	d := NewDecoder(Options{})
	var out pipeline.Decoded
	for _, f := range fixtures(t) {
		allocs := testing.AllocsPerRun(20, func() {
			for n := 0; n <= len(f.data); n++ {
				d.Decode(f.data[:n], f.link, f.origLen(), &out)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per decode pass, want 0", f.name, allocs)
		}
	}
}

// BenchmarkDecodeEthIPv4UDPPFCP decodes a PFCP Association Setup Request
// over Ethernet, IPv4 and UDP: every packet of a PFCP capture takes this
// path.
func BenchmarkDecodeEthIPv4UDPPFCP(b *testing.B) {
	var f fixture
	for _, t := range tunnelFixtures(b) {
		if t.name == "pfcp-association-setup" {
			f = t
		}
	}
	if f.data == nil {
		b.Fatal("no pfcp-association-setup fixture")
	}
	d := NewDecoder(Options{})
	var out pipeline.Decoded
	b.SetBytes(int64(len(f.data)))
	b.ReportAllocs()
	for b.Loop() {
		d.Decode(f.data, f.link, f.origLen(), &out)
	}
}
