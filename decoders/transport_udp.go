package decoders

import "github.com/pcapflow/pcapflow/pipeline"

// udpApp is the application protocol a UDP datagram is handed to.
type udpApp uint8

const (
	appNone udpApp = iota
	appGTPU
	appGTPC
	appPFCP
	appOverlay // VXLAN or Geneve, on their fixed ports
)

// portTable maps the configured mobile-core ports to their protocol. It is
// built once per Decoder; a lookup scans a handful of entries and never
// allocates.
type portTable struct {
	ports []uint16
	apps  []udpApp
}

// newPortTable lists the main ports first, then the extra ones, GTP-U
// before GTP-C before PFCP; a port already listed keeps its first protocol.
func newPortTable(o Options) portTable {
	var t portTable
	add := func(p uint16, a udpApp) {
		if p == 0 || t.lookup(p) != appNone {
			return
		}
		t.ports = append(t.ports, p)
		t.apps = append(t.apps, a)
	}
	add(o.GTPUPort, appGTPU)
	add(o.GTPCPort, appGTPC)
	add(o.PFCPPort, appPFCP)
	for _, p := range o.GTPUPorts {
		add(p, appGTPU)
	}
	for _, p := range o.GTPCPorts {
		add(p, appGTPC)
	}
	for _, p := range o.PFCPPorts {
		add(p, appPFCP)
	}
	return t
}

func (t *portTable) lookup(port uint16) udpApp {
	for i, p := range t.ports {
		if p == port {
			return t.apps[i]
		}
	}
	return appNone
}

// classify picks the application protocol of a datagram from its ports,
// preferring the destination port (the service being addressed) over the
// source port.
func (t *portTable) classify(src, dst uint16) udpApp {
	if a := t.lookup(dst); a != appNone {
		return a
	}
	return t.lookup(src)
}

// datagram says whether a UDP datagram's payload is all present, and if
// not, why.
type datagram uint8

const (
	// dgComplete: every byte the UDP length announces was captured.
	dgComplete datagram = iota
	// dgSnapCut: the frame was cut by the snap length inside the datagram.
	dgSnapCut
	// dgFragment: the datagram continues in later IP fragments.
	dgFragment
	// dgBadLength: the UDP length runs past its IP packet (already flagged
	// malformed by decodeUDP).
	dgBadLength
)

// udpPayload is the hook run after the outermost UDP header: data[start:]
// is the datagram's captured payload (clipped to the UDP length), and the
// UDP header sits in the 8 bytes before start. It hands the payload to the
// GTP-U, GTP-C or PFCP decoder when a port matches, else to the VXLAN or
// Geneve decoder when sent to their port. An overlay's source port only
// spreads its flows (RFC 7348 section 5) and its packets are never
// answered, so a datagram from port 4789 or 6081 (a client's ephemeral
// port, as likely as any) is not taken for one.
func (d *Decoder) udpPayload(src, dst uint16, data []byte, start int, out *pipeline.Decoded) {
	app := d.ports.classify(src, dst)
	if app == appNone && overlayPort(dst) {
		app = appOverlay
	}
	if app == appNone || start < udpLen || start > len(data) {
		return
	}
	p := data[start:]
	dg := dgComplete
	if ulen := int(be16(data[start-4 : start-2])); ulen != 0 && ulen-udpLen > len(p) {
		switch {
		case d.firstFragment:
			dg = dgFragment
		case d.cut:
			dg = dgSnapCut
		default:
			dg = dgBadLength
		}
	}
	switch app {
	case appGTPU:
		d.innerBase = start
		d.decodeGTPU(p, dg, out)
	case appGTPC:
		d.decodeGTPC(p, dg, out)
	case appPFCP:
		d.decodePFCP(p, dg, out)
	case appOverlay:
		d.innerBase = start
		d.decodeOverlayUDP(dst, p, dg, out)
	}
}
