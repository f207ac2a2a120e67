package generators

import (
	"encoding/binary"
	"net/netip"
)

// gtpcGen is the frameSource of a GTPCScenario: it encodes each event's
// GTPv2-C message (or G-PDU) into a reused buffer when next announces it.
type gtpcGen struct {
	p   *gcPlan
	pos int
	w   gtpcWriter
	// msg is the UDP payload of the current frame; pth its path.
	msg          []byte
	pth          path
	sport, dport uint16
	ipID         uint32
	up           []byte
	// gn writes GTPv1-C messages (GTPCScenario.Gn); scratch holds an
	// element value being built.
	gn      gnWriter
	scratch []byte
}

func newGTPCGen(p *gcPlan) *gtpcGen {
	return &gtpcGen{p: p, w: gtpcWriter{b: make([]byte, 0, 512)}, up: make([]byte, 0, 2048), gn: gnWriter{b: make([]byte, 0, 512)}}
}

func (g *gtpcGen) next() (int, int64, bool) {
	if g.pos >= len(g.p.events) {
		return 0, 0, false
	}
	e := &g.p.events[g.pos]
	g.pos++
	switch e.kind {
	case gcUserUp, gcUserDown:
		g.msg, g.pth = g.gpdu(e)
		g.sport, g.dport = gtpuPort, gtpuPort
	default:
		if g.p.Gn {
			g.msg = g.messageGn(e)
		} else {
			g.msg = g.message(e)
		}
		g.pth = g.p.mmeToSGW
		g.sport, g.dport = gtpcPort, gtpcPort
		if !gcIsRequest(e.kind) {
			g.pth = g.p.mmeToSGW.reverse(64)
		}
	}
	return g.pth.frameLen(8 + len(g.msg)), e.t, true
}

func (g *gtpcGen) fill(dst []byte) {
	g.ipID++
	g.pth.putDatagram(dst, g.ipID, g.sport, g.dport, g.msg)
}

// imsi returns subscriber s's IMSI as a 15-digit number.
func (p *gcPlan) imsi(s *gcSubscriber) uint64 {
	var plmn uint64
	for i := range len(p.PLMN) {
		plmn = plmn*10 + uint64(p.PLMN[i]-'0')
	}
	return plmn*pow10(p.msinLen) + s.msin
}

// gtpcTAC is the type allocation code of the generated IMEIs.
const gtpcTAC = 35693803

