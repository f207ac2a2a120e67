package filter

import (
	"net/netip"
	"strconv"
	"strings"
)

// compiler turns the AST into conds, tracking what libpcap tracks while it
// generates code: how many bytes of VLAN tags, MPLS labels and PPPoE
// headers the filter has stepped over so far (in parse order, whatever the
// parentheses), and whether a "pppoes" made the link PPP.
type compiler struct {
	expr  string
	shift int32
	mpls  int
	ppp   bool
	needs needs
	order []needs
}

func (c *compiler) fail(col int, msg string) {
	panic(bail{&Error{Expr: c.expr, Column: col, Msg: msg}})
}

func (c *compiler) need(n needs) {
	if c.needs&n == 0 {
		c.needs |= n
		c.order = append(c.order, n)
	}
}

// Constructors.

var (
	condTrue  = &cond{op: cTrue}
	condFalse = &cond{op: cFalse}
)

func and(a, b *cond) *cond {
	switch {
	case a.op == cTrue:
		return b
	case b.op == cTrue:
		return a
	}
	return &cond{op: cAnd, a: a, b: b}
}

func or(a, b *cond) *cond {
	switch {
	case a.op == cFalse:
		return b
	case b.op == cFalse:
		return a
	}
	return &cond{op: cOr, a: a, b: b}
}

func not(a *cond) *cond { return &cond{op: cNot, a: a} }

// cmp tests load(b, off, size) & mask  rel  k at the current shift.
func (c *compiler) cmp(b base, off int32, size uint8, mask uint32, rel relop, k uint32) *cond {
	return &cond{op: cCmp, base: b, off: off, size: size, mask: mask, rel: rel, k: k, shift: c.shift}
}

func full(size uint8) uint32 {
	switch size {
	case 1:
		return 0xff
	case 2:
		return 0xffff
	}
	return 0xffffffff
}

// eq tests a field of the network header for equality.
func (c *compiler) eq(b base, off int32, size uint8, k uint32) *cond {
	return c.cmp(b, off, size, full(size), rEq, k)
}

// linkType tests that the link layer carries Ethertype etype. After "mpls"
// the payload type is guessed from the IP version nibble and the bottom of
// the label stack, as libpcap does (which refuses other protocols there:
// see needMPLSProto); after "pppoes" the PPP protocol field is compared
// with etype's PPP number.
func (c *compiler) linkType(etype uint32) *cond {
	switch {
	case c.mpls > 0:
		switch etype {
		case etherIP:
			return and(c.cmp(baseNet, -2, 1, 1, rEq, 1), c.cmp(baseNet, 0, 1, 0xf0, rEq, 0x40))
		case etherIPv6:
			return and(c.cmp(baseNet, -2, 1, 1, rEq, 1), c.cmp(baseNet, 0, 1, 0xf0, rEq, 0x60))
		}
		c.need(needMPLSProto)
		return condFalse
	case c.ppp:
		return c.eq(baseNet, -2, 2, pppProtocol(etype))
	}
	return &cond{op: cLinkType, k: etype, shift: c.shift}
}

// pppProtocol maps an Ethertype (or LLC SAP) to its PPP protocol number,
// as libpcap's ethertype_to_ppptype does; others are compared unchanged.
func pppProtocol(etype uint32) uint32 {
	switch etype {
	case etherIP:
		return 0x0021
	case etherIPv6:
		return 0x0057
	case 0x6003: // DECnet
		return 0x0027
	case 0x809b: // AppleTalk
		return 0x0029
	case 0x0600: // Xerox NS
		return 0x0025
	case 0xfe: // LLC SAP of ISO network layers
		return 0x0023
	case 0x42: // LLC SAP of 802.1D bridging
		return 0x0031
	case 0xe0: // LLC SAP of IPX
		return 0x002b
	case etherMPLS:
		return 0x0281
	case etherMPLSMulti:
		return 0x0283
	}
	return etype
}

const (
	etherIP   = 0x0800
	etherIPv6 = 0x86dd
	etherARP  = 0x0806
	etherRARP = 0x8035
	etherMPLS = 0x8847
	// etherMPLSMulti, etherPPPoED and etherPPPoES are the Ethertypes of
	// multicast MPLS and of PPPoE discovery and session frames.
	etherMPLSMulti = 0x8848
	etherPPPoED    = 0x8863
	etherPPPoES    = 0x8864
	protoFrag      = 44
)

