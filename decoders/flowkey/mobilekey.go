package flowkey

import (
	"net/netip"
	"strconv"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/decoders/mobile"
	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/internal/ipfrag"
	"github.com/pcapflow/pcapflow/pipeline"
)

// IsMobile reports whether the kind needs the mobile-core session tables
// (and, for PFCP and GTPv2-C messages, the packet bytes: see KeyData).
func (k Kind) IsMobile() bool { return k >= SEID && k <= IMSI }

// mobileState is the Keyer's state for mobile kinds.
type mobileState struct {
	pfcp *mobile.PFCPTable
	gtpc *mobile.GTPCTable
	sum  pfcp.Summary
}

func newMobileState(kind Kind) *mobileState {
	m := &mobileState{}
	switch kind {
	case SEID, Session:
		m.pfcp = mobile.NewPFCPTable()
	case IMSI:
		m.gtpc = mobile.NewGTPCTable()
	case UEIP:
		m.pfcp = mobile.NewPFCPTable()
		m.gtpc = mobile.NewGTPCTable()
	}
	return m
}

// PFCPTable returns the PFCP session table of a SEID, Session or UEIP
// Keyer (nil for other kinds), for reports after a run.
func (k *Keyer) PFCPTable() *mobile.PFCPTable {
	if k.mob == nil {
		return nil
	}
	return k.mob.pfcp
}

// KeyData is Key for a packet whose captured bytes are data. Mobile kinds
// read PFCP and GTP-C (v2 and v1) messages from data, and Tunnel the
// tunnel header; every other kind ignores it.
//
// Rules of the mobile kinds (packets without a key go to "other"):
//   - seid: PFCP session messages (types 50-57) by session, decided when
//     each message is read (see package mobile): the establishment request
//     opens the session, so an unanswered request has a file of its own.
//     Node messages (types 1-49) get their unordered node pair with
//     Spec.NodePairs, else no key. PFCP quoted in ICMP errors has no key.
//   - session: as seid, plus GTP-U packets whose outer destination and TEID
//     are an endpoint the session announced (F-TEID or Outer Header
//     Creation), at the packet's time.
//   - teid: GTP-U packets (except Echo) by header TEID and outer destination.
//   - inner-5-tuple: G-PDUs carrying IP, and the packets VXLAN, Geneve,
//     GRE (ERSPAN included) and IP-in-IP tunnels carry, by the tunnelled
//     packet's bidirectional 5-tuple (ports 0 for protocols without
//     ports), whatever the tunnel.
//   - ue-ip: G-PDUs by UE address: the inner address announced as a UE
//     address by PFCP (UE IP Address), GTPv2-C (PAA) or GTPv1-C (End User
//     Address) before the packet;
//     failing that, the one private-use address (RFC 1918, 100.64/10,
//     fc00::/7) of the pair; failing that, the inner source.
//   - imsi: GTPv2-C messages, and GTPv1-C PDP context messages, by the
//     subscriber's IMSI (also responses and later messages, by header
//     TEID), and GTP-U packets sent to the bearer endpoints (GTPv1-C: TEID
//     Data I at a GSN's user-plane address) its messages announced.
func (k *Keyer) KeyData(p *pipeline.Packet, data []byte) (Key, bool) {
	k.notes.reset()
	if k.spec.Kind == Tunnel {
		t, id, ok := decoders.TunnelID(&p.Decoded, data)
		return Key{kind: Tunnel, proto: uint8(t), id: uint64(id)}, ok
	}
	if !k.spec.Kind.IsMobile() {
		return k.Key(p)
	}
	return k.mobileKey(p, data)
}

func payloadOf(d *pipeline.Decoded, data []byte) []byte {
	start, end := int(d.PayloadOffset), int(d.PayloadOffset)+int(d.PayloadLen)
	if d.PayloadLen == 0 || end > len(data) {
		return nil
	}
	return data[start:end]
}