// imei returns subscriber i's IMEI: the TAC, a 6-digit serial number and
// the Luhn check digit (TS 23.003 annex B).
func imei(i int32) uint64 {
	v := uint64(gtpcTAC)*1_000_000 + uint64(i)%1_000_000
	var sum uint64
	x := v
	for k := 0; k < 14; k++ {
		d := x % 10
		x /= 10
		if k%2 == 0 { // every second digit from the right, starting with the last
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return v*10 + (10-sum%10)%10
}

// message encodes the GTPv2-C message of event e.
func (g *gtpcGen) message(e *gcEvent) []byte {
	p := g.p
	w := &g.w
	seq := p.seqs[e.tx]
	s := p.subscriber(e)
	switch e.kind {
	case gcEchoReq, gcEchoResp:
		typ := uint8(gtpcEchoReq)
		if e.kind == gcEchoResp {
			typ = gtpcEchoResp
		}
		w.header(typ, -1, seq)
		w.u8(gtpcIERecovery, 0, p.recovery)
	case gcCSReq:
		w.header(gtpcCSReq, 0, seq)
		w.tbcd(gtpcIEIMSI, p.imsi(s), 15)
		w.tbcd(gtpcIEMSISDN, s.msisdn, 11)
		w.tbcd(gtpcIEMEI, imei(e.sub), 15)
		w.servingNetwork(p.PLMN)
		w.u8(gtpcIERATType, 0, p.RAT)
		w.fteid(0, ifS11MME, s.mmeC, p.MME)
		w.fteid(1, ifS5PGWC, 0, p.PGW)
		w.raw(gtpcIEAPN, 0, p.apn)
		w.u8(gtpcIESelectionMode, 0, 0)
		pdn := uint8(pdnIPv4)
		if p.UEIPv6 {
			pdn = pdnIPv4v6
		}
		w.u8(gtpcIEPDNType, 0, pdn)
		w.paa(netip.Addr{}, netip.Addr{}, p.UEIPv6)
		w.u8(gtpcIEAPNRestrict, 0, 0)
		w.ambr(50_000, 100_000)
		bc := w.begin(gtpcIEBearerContext, 0)
		w.u8(gtpcIEEBI, 0, gtpcEBI)
		w.bearerQoS(9)
		w.end(bc)
		w.u8(gtpcIERecovery, 0, p.recovery)
	case gcCSResp:
		if s.rejected {
			w.header(gtpcCSResp, 0, seq)
			w.cause(gtpcCauseNoResources)
			break
		}
		w.header(gtpcCSResp, int64(s.mmeC), seq)
		w.cause(gtpcCauseAccepted)
		w.fteid(0, ifS11S4SGW, s.sgwC, p.SGW)
		w.fteid(1, ifS5PGWC, s.pgwC, p.PGW)
		w.paa(s.ue4, s.ue6, p.UEIPv6)
		w.u8(gtpcIEAPNRestrict, 0, 0)
		w.ambr(50_000, 100_000)
		bc := w.begin(gtpcIEBearerContext, 0)
		w.u8(gtpcIEEBI, 0, gtpcEBI)
		w.cause(gtpcCauseAccepted)
		w.fteid(0, ifS1USGW, s.sgwU, p.SGWU)
		w.fteid(2, ifS5PGWU, s.pgwU, p.PGW)
		w.u32(gtpcIEChargingID, 0, s.pgwC)
		w.end(bc)
	case gcMBReq:
		w.header(gtpcMBReq, int64(s.sgwC), seq)
		bc := w.begin(gtpcIEBearerContext, 0)
		w.u8(gtpcIEEBI, 0, gtpcEBI)
		w.fteid(0, ifS1UENB, s.enbU, p.ENB)
		w.end(bc)
	case gcMBResp:
		w.header(gtpcMBResp, int64(s.mmeC), seq)
		w.cause(gtpcCauseAccepted)
		bc := w.begin(gtpcIEBearerContext, 0)
		w.u8(gtpcIEEBI, 0, gtpcEBI)
		w.cause(gtpcCauseAccepted)
		w.fteid(0, ifS1USGW, s.sgwU, p.SGWU)
		w.end(bc)
	case gcDSReq:
		w.header(gtpcDSReq, int64(s.sgwC), seq)
		w.u8(gtpcIEEBI, 0, gtpcEBI)
	case gcDSResp:
		w.header(gtpcDSResp, int64(s.mmeC), seq)
		w.cause(gtpcCauseAccepted)
	}
	return w.done()
}

// subscriber returns the subscriber of event e, nil for a path message.
func (p *gcPlan) subscriber(e *gcEvent) *gcSubscriber {
	if e.sub < 0 {
		return nil
	}
	return &p.subs[e.sub]
}

// messageGn encodes event e as the GTPv1-C message of GTPCScenario.Gn.
func (g *gtpcGen) messageGn(e *gcEvent) []byte {
	p := g.p
	w := &g.gn
	seq := uint16(p.seqs[e.tx])
	s := p.subscriber(e)
	switch e.kind {
	case gcEchoReq, gcEchoResp:
		typ := uint8(gnEchoReq)
		if e.kind == gcEchoResp {
			typ = gnEchoResp
		}
		w.header(typ, 0, seq)
		w.tv8(gnIERecovery, p.recovery)
	case gcCSReq:
		w.header(gnCreateReq, 0, seq)
		w.b = appendTBCD(append(w.b, gnIEIMSI), p.imsi(s), 15)
		w.tv8(gnIERecovery, p.recovery)
		w.tv8(gnIESelectionMode, 0xfc) // MS or network provided APN, subscription verified
		w.tv32(gnIETEIDData, s.enbU)
		w.tv32(gnIETEIDControl, s.mmeC)
		w.tv8(gnIENSAPI, gnNSAPI)
		w.endUser(netip.Addr{}, netip.Addr{}, p.UEIPv6)
		w.tlv(gnIEAPN, p.apn)
		w.gsn(p.MME)
		w.gsn(p.ENB)
		g.scratch = appendTBCD(append(g.scratch[:0], 0x91), s.msisdn, 11) // international E.164
		w.tlv(gnIEMSISDN, g.scratch)
		w.tlv(gnIEQoSProfile, gnQoS)
	case gcCSResp:
		w.header(gnCreateResp, s.mmeC, seq)
		if s.rejected {
			w.tv8(gnIECause, gnCauseNoRes)
			break
		}
		w.tv8(gnIECause, gnCauseAccepted)
		w.tv8(gnIEReordering, 0xfe) // not required
		w.tv8(gnIERecovery, p.recovery)
		w.tv32(gnIETEIDData, s.sgwU)
		w.tv32(gnIETEIDControl, s.sgwC)
		w.tv32(gnIEChargingID, s.pgwC)
		w.endUser(s.ue4, s.ue6, p.UEIPv6)
		w.gsn(p.SGW)
		w.gsn(p.SGWU)
		w.tlv(gnIEQoSProfile, gnQoS)
	case gcMBReq:
		w.header(gnUpdateReq, s.sgwC, seq)
		w.tv32(gnIETEIDData, s.enbU)
		w.tv32(gnIETEIDControl, s.mmeC)
		w.tv8(gnIENSAPI, gnNSAPI)
		w.gsn(p.MME)
		w.gsn(p.ENB)
		w.tlv(gnIEQoSProfile, gnQoS)
	case gcMBResp:
		w.header(gnUpdateResp, s.mmeC, seq)
		w.tv8(gnIECause, gnCauseAccepted)
		w.tv32(gnIETEIDData, s.sgwU)
		w.gsn(p.SGW)
		w.gsn(p.SGWU)
		w.tlv(gnIEQoSProfile, gnQoS)
	case gcDSReq:
		w.header(gnDeleteReq, s.sgwC, seq)
		w.tv8(gnIETeardown, 0xff)
		w.tv8(gnIENSAPI, gnNSAPI)
	case gcDSResp:
		w.header(gnDeleteResp, s.mmeC, seq)
		w.tv8(gnIECause, gnCauseAccepted)
	}
	return w.done()
}

// User-plane layout: G-PDU n of a subscriber belongs to pair n/2 (uplink
// then downlink); odd pairs carry TCP, even ones UDP; with UEIPv6 pairs
// 2, 3, 6, 7… are IPv6 inside. TCP segments carry gtpcTCPLen bytes and
// continue one stream per subscriber and family with consistent sequence
// and acknowledgement numbers.
const (
	gtpcTCPLen     = 100
	gtpcServerTCP  = 443
	gtpcServerUDP  = 9000
	gtpcClientPort = 40000
)

// gtpcUserShape returns G-PDU n's inner family, protocol and payload length.
func (p *gcPlan) gtpcUserShape(n int32) (v6 bool, proto uint8, pay int) {
	pair := n / 2
	v6 = p.UEIPv6 && (pair/2)%2 == 1
	if pair%2 == 1 {
		return v6, protoTCP, gtpcTCPLen
	}
	return v6, protoUDP, 48 + int(n%4)*100
}

// gpdu encodes the GTP-U message of a user-plane event and returns it with
// its outer path (eNodeB → SGW-U uplink, SGW-U → eNodeB downlink).
func (g *gtpcGen) gpdu(e *gcEvent) ([]byte, path) {
	p := g.p
	s := &p.subs[e.sub]
	uplink := e.kind == gcUserUp
	v6, proto, pay := p.gtpcUserShape(e.n)
	ue, srv := s.ue4, p.Server
	if v6 {
		ue, srv = s.ue6, p.server6
	}
	inner := path{v6: v6}
	putAddr(inner.src[:], ue)
	putAddr(inner.dst[:], srv)
	pth, teid := p.enbToSGWU, s.sgwU
	if !uplink {
		pth, teid = p.enbToSGWU.reverse(64), s.enbU
		inner.src, inner.dst = inner.dst, inner.src
	}
	l4 := 8 + pay
	if proto == protoTCP {
		l4 = 20 + pay
	}
	ipLen := 20
	if v6 {
		ipLen = 40
	}
	n := 8 + ipLen + l4
	b := g.up[:n]
	b[0], b[1] = 0x30, 255
	binary.BigEndian.PutUint16(b[2:], uint16(n-8))
	binary.BigEndian.PutUint32(b[4:], teid)
	ip := b[8 : 8+ipLen]
	if v6 {
		binary.BigEndian.PutUint32(ip[0:], 6<<28)
		binary.BigEndian.PutUint16(ip[4:], uint16(l4))
		ip[6], ip[7] = proto, 64
		copy(ip[8:24], inner.src[:])
		copy(ip[24:40], inner.dst[:])
	} else {
		ip[0], ip[1] = 0x45, 0
		binary.BigEndian.PutUint16(ip[2:], uint16(20+l4))
		binary.BigEndian.PutUint16(ip[4:], uint16(e.n))
		binary.BigEndian.PutUint16(ip[6:], 0x4000)
		ip[8], ip[9], ip[10], ip[11] = 64, proto, 0, 0
		copy(ip[12:16], inner.src[:4])
		copy(ip[16:20], inner.dst[:4])
		binary.BigEndian.PutUint16(ip[10:], checksum(sum(0, ip)))
	}
	seg := b[8+ipLen:]
	cport, sport := uint16(gtpcClientPort+e.sub%20000), uint16(gtpcServerUDP)
	if proto == protoTCP {
		sport = gtpcServerTCP
	}
	src, dst := cport, sport
	if !uplink {
		src, dst = sport, cport
	}
	h := 8
	if proto == protoTCP {
		// k is the TCP pair's index within its stream.
		k := uint32(e.n/2-1) / 2
		if p.UEIPv6 {
			k = uint32(e.n/2) / 4
		}
		isnUp, isnDown := uint32(s.msin)*7919, uint32(s.msin)*104729
		seq, ack := isnUp+k*gtpcTCPLen, isnDown+k*gtpcTCPLen
		if !uplink {
			seq, ack = isnDown+k*gtpcTCPLen, isnUp+(k+1)*gtpcTCPLen
		}
		h = putTCP(seg, src, dst, seq, ack, tcpPsh|tcpAck, 65535, nil)
	} else {
		putUDP(seg, src, dst, l4)
	}
	for i := range pay {
		seg[h+i] = byte(i)
	}
	inner.finishAll(seg, proto)
	return b, pth
}