// ipProto: an IPv4 packet whose protocol field is p.
func (c *compiler) ipProto(p uint32) *cond {
	return and(c.linkType(etherIP), c.eq(baseNet, 9, 1, p))
}

// ip6Proto: an IPv6 packet whose next header is p, directly or after one
// fragment header (libpcap looks no further).
func (c *compiler) ip6Proto(p uint32) *cond {
	direct := c.eq(baseNet, 6, 1, p)
	if p == protoFrag {
		return and(c.linkType(etherIPv6), direct)
	}
	return and(c.linkType(etherIPv6), or(direct, and(c.eq(baseNet, 6, 1, protoFrag), c.eq(baseNet, 40, 1, p))))
}

// notFragment: the IPv4 fragment offset is zero.
func (c *compiler) notFragment() *cond {
	return not(c.cmp(baseNet, 6, 2, 0x1fff, rSet, 0))
}

// compile translates n.
func (c *compiler) compile(n node) *cond {
	switch n := n.(type) {
	case andNode:
		l := c.compile(n.l)
		return and(l, c.compile(n.r))
	case orNode:
		l := c.compile(n.l)
		return or(l, c.compile(n.r))
	case notNode:
		return not(c.compile(n.x))
	case abbrevNode:
		return c.abbrev(n)
	case castNode:
		return c.cast(n)
	case tagNode:
		return c.tag(n)
	case relNode:
		return c.relation(n)
	case primNode:
		return c.prim(n)
	}
	panic("filter: unknown node")
}

func (c *compiler) abbrev(n abbrevNode) *cond {
	switch n.name {
	case "ip":
		return c.linkType(etherIP)
	case "ip6":
		return c.linkType(etherIPv6)
	case "arp":
		return c.linkType(etherARP)
	case "rarp":
		return c.linkType(etherRARP)
	case "tcp":
		return or(c.ipProto(6), c.ip6Proto(6))
	case "udp":
		return or(c.ipProto(17), c.ip6Proto(17))
	case "sctp":
		return or(c.ipProto(132), c.ip6Proto(132))
	case "icmp":
		return c.ipProto(1)
	case "igmp":
		return c.ipProto(2)
	case "icmp6":
		return c.ip6Proto(58)
	case "pppoed":
		return c.linkType(etherPPPoED)
	}
	c.fail(n.col, "'"+n.name+"' needs a qualifier here (host, src, dst, proto…)")
	return nil
}

func (c *compiler) cast(n castNode) *cond {
	switch {
	case !n.multicast && (n.proto == "" || n.proto == "ether"):
		if c.ppp {
			c.need(needPPPBroadcast)
		}
		c.need(needBroadcast)
		return and(c.cmp(baseLink, 2, 4, 0xffffffff, rEq, 0xffffffff), c.cmp(baseLink, 0, 2, 0xffff, rEq, 0xffff))
	case n.multicast && (n.proto == "" || n.proto == "ether"):
		if c.ppp {
			c.need(needPPPMulticast)
		}
		c.need(needMulticast)
		return c.cmp(baseLink, 0, 1, 1, rSet, 0)
	case !n.multicast && n.proto == "ip":
		// tcpdump reading a file passes netmask 0: the host part is all 32 bits.
		return and(c.linkType(etherIP), or(c.eq(baseNet, 16, 4, 0), c.eq(baseNet, 16, 4, 0xffffffff)))
	case n.multicast && n.proto == "ip":
		return and(c.linkType(etherIP), c.cmp(baseNet, 16, 1, 0xff, rGe, 224))
	case n.multicast && n.proto == "ip6":
		return and(c.linkType(etherIPv6), c.eq(baseNet, 24, 1, 0xff))
	case n.multicast:
		c.fail(n.col, "only link-layer/IP/IPv6 multicast filters supported")
	}
	c.fail(n.col, "only link-layer/IP broadcast filters supported")
	return nil
}