func (k *Keyer) mobileKey(p *pipeline.Packet, data []byte) (Key, bool) {
	d := &p.Decoded
	if !d.Layers.Has(pipeline.LayerFragment) || (d.FragOffset == 0 && !d.MoreFragments) {
		return k.mobileKeyOf(p, data)
	}
	// An outer datagram in fragments (a G-PDU too large for the transport
	// network's MTU): the later fragments, which carry no GTP-U header,
	// go where the first one went.
	id := ipfrag.ID{Src: d.IP.Src, Dst: d.IP.Dst, ID: d.IPID, Proto: d.IP.Proto}
	if d.FragOffset != 0 {
		key, ok := k.fragKeys.Get(id, p.Timestamp)
		k.notes.later(id, ok)
		return key, ok
	}
	key, ok := k.mobileKeyOf(p, data)
	if ok {
		k.fragKeys.Put(id, key, p.Timestamp)
	}
	k.notes.first(id)
	return key, ok
}

// mobileKeyOf returns the mobile key of p, a packet that is not a later
// fragment of an outer datagram.
func (k *Keyer) mobileKeyOf(p *pipeline.Packet, data []byte) (Key, bool) {
	d := &p.Decoded
	if d.Flags.Has(pipeline.FlagInICMPError) {
		return Key{}, false
	}
	m := k.mob
	kind := k.spec.Kind
	switch {
	case d.Layers.Has(pipeline.LayerPFCP):
		pl := payloadOf(d, data)
		if m.pfcp == nil || pl == nil {
			return Key{}, false
		}
		pfcp.Summarize(pl, &m.sum)
		i, class := m.pfcp.Add(d.IP.Src, d.IP.Dst, &m.sum)
		if kind != SEID && kind != Session {
			return Key{}, false
		}
		switch class {
		case mobile.ClassSession:
			return sessionKey(kind, m.pfcp.Session(i)), true
		case mobile.ClassNode:
			if k.spec.NodePairs {
				a, b := d.IP.Src.Unmap(), d.IP.Dst.Unmap()
				if b.Less(a) {
					a, b = b, a
				}
				return Key{kind: kind, sub: subNodes, a: a, b: b}, true
			}
		}
		return Key{}, false
	case d.Layers.Has(pipeline.LayerGTPC):
		pl := payloadOf(d, data)
		if m.gtpc == nil || pl == nil {
			return Key{}, false
		}
		var i int32
		var ok bool
		switch pl[0] >> 5 {
		case 2:
			i, ok = m.gtpc.Add(d.IP.Src, d.IP.Dst, pl)
		case 1:
			i, ok = m.gtpc.AddV1(d.IP.Src, d.IP.Dst, pl)
		}
		if !ok || kind != IMSI {
			return Key{}, false
		}
		return imsiKey(m.gtpc.Subscriber(i).IMSI), true
	case !d.Layers.Has(pipeline.LayerGTPU):
		if kind == Inner5Tuple && d.Layers&overlayTunnels != 0 {
			return k.innerTuple(p)
		}
		return Key{}, false
	}
	dst := d.IP.Dst.Unmap()
	switch kind {
	case SEID:
		return Key{}, false
	case TEID:
		if d.GTPType == 1 || d.GTPType == 2 {
			return Key{}, false // Echo: a path message, no tunnel
		}
		return Key{kind: TEID, a: dst, id: uint64(d.TEID)}, true
	case Session:
		if i, ok := m.pfcp.Tunnel(dst, d.TEID); ok && d.TEID != 0 {
			return sessionKey(kind, m.pfcp.Session(i)), true
		}
		return Key{}, false
	case IMSI:
		if i, ok := m.gtpc.Tunnel(dst, d.TEID); ok && d.TEID != 0 {
			return imsiKey(m.gtpc.Subscriber(i).IMSI), true
		}
		return Key{}, false
	}
	if kind == UEIP {
		if d.Layers&(pipeline.LayerInnerIPv4|pipeline.LayerInnerIPv6) == 0 || !d.Inner.Src.IsValid() || !d.Inner.Dst.IsValid() {
			return Key{}, false
		}
		return Key{kind: UEIP, a: m.ueOf(d.Inner.Src.Unmap(), d.Inner.Dst.Unmap())}, true
	}
	return k.innerTuple(p)
}

