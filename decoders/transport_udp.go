package decoders

import "github.com/pcapflow/pcapflow/pipeline"

// udpApp is the application protocol a UDP datagram is handed to.
type udpApp uint8

const (
	appNone udpApp = iota
	appGTPU
	appGTPC
	appPFCP
)

// classifyUDP picks the application protocol of a datagram from its ports,
// preferring the destination port (the service being addressed) over the
// source port.
func (o *Options) classifyUDP(src, dst uint16) udpApp {
	if a := o.appOf(dst); a != appNone {
		return a
	}
	return o.appOf(src)
}

func (o *Options) appOf(port uint16) udpApp {
	switch port {
	case o.GTPUPort:
		return appGTPU
	case o.GTPCPort:
		return appGTPC
	case o.PFCPPort:
		return appPFCP
	}
	return appNone
}

// udpPayload is the hook run after the outermost UDP header: data[start:]
// is the datagram's captured payload. The mobile-core decoders attach here:
// GTP-U decodes its header and hands the G-PDU's inner packet to
// decodeIPv4/decodeIPv6 with inner=true (filling out.Inner and the Inner*
// layer bits); GTP-C and PFCP fill their header fields. None of them is
// wired in yet, so the hook only classifies the datagram.
func (d *Decoder) udpPayload(src, dst uint16, data []byte, start int, out *pipeline.Decoded) {
	switch d.opts.classifyUDP(src, dst) {
	case appGTPU, appGTPC, appPFCP:
		// Header decoders of decoders/gtpu, decoders/gtpc and decoders/pfcp
		// are called from here once they exist.
	}
}
