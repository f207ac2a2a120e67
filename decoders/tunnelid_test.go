package decoders

import (
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/pcapflow/pcapflow/pipeline"
)

// TestTunnelID reads the tunnel identifiers of the overlay fixtures, as
// tshark 4.0 shows them (vxlan.vni, geneve.vni, gre.key, erspan.spanid):
// VXLAN and Geneve VNIs, the GRE key, ERSPAN II and III session ids;
// ERSPAN I, GRE without a key (or cut in it, or version 1: PPTP), IP in IP
// and a cut VXLAN header have none.
func TestTunnelID(t *testing.T) {
	want := map[string]struct {
		t  TunnelType
		id uint32
	}{
		"vxlan-eth-ipv4-tcp":          {TunnelVXLAN, 5001},
		"vxlan-eth-vlan-ipv6-udp":     {TunnelVXLAN, 7},
		"geneve-options-eth-ipv4-tcp": {TunnelGeneve, 9},
		"geneve-ipv4-tcp":             {TunnelGeneve, 9},
		"gre-key-seq-ipv6-udp":        {TunnelGRE, 0x01020304},
		"erspan2-ipv4-tcp":            {TunnelERSPAN, 0},
		"erspan3-ipv4-tcp":            {TunnelERSPAN, 0},
		"erspan3-subheader-ipv4-tcp":  {TunnelERSPAN, 0},
	}
	none := map[string]bool{"gre-ipv4-tcp": true, "erspan1-ipv4-tcp": true, "ipip-ipv4-tcp": true,
		"vxlan-cut-in-header": true, "udp-from-vxlan-port": true, "gtpu-gpdu-gre-not-followed": true,
		"gre-v1-pptp": true, "gre-key-missing": true, "gre-routing": true}
	seen := 0
	for _, f := range overlayFixtures(t) {
		w, ok := want[f.name]
		if !ok && !none[f.name] {
			continue
		}
		seen++
		var d pipeline.Decoded
		NewDecoder(Options{}).Decode(f.data, f.link, uint32(len(f.data)), &d)
		typ, id, got := TunnelID(&d, f.data)
		if got != ok || typ != w.t || id != w.id {
			t.Errorf("%s: %v %d %v, want %v %d %v", f.name, typ, id, got, w.t, w.id, ok)
		}
	}
	if seen != len(want)+len(none) {
		t.Errorf("%d of the %d fixtures found", seen, len(want)+len(none))
	}
	// ERSPAN's session id is the low 10 bits of its third and fourth octets.
	innerTCP := serialize(t, ip4(layers.IPProtocolTCP), tcp(), gopacket.Payload("hello"))
	erspan := cat(greHdr(0x10, etherERSPAN2), []byte{0x10, 0x64, 0x0b, 0xcd, 0, 0, 0, 1}, ethHeader(macC, macD, etherIPv4), innerTCP)
	frame := serialize(t, eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolGRE), gopacket.Payload(erspan))
	var d pipeline.Decoded
	NewDecoder(Options{}).Decode(frame, 1, uint32(len(frame)), &d)
	if typ, id, ok := TunnelID(&d, frame); !ok || typ != TunnelERSPAN || id != 0x3cd {
		t.Errorf("ERSPAN II session: %v %#x %v, want erspan 0x3cd", typ, id, ok)
	}
}