// overlayTunnels are the tunnels besides GTP-U whose packets
// inner-5-tuple keys by the tunnelled tuple.
const overlayTunnels = pipeline.LayerVXLAN | pipeline.LayerGeneve | pipeline.LayerGRE | pipeline.LayerIPinIP

// innerTuple returns the inner-5-tuple key of tunnelled packet p. A
// tunnelled fragment after the first has no ports: it takes those of its
// datagram's first fragment, as the outer 5-tuple does.
func (k *Keyer) innerTuple(p *pipeline.Packet) (Key, bool) {
	d := &p.Decoded
	if d.Layers&(pipeline.LayerInnerIPv4|pipeline.LayerInnerIPv6) == 0 || !d.Inner.Src.IsValid() || !d.Inner.Dst.IsValid() {
		return Key{}, false
	}
	f := &d.Inner
	sport, dport := f.SrcPort, f.DstPort
	switch {
	case !hasPorts(f.Proto):
		sport, dport = 0, 0
	case k.frags == nil:
	case d.InnerFragOffset != 0:
		id := ipfrag.ID{Src: f.Src, Dst: f.Dst, ID: d.InnerIPID, Proto: f.Proto, Tunnelled: true}
		pp, ok := k.frags.Get(id, p.Timestamp)
		sport, dport = pp[0], pp[1]
		k.notes.later(id, ok)
	case d.InnerMoreFragments:
		id := ipfrag.ID{Src: f.Src, Dst: f.Dst, ID: d.InnerIPID, Proto: f.Proto, Tunnelled: true}
		k.frags.Put(id, [2]uint16{sport, dport}, p.Timestamp)
		k.notes.first(id)
	}
	key := Key{kind: Inner5Tuple, a: f.Src, b: f.Dst, aPort: sport, bPort: dport, proto: f.Proto}
	if c := f.Dst.Compare(f.Src); c < 0 || (c == 0 && dport < sport) {
		key.a, key.b, key.aPort, key.bPort = f.Dst, f.Src, dport, sport
	}
	return key, true
}