// tag compiles "vlan", "mpls" and "pppoes", which step over their header:
// the tests after them read 4 (vlan, mpls) or 8 (pppoes: its 6-byte header
// and the PPP protocol field) bytes further.
func (c *compiler) tag(n tagNode) *cond {
	var t *cond
	switch n.kind {
	case tagVLAN:
		if c.ppp {
			c.need(needPPPVLAN)
		}
		c.need(needVLAN)
		t = or(c.eq(baseLT, 0, 2, 0x8100), or(c.eq(baseLT, 0, 2, 0x88a8), c.eq(baseLT, 0, 2, 0x9100)))
		if n.hasID {
			t = and(t, c.cmp(baseNet, 0, 2, 0x0fff, rEq, n.id))
		}
		c.shift += 4
	case tagMPLS:
		if c.mpls > 0 {
			t = not(c.cmp(baseNet, -2, 1, 1, rSet, 0)) // another label follows
		} else {
			if !c.ppp { // after "pppoes" the link is PPP, which has MPLS
				c.need(needMPLS)
			}
			t = c.linkType(etherMPLS)
		}
		if n.hasID {
			t = and(t, c.cmp(baseNet, 0, 4, 0xfffff000, rEq, n.id<<12))
		}
		c.mpls++
		c.shift += 4
	case tagPPPoES:
		t = c.linkType(etherPPPoES)
		if n.hasID {
			t = and(t, c.cmp(baseNet, 0, 4, 0xffff, rEq, n.id))
		}
		c.ppp = true
		c.shift += 8
	}
	return t
}

// prim compiles a qualified value.
func (c *compiler) prim(n primNode) *cond {
	switch n.typ {
	case "proto":
		return c.protoPrim(n)
	case "port", "portrange":
		return c.portPrim(n)
	}
	return c.hostPrim(n)
}

func (c *compiler) protoPrim(n primNode) *cond {
	v := n.val.num
	if n.val.kind == tID {
		names := ipProtoNames
		if n.proto == "ether" {
			names = etherProtoNames
		}
		var ok bool
		if v, ok = names[n.val.text]; !ok {
			c.fail(n.val.col, "unknown "+n.proto+" proto '"+n.val.text+"'")
		}
	}
	switch n.proto {
	case "":
		if v > 255 {
			c.fail(n.val.col, "protocol "+n.val.text+" greater than 255")
		}
		return or(c.ipProto(v), c.ip6Proto(v))
	case "ip":
		if v > 255 {
			c.fail(n.val.col, "protocol "+n.val.text+" greater than 255")
		}
		return c.ipProto(v)
	case "ip6":
		if v > 255 {
			c.fail(n.val.col, "protocol "+n.val.text+" greater than 255")
		}
		return c.ip6Proto(v)
	case "ether":
		if v > 0xffff {
			c.fail(n.val.col, "ether proto "+n.val.text+" greater than 65535")
		}
		return c.linkType(v)
	}
	c.fail(n.protoCol, "'"+n.proto+" proto' is not supported")
	return nil
}

// dirs combines the source and destination tests as the direction says.
func dirs(dir string, src, dst func() *cond) *cond {
	switch dir {
	case "src":
		return src()
	case "dst":
		return dst()
	case "src and dst":
		return and(src(), dst())
	}
	return or(src(), dst())
}

// Transport protocol sets for ports, in libpcap's test order.
var (
	portAny  = []uint32{132, 6, 17}
	portTCP  = []uint32{6}
	portUDP  = []uint32{17}
	portSCTP = []uint32{132}
)

func (c *compiler) portPrim(n primNode) *cond {
	var protos []uint32
	switch n.proto {
	case "":
		protos = portAny
	case "tcp":
		protos = portTCP
	case "udp":
		protos = portUDP
	case "sctp":
		protos = portSCTP
	default:
		c.fail(n.protoCol, "illegal qualifier of '"+n.typ+"'")
	}
	lo, hi := c.portRange(n, &protos)
	test := func(b base, off int32) *cond {
		if lo == hi {
			return c.eq(b, off, 2, lo)
		}
		return and(c.cmp(b, off, 2, 0xffff, rGe, lo), c.cmp(b, off, 2, 0xffff, rLe, hi))
	}
	protoIn := func(off int32) *cond {
		t := condFalse
		for _, p := range protos {
			t = or(t, c.eq(baseNet, off, 1, p))
		}
		return t
	}
	v6 := and(and(c.linkType(etherIPv6), protoIn(6)),
		dirs(n.dir, func() *cond { return test(baseNet, 40) }, func() *cond { return test(baseNet, 42) }))
	v4 := and(and(and(c.linkType(etherIP), protoIn(9)), c.notFragment()),
		dirs(n.dir, func() *cond { return test(baseTrans, 0) }, func() *cond { return test(baseTrans, 2) }))
	return or(v6, v4)
}

