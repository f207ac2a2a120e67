package decoders

import "github.com/pcapflow/pcapflow/pipeline"

// TunnelType names the overlay tunnel of TunnelID.
type TunnelType uint8

// Overlay tunnels with an identifier.
const (
	TunnelVXLAN  TunnelType = iota + 1 // VNI
	TunnelGeneve                       // VNI
	TunnelGRE                          // key
	TunnelERSPAN                       // session id (types II and III)
)

var tunnelNames = [...]string{TunnelVXLAN: "vxlan", TunnelGeneve: "geneve", TunnelGRE: "gre", TunnelERSPAN: "erspan"}

// String returns "vxlan", "geneve", "gre" or "erspan".
func (t TunnelType) String() string {
	if int(t) < len(tunnelNames) && tunnelNames[t] != "" {
		return tunnelNames[t]
	}
	return "tunnel"
}

// TunnelID returns the identifier of the overlay tunnel packet d (captured
// bytes data) travels in, read again from the tunnel header the decoder
// found: the VXLAN or Geneve VNI, the ERSPAN II or III session id, or the
// GRE key. ok is false when the packet has no such tunnel (none, IP in IP,
// ERSPAN I, GRE without a key, GRE over IPv6 extension headers), when the
// header is not captured, and after Options.Decap (the tunnel is gone).
func TunnelID(d *pipeline.Decoded, data []byte) (TunnelType, uint32, bool) {
	switch {
	case d.Layers&(pipeline.LayerVXLAN|pipeline.LayerGeneve) != 0:
		start := min(int(d.PayloadOffset), len(data))
		h := data[start:min(start+int(d.PayloadLen), len(data))]
		if len(h) < 8 || (d.Layers.Has(pipeline.LayerVXLAN) && h[0]&0x08 == 0) {
			return 0, 0, false // the VXLAN I flag says whether the VNI is valid
		}
		t := TunnelVXLAN
		if d.Layers.Has(pipeline.LayerGeneve) {
			t = TunnelGeneve
		}
		return t, uint32(h[4])<<16 | uint32(h[5])<<8 | uint32(h[6]), true
	case d.Layers.Has(pipeline.LayerGRE):
		off := int(d.IPOffset)
		if d.IPLen != 0 && off+int(d.IPLen) < len(data) {
			data = data[:off+int(d.IPLen)] // not the link layer's padding
		}
		switch {
		case d.Layers.Has(pipeline.LayerIPv4) && off < len(data):
			off += int(data[off]&0x0f) * 4
		case d.Layers.Has(pipeline.LayerIPv6) && off+40 <= len(data) && data[off+6] == protoGRE:
			off += 40
		default:
			return 0, 0, false
		}
		if off+greLen > len(data) {
			return 0, 0, false
		}
		g := data[off:]
		flags, proto := g[0], be16(g[2:4])
		if g[1]&7 != 0 || flags&0x40 != 0 {
			return 0, 0, false // version 1 (PPTP: its key field is not a key), or routing
		}
		hl, key := greFields(flags)
		if (proto == etherERSPAN3 || (proto == etherERSPAN2 && flags&0x10 != 0)) && hl+4 <= len(g) {
			return TunnelERSPAN, uint32(be16(g[hl+2:hl+4]) & 0x3ff), true
		}
		if key >= 0 && key+4 <= len(g) {
			return TunnelGRE, uint32(be16(g[key:]))<<16 | uint32(be16(g[key+2:])), true
		}
	}
	return 0, 0, false
}
