package generators

import "encoding/binary"

// pfcpGen is the frameSource of a PFCPScenario: it encodes each event's
// PFCP message (or G-PDU) into a reused buffer when next announces it.
type pfcpGen struct {
	p   *pfPlan
	pos int
	cur *pfEvent
	w   pfcpWriter
	// msg is the UDP payload of the current frame; pth its path.
	msg []byte
	pth path
	// sport and dport are the current frame's UDP ports.
	sport, dport uint16
	ipID         uint32
	up           upBuilder
	// dgram is the UDP datagram being sent in fragments (see Scenario
	// MTU), fragOff the offset of its next fragment's data, fragTS the
	// time they are sent at.
	dgram   []byte
	fragOff int
	fragTS  int64
}

func newPFCPGen(p *pfPlan) *pfcpGen {
	return &pfcpGen{p: p, w: pfcpWriter{b: make([]byte, 0, 512)}, up: upBuilder{buf: make([]byte, 0, 2048)}}
}

func (g *pfcpGen) next() (int, int64, bool) {
	if g.fragOff < len(g.dgram) {
		return g.pth.fragmentLen(g.fragLen()), g.fragTS, true
	}
	g.dgram = g.dgram[:0]
	if g.pos >= len(g.p.events) {
		return 0, 0, false
	}
	g.cur = &g.p.events[g.pos]
	g.pos++
	e := g.cur
	switch e.kind {
	case evGPDUUp, evGPDUDown:
		g.msg, g.pth = g.up.gpdu(g.p, e)
		g.sport, g.dport = gtpuPort, gtpuPort
		if mtu := g.p.MTU; mtu > 0 && g.pth.l3Len()+8+len(g.msg) > mtu {
			g.fragment(e.t)
			return g.pth.fragmentLen(g.fragLen()), e.t, true
		}
	default:
		g.msg = g.message(e)
		g.pth = g.p.cpToUP
		g.sport, g.dport = g.p.CPPort, pfcpPort
		if !isRequest(e.kind) {
			g.pth = g.p.cpToUP.reverse(64)
			g.sport, g.dport = pfcpPort, g.p.CPPort
		}
	}
	return g.pth.frameLen(8 + len(g.msg)), e.t, true
}

func (g *pfcpGen) fill(dst []byte) {
	if g.fragOff < len(g.dgram) {
		if g.fragOff == 0 {
			g.ipID++
		}
		n := g.fragLen()
		g.pth.putFragment(dst, protoUDP, g.ipID, g.fragOff, g.fragOff+n < len(g.dgram), g.dgram[g.fragOff:g.fragOff+n])
		g.fragOff += n
		return
	}
	g.ipID++
	g.pth.putDatagram(dst, g.ipID, g.sport, g.dport, g.msg)
}

// fragment makes the current G-PDU's whole UDP datagram, to be sent in
// fragments at time t.
func (g *pfcpGen) fragment(t int64) {
	l4 := 8 + len(g.msg)
	g.dgram = append(g.dgram[:0], make([]byte, l4)...)
	putUDP(g.dgram, g.sport, g.dport, l4)
	copy(g.dgram[8:], g.msg)
	g.pth.finishAll(g.dgram, protoUDP)
	g.fragOff, g.fragTS = 0, t
}

// fragLen is the data length of the next fragment of g.dgram.
func (g *pfcpGen) fragLen() int {
	return min(g.pth.fragmentData(g.p.MTU), len(g.dgram)-g.fragOff)
}

// message encodes the PFCP message of event e.
func (g *pfcpGen) message(e *pfEvent) []byte {
	p := g.p
	w := &g.w
	seq := p.seqs[e.tx]
	var s *pfSession
	if e.sess >= 0 {
		s = &p.sessions[e.sess]
	}
	switch e.kind {
	case evAssocReq:
		w.header(pfcpAssocReq, -1, seq)
		w.nodeID(p.CP)
		w.recovery(p.recovery)
	case evAssocResp:
		w.header(pfcpAssocResp, -1, seq)
		w.nodeID(p.UP)
		w.u8(ieCause, causeAccepted)
		w.recovery(p.recovery)
	case evHeartbeatReq:
		w.header(pfcpHeartbeatReq, -1, seq)
		w.recovery(p.recovery)
	case evHeartbeatResp:
		w.header(pfcpHeartbeatResp, -1, seq)
		w.recovery(p.recovery)
	case evEstReq:
		w.header(pfcpEstReq, 0, seq)
		w.nodeID(p.CP)
		w.fseid(s.cpSEID, p.CP)
		g.createPDR(1, ifAccess, s, false)
		g.createPDR(2, ifCore, s, true)
		g.createFAR(1, ifCore)
		g.createFAR(2, ifAccess)
		if p.VendorIE {
			w.vendor(uint32(e.sess))
		}
	case evEstResp:
		if s.rejected {
			w.header(pfcpEstResp, 0, seq)
			w.nodeID(p.UP)
			w.u8(ieCause, causeNoResources)
			break
		}
		w.header(pfcpEstResp, int64(s.cpSEID), seq)
		w.nodeID(p.UP)
		w.u8(ieCause, causeAccepted)
		w.fseid(s.upSEID, p.UP)
		c := w.begin(ieCreatedPDR)
		w.u16(iePDRID, 1)
		w.fteid(s.ulTEID, p.UP)
		w.end(c)
	case evModReq:
		w.header(pfcpModReq, int64(s.upSEID), seq)
		u := w.begin(ieUpdateFAR)
		w.u32(ieFARID, 2)
		w.u8(ieApplyAction, actionForward)
		f := w.begin(ieUpdateForwarding)
		w.u8(ieDestInterface, ifAccess)
		w.outerHeader(s.dlTEID, p.GNB)
		w.end(f)
		w.end(u)
	case evModResp:
		w.header(pfcpModResp, int64(s.cpSEID), seq)
		w.u8(ieCause, causeAccepted)
	case evDelReq:
		w.header(pfcpDelReq, int64(s.upSEID), seq)
	case evDelResp:
		w.header(pfcpDelResp, int64(s.cpSEID), seq)
		w.u8(ieCause, causeAccepted)
	}
	return w.done()
}