// portRange reads the port or range of n; a service name may narrow the
// protocols to the ones it is registered for.
func (c *compiler) portRange(n primNode, protos *[]uint32) (lo, hi uint32) {
	one := func(s string, col int) uint32 {
		if v, ok, big := parseNum(s); ok && !big {
			if v > 65535 {
				c.fail(col, "illegal port number "+s+" > 65535")
			}
			return v
		}
		svc, ok := services[s]
		if !ok {
			c.fail(col, "unknown port '"+s+"'")
		}
		switch {
		case n.proto == "tcp" && svc.protos&svcTCP == 0:
			c.fail(col, "port '"+s+"' is udp")
		case n.proto == "udp" && svc.protos&svcUDP == 0:
			c.fail(col, "port '"+s+"' is tcp")
		case n.proto == "" && svc.protos == svcTCP:
			*protos = portTCP
		case n.proto == "" && svc.protos == svcUDP:
			*protos = portUDP
		}
		return uint32(svc.port)
	}
	v := n.val
	switch v.kind {
	case tNum:
		if v.num > 65535 {
			c.fail(v.col, "illegal port number "+strconv.FormatUint(uint64(v.num), 10)+" > 65535")
		}
		return v.num, v.num
	case tID:
		if n.typ == "portrange" {
			if a, b, ok := strings.Cut(v.text, "-"); ok && a != "" && b != "" {
				lo, hi = one(a, v.col), one(b, v.col+len(a)+1)
				if lo > hi {
					lo, hi = hi, lo
				}
				return lo, hi
			}
		}
		p := one(v.text, v.col)
		return p, p
	}
	c.fail(v.col, "expected a port number after '"+n.typ+"' but found "+v.describe())
	return 0, 0
}

func (c *compiler) hostPrim(n primNode) *cond {
	v := n.val
	switch v.kind {
	case tEID:
		if n.typ == "net" || (n.proto != "" && n.proto != "ether") {
			c.fail(v.col, "illegal use of an Ethernet address")
		}
		mac, _ := parseMAC(v.text)
		if c.ppp {
			c.need(needPPPEtherAddr)
		}
		c.need(needEtherAddr)
		at := func(off int32) func() *cond {
			return func() *cond {
				w := uint32(mac[2])<<24 | uint32(mac[3])<<16 | uint32(mac[4])<<8 | uint32(mac[5])
				return and(c.eq(baseLink, off+2, 4, w), c.eq(baseLink, off, 2, uint32(mac[0])<<8|uint32(mac[1])))
			}
		}
		return dirs(n.dir, at(6), at(0))
	case tHID6:
		return c.host6(n)
	case tID:
		if n.typ == "net" {
			c.fail(v.col, "unknown network '"+v.text+"'")
		}
		c.fail(v.col, "unknown host '"+v.text+"' (pcapflow does not resolve names)")
	}
	if n.proto == "ether" {
		c.fail(v.col, "illegal link layer address")
	}
	addr, mask := c.addr4(n)
	test := func(off int32) func() *cond {
		return func() *cond { return c.cmp(baseNet, off, 4, mask, rEq, addr) }
	}
	ipPart := func() *cond { return and(c.linkType(etherIP), dirs(n.dir, test(12), test(16))) }
	arpPart := func(t *cond) *cond { return and(t, dirs(n.dir, test(14), test(24))) }
	switch n.proto {
	case "":
		ip := ipPart()
		if c.mpls > 0 {
			return ip // libpcap leaves ARP and RARP out over MPLS
		}
		return or(ip, arpPart(or(c.linkType(etherARP), c.linkType(etherRARP))))
	case "ip":
		return ipPart()
	case "arp":
		return arpPart(c.linkType(etherARP))
	case "rarp":
		return arpPart(c.linkType(etherRARP))
	case "ip6":
		c.fail(n.protoCol, "'ip6' modifier applied to ip host")
	}
	c.fail(n.protoCol, "'"+n.proto+"' modifier applied to host")
	return nil
}

