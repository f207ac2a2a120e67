package decoders

import (
	"testing"

	"github.com/pcapflow/pcapflow/pipeline"
)

// BenchmarkDecodeTunnels decodes each GTP-U, GTP-C and PFCP fixture in turn.
func BenchmarkDecodeTunnels(b *testing.B) {
	fs := tunnelFixtures(b)
	d := NewDecoder(Options{GTPUPorts: []uint16{3386}, PFCPPorts: []uint16{8806}})
	var out pipeline.Decoded
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		f := &fs[i%len(fs)]
		d.Decode(f.data, f.link, f.origLen(), &out)
	}
}

// BenchmarkDecodeGPDU is the user-plane common case: Ethernet/IPv4/UDP/
// GTP-U with a PDU Session Container, inner IPv6/UDP.
func BenchmarkDecodeGPDU(b *testing.B) {
	f := fixtureNamed(b, "gtpu-ipv6-qfi-gpdu-ipv6-udp")
	d := NewDecoder(Options{})
	var out pipeline.Decoded
	b.SetBytes(int64(len(f.data)))
	b.ReportAllocs()
	for b.Loop() {
		d.Decode(f.data, f.link, f.origLen(), &out)
	}
}