// createPDR writes a Create PDR: uplink PDRs ask the UPF to choose an
// F-TEID; both carry the UE address (as destination for downlink).
func (g *pfcpGen) createPDR(id uint16, src uint8, s *pfSession, downlink bool) {
	w := &g.w
	c := w.begin(ieCreatePDR)
	w.u16(iePDRID, id)
	w.u32(iePrecedence, 255)
	pdi := w.begin(iePDI)
	w.u8(ieSourceInterface, src)
	if !downlink {
		w.fteidChoose(g.p.UP.Is6())
	}
	w.ueIP(s.ue, downlink)
	w.end(pdi)
	w.u32(ieFARID, uint32(id))
	w.end(c)
}

func (g *pfcpGen) createFAR(id uint32, dst uint8) {
	w := &g.w
	c := w.begin(ieCreateFAR)
	w.u32(ieFARID, id)
	w.u8(ieApplyAction, actionForward)
	f := w.begin(ieForwardingParams)
	w.u8(ieDestInterface, dst)
	w.end(f)
	w.end(c)
}

// upBuilder encodes G-PDUs into a reused buffer.
type upBuilder struct{ buf []byte }

// Inner protocols of G-PDU n, in turn.
var gpduProtos = [3]uint8{protoUDP, protoTCP, protoICMP}

// gpduPayload is the inner payload length of G-PDU n.
func gpduPayload(n int32) int { return 32 + int(n%8)*100 }

// gpdu encodes the GTP-U message of a user-plane event and returns it with
// the outer path (gNB → UPF uplink, UPF → gNB downlink).
func (u *upBuilder) gpdu(p *pfPlan, e *pfEvent) ([]byte, path) {
	s := &p.sessions[e.sess]
	uplink := e.kind == evGPDUUp
	pth, teid := p.gnbToUP, s.ulTEID
	inner := path{ttl: 64}
	putAddr(inner.src[:], s.ue)
	putAddr(inner.dst[:], p.Server)
	if !uplink {
		pth, teid = p.gnbToUP.reverse(64), s.dlTEID
		inner.src, inner.dst = inner.dst, inner.src
	}
	proto := gpduProtos[int(e.n)%len(gpduProtos)]
	pay := gpduPayload(e.n)
	l4 := 8 + pay
	if proto == protoTCP {
		l4 = 20 + pay
	}
	hdr := 8
	if p.QFI != 0 {
		hdr = 16
	}
	n := hdr + 20 + l4
	b := u.buf[:n]
	// GTPv1-U header (and PDU Session Container).
	b[0], b[1] = 0x30, 255
	binary.BigEndian.PutUint16(b[2:], uint16(n-8))
	binary.BigEndian.PutUint32(b[4:], teid)
	if p.QFI != 0 {
		b[0] |= 0x04
		typ := uint8(0x10) // UL PDU SESSION INFORMATION
		if !uplink {
			typ = 0x00
		}
		copy(b[8:16], []byte{0, 0, 0, 0x85, 1, typ, p.QFI, 0})
	}
	// Inner IPv4 header.
	ip := b[hdr : hdr+20]
	ip[0], ip[1] = 0x45, 0
	binary.BigEndian.PutUint16(ip[2:], uint16(20+l4))
	binary.BigEndian.PutUint16(ip[4:], uint16(e.n))
	binary.BigEndian.PutUint16(ip[6:], 0x4000)
	ip[8], ip[9], ip[10], ip[11] = 64, proto, 0, 0
	copy(ip[12:16], inner.src[:4])
	copy(ip[16:20], inner.dst[:4])
	binary.BigEndian.PutUint16(ip[10:], checksum(sum(0, ip)))
	seg := b[hdr+20:]
	ueIdx := uint16(e.sess)
	cport, sport := 40000+ueIdx%20000, uint16(443)
	if proto == protoUDP {
		sport = 9000
	}
	src, dst := cport, sport
	if !uplink {
		src, dst = sport, cport
	}
	var h int
	switch proto {
	case protoUDP:
		putUDP(seg, src, dst, l4)
		h = 8
	case protoTCP:
		h = putTCP(seg, src, dst, uint32(e.n)*1000, uint32(e.n)*1000+1, tcpPsh|tcpAck, 65535, nil)
	default:
		typ := uint8(8)
		if !uplink {
			typ = 0
		}
		putICMP(seg, typ, 0, ueIdx, uint16(e.n))
		h = 8
	}
	for i := range pay {
		seg[h+i] = byte(i)
	}
	inner.finishAll(seg, proto)
	return b, pth
}