// addr4 returns the IPv4 value and mask of a host or net primitive, the way
// libpcap reads them: "host 10.1" is the network 10.1.0.0/16, "net 10" is
// 10.0.0.0/8, "host 10" is 0.0.0.10.
func (c *compiler) addr4(n primNode) (addr, mask uint32) {
	v := n.val
	if v.kind == tNum {
		addr, mask = v.num, 0xffffffff
		if n.typ == "net" {
			for addr != 0 && addr&0xff000000 == 0 {
				addr <<= 8
				mask <<= 8
			}
		}
	} else {
		parts := strings.Split(v.text, ".")
		for _, p := range parts {
			b, err := strconv.ParseUint(p, 10, 8)
			if err != nil {
				c.fail(v.col, "invalid IPv4 address '"+v.text+"'")
			}
			addr = addr<<8 | uint32(b)
		}
		vlen := 8 * uint(len(parts))
		addr <<= 32 - vlen
		mask = 0xffffffff << (32 - vlen)
	}
	switch {
	case n.plen >= 0:
		if n.typ != "net" {
			c.fail(v.col, "mask syntax for networks only")
		}
		if n.plen > 32 {
			c.fail(v.col, "mask length must be <= 32")
		}
		mask = 0
		if n.plen > 0 {
			mask = 0xffffffff << (32 - uint(n.plen))
		}
		if addr&^mask != 0 {
			c.fail(v.col, "non-network bits set in \""+v.text+"/"+strconv.Itoa(n.plen)+"\"")
		}
	case n.mask != nil:
		if n.typ != "net" {
			c.fail(v.col, "mask syntax for networks only")
		}
		a, err := netip.ParseAddr(n.mask.text)
		if err != nil || !a.Is4() {
			c.fail(n.mask.col, "invalid netmask '"+n.mask.text+"'")
		}
		b := a.As4()
		mask = uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		if addr&^mask != 0 {
			c.fail(v.col, "non-network bits set in \""+v.text+" mask "+n.mask.text+"\"")
		}
	}
	return addr, mask
}

func (c *compiler) host6(n primNode) *cond {
	v := n.val
	if n.proto != "" && n.proto != "ip6" {
		if n.proto == "ip" {
			c.fail(n.protoCol, "'ip' modifier applied to ip6 host")
		}
		c.fail(n.protoCol, "'"+n.proto+"' modifier applied to ip6 host")
	}
	if n.mask != nil {
		c.fail(n.mask.col, "mask syntax for networks only")
	}
	a, err := netip.ParseAddr(v.text)
	if err != nil {
		c.fail(v.col, "invalid IPv6 address '"+v.text+"'")
	}
	plen := 128
	if n.plen >= 0 {
		if n.typ != "net" {
			c.fail(v.col, "mask syntax for networks only")
		}
		if n.plen > 128 {
			c.fail(v.col, "mask length must be <= 128")
		}
		plen = n.plen
	}
	b := a.As16()
	var words, masks [4]uint32
	for i := range 4 {
		words[i] = uint32(b[4*i])<<24 | uint32(b[4*i+1])<<16 | uint32(b[4*i+2])<<8 | uint32(b[4*i+3])
		bits := plen - 32*i
		switch {
		case bits >= 32:
			masks[i] = 0xffffffff
		case bits > 0:
			masks[i] = 0xffffffff << (32 - uint(bits))
		}
		if words[i]&^masks[i] != 0 {
			c.fail(v.col, "non-network bits set in \""+v.text+"/"+strconv.Itoa(plen)+"\"")
		}
	}
	test := func(off int32) func() *cond {
		return func() *cond {
			t := condTrue
			for i := range 4 {
				if masks[i] != 0 {
					t = and(t, c.cmp(baseNet, off+int32(4*i), 4, masks[i], rEq, words[i]))
				}
			}
			return t
		}
	}
	return and(c.linkType(etherIPv6), dirs(n.dir, test(8), test(24)))
}
