package filter

// Arithmetic: every load brings the protocol tests that must hold before it
// is read ("tcp[13]" needs an unfragmented IPv4 TCP packet); a relation
// tests those of both sides first, as libpcap does.

func (c *compiler) relation(n relNode) *cond {
	l, lc := c.arith(n.l)
	r, rc := c.arith(n.r)
	checks := and(lc, rc)
	rel := relops[n.op]
	if r.op == vConst {
		if l.op == vLoad && l.a == nil {
			return and(checks, &cond{op: cCmp, base: l.base, off: l.off, shift: l.shift, size: l.size,
				mask: full(l.size), rel: rel, k: r.k})
		}
		if l.op == vAnd && l.a.op == vLoad && l.a.a == nil && l.b.op == vConst {
			ld := l.a
			return and(checks, &cond{op: cCmp, base: ld.base, off: ld.off, shift: ld.shift, size: ld.size,
				mask: l.b.k & full(ld.size), rel: rel, k: r.k})
		}
	}
	return and(checks, &cond{op: cRel, rel: rel, l: l, r: r})
}

// arith compiles an arithmetic expression into a val and the tests that
// must pass before it can be computed.
func (c *compiler) arith(a arith) (*val, *cond) {
	switch a := a.(type) {
	case numArith:
		return &val{op: vConst, k: a.v}, condTrue
	case lenArith:
		return &val{op: vLen}, condTrue
	case negArith:
		x, chk := c.arith(a.x)
		if x.op == vConst {
			return &val{op: vConst, k: -x.k}, chk
		}
		return &val{op: vNeg, a: x}, chk
	case binArith:
		l, lc := c.arith(a.l)
		r, rc := c.arith(a.r)
		op := binops[a.op]
		if r.op == vConst {
			switch {
			case (op == vDiv || op == vMod) && r.k == 0:
				c.fail(a.col, "division by zero")
			case (op == vShl || op == vShr) && r.k > 31:
				c.fail(a.col, "shift by more than 31 bits")
			}
		}
		v := &val{op: op, a: l, b: r}
		if l.op == vConst && r.op == vConst {
			v = &val{op: vConst, k: binop(op, l.k, r.k)}
		}
		// libpcap keeps the tests of the left operand only: "len - ip[2:2]"
		// does not check that the packet is IPv4, "ip[0] + tcp[0]" does not
		// check that it is TCP. tcpdump's verdicts follow; so do ours.
		_ = rc
		return v, lc
	case loadArith:
		return c.load(a)
	}
	panic("filter: unknown arithmetic node")
}

// binop applies op as a BPF ALU does (unsigned 32-bit). ok is false for a
// division by zero, which makes a BPF program reject the packet.
func binop(op vop, x, y uint32) uint32 {
	v, _ := binopOK(op, x, y)
	return v
}

func binopOK(op vop, x, y uint32) (uint32, bool) {
	switch op {
	case vAdd:
		return x + y, true
	case vSub:
		return x - y, true
	case vMul:
		return x * y, true
	case vDiv:
		if y == 0 {
			return 0, false
		}
		return x / y, true
	case vMod:
		if y == 0 {
			return 0, false
		}
		return x % y, true
	case vAnd:
		return x & y, true
	case vOr:
		return x | y, true
	case vXor:
		return x ^ y, true
	case vShl:
		if y > 31 {
			return 0, true
		}
		return x << y, true
	case vShr:
		if y > 31 {
			return 0, true
		}
		return x >> y, true
	}
	return 0, true
}

func (c *compiler) load(a loadArith) (*val, *cond) {
	idx, chk := c.arith(a.off)
	v := &val{op: vLoad, size: uint8(a.size), shift: c.shift}
	var pc *cond
	switch a.proto {
	case "ether":
		v.base = baseLink
		v.shift = 0
		pc = condTrue
	case "ip":
		v.base, pc = baseNet, c.linkType(etherIP)
	case "ip6":
		v.base, pc = baseNet, c.linkType(etherIPv6)
	case "arp":
		v.base, pc = baseNet, c.linkType(etherARP)
	case "rarp":
		v.base, pc = baseNet, c.linkType(etherRARP)
	case "tcp", "udp", "sctp", "icmp", "igmp":
		p := map[string]uint32{"tcp": 6, "udp": 17, "sctp": 132, "icmp": 1, "igmp": 2}[a.proto]
		v.base, pc = baseTrans, and(c.ipProto(p), c.notFragment())
	case "icmp6":
		v.base, v.off = baseNet, 40
		pc = and(c.linkType(etherIPv6), c.eq(baseNet, 6, 1, 58))
	default:
		c.fail(a.col, "'"+a.proto+"[…]' is not supported")
	}
	if idx.op == vConst {
		v.off += int32(idx.k)
		if idx.k > 1<<30 {
			v.off = 1 << 30 // beyond any frame: the load fails
		}
	} else {
		v.a = idx
	}
	return v, and(chk, pc)
}