// ueOf picks the UE side of an inner address pair (see KeyData).
func (m *mobileState) ueOf(src, dst netip.Addr) netip.Addr {
	known := func(a netip.Addr) bool {
		if _, ok := m.pfcp.UE(a); ok {
			return true
		}
		_, ok := m.gtpc.UE(a)
		return ok
	}
	switch ks, kd := known(src), known(dst); {
	case ks && !kd:
		return src
	case kd && !ks:
		return dst
	}
	if privateUse(dst) && !privateUse(src) {
		return dst
	}
	return src
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// privateUse reports RFC 1918, RFC 6598 (shared address space) and RFC 4193
// (unique local) addresses, where operators number UEs.
func privateUse(a netip.Addr) bool { return a.IsPrivate() || cgnat.Contains(a) }

func sessionKey(kind Kind, s *mobile.PFCPSession) Key {
	key := Key{kind: kind, a: s.CP, b: s.UP, id: s.CPSEID, gen: s.Gen}
	if s.HasCPSEID {
		key.aPort = 1
	}
	return key
}

func imsiKey(id mobile.IMSI) Key { return Key{kind: IMSI, id: id.V, gen: uint32(id.N)} }

func mobilePrefix(k Kind) string {
	switch k {
	case SEID:
		return "seid"
	case Session:
		return "session"
	}
	return ""
}

// appendMobileString writes the readable form of a mobile key:
// "pfcp session 10.0.0.1 -> 10.0.0.2 cp-seid 0x1 #2", "pfcp nodes 10.0.0.1
// <-> 10.0.0.2", "teid 0x1234 -> 10.0.1.1", "udp 10.45.0.2:1000 <->
// 8.8.8.8:53" (inside GTP-U), "ue 10.45.0.2", "imsi 001010000000001".
func (k Key) appendMobileString(b []byte) []byte {
	switch k.kind {
	case SEID, Session:
		if k.sub == subNodes {
			b = append(b, "pfcp nodes "...)
			b = k.a.AppendTo(b)
			b = append(b, " <-> "...)
			return k.b.AppendTo(b)
		}
		b = append(b, "pfcp session "...)
		b = k.a.AppendTo(b)
		b = append(b, " -> "...)
		b = k.b.AppendTo(b)
		if k.aPort == 1 {
			b = append(b, " cp-seid 0x"...)
			b = strconv.AppendUint(b, k.id, 16)
		} else {
			b = append(b, " no cp-seid"...)
		}
		if k.gen > 0 {
			b = append(b, " #"...)
			b = strconv.AppendUint(b, uint64(k.gen)+1, 10)
		}
	case TEID:
		b = append(b, "teid 0x"...)
		b = strconv.AppendUint(b, k.id, 16)
		b = append(b, " -> "...)
		b = k.a.AppendTo(b)
	case Inner5Tuple:
		b = appendProto(b, k.proto)
		b = append(b, ' ')
		b = netip.AddrPortFrom(k.a, k.aPort).AppendTo(b)
		b = append(b, " <-> "...)
		b = netip.AddrPortFrom(k.b, k.bPort).AppendTo(b)
		b = append(b, " (tunnelled)"...)
	case UEIP:
		b = append(b, "ue "...)
		b = k.a.AppendTo(b)
	case IMSI:
		b = append(b, "imsi "...)
		b = k.IMSI().AppendTo(b)
	}
	return b
}

// appendMobileFileName writes the file name of a mobile key:
// "seid_10.0.0.1_10.0.0.2_0000000000000001" (CP, UP, CP SEID in hex; a
// later generation ends in "-2", "-3"...; "_none" without a CP SEID),
// "seid_nodes_10.0.0.1_10.0.0.2"; "session_…" likewise;
// "teid_00001234_10.0.1.1"; "inner_udp_10.45.0.2_1000_8.8.8.8_53";
// "ue_10.45.0.2"; "imsi_001010000000001".
func (k Key) appendMobileFileName(b []byte) []byte {
	switch k.kind {
	case SEID, Session:
		b = append(b, mobilePrefix(k.kind)...)
		b = append(b, '_')
		if k.sub == subNodes {
			b = append(b, "nodes_"...)
		}
		b = appendFileAddr(b, k.a)
		b = append(b, '_')
		b = appendFileAddr(b, k.b)
		if k.sub == subNodes {
			return b
		}
		b = append(b, '_')
		if k.aPort == 1 {
			b = appendHex(b, k.id, 16)
		} else {
			b = append(b, "none"...)
		}
		if k.gen > 0 {
			b = append(b, '-')
			b = strconv.AppendUint(b, uint64(k.gen)+1, 10)
		}
	case TEID:
		b = append(b, "teid_"...)
		b = appendHex(b, k.id, 8)
		b = append(b, '_')
		b = appendFileAddr(b, k.a)
	case Inner5Tuple:
		b = append(b, "inner_"...)
		b = appendProto(b, k.proto)
		b = append(b, '_')
		b = appendFileAddr(b, k.a)
		b = append(b, '_')
		b = strconv.AppendUint(b, uint64(k.aPort), 10)
		b = append(b, '_')
		b = appendFileAddr(b, k.b)
		b = append(b, '_')
		b = strconv.AppendUint(b, uint64(k.bPort), 10)
	case UEIP:
		b = append(b, "ue_"...)
		b = appendFileAddr(b, k.a)
	case IMSI:
		b = append(b, "imsi_"...)
		b = k.IMSI().AppendTo(b)
	}
	return b
}

// appendHex writes v as lower-case hex, zero-padded to digits.
func appendHex(b []byte, v uint64, digits int) []byte {
	for i := digits - 1; i >= 0; i-- {
		b = append(b, hexDigits[(v>>(4*uint(i)))&15])
	}
	return b
}
