package filter

// The parser is a recursive descent over pcap-filter's grammar (libpcap's
// grammar.y): "and" and "or" share one precedence level, "not" binds
// tighter, and a bare value after "and"/"or" inherits the qualifiers of the
// primitive before it. Arithmetic uses libpcap's precedence, loosest first:
// | ^ & (<< >>) (+ -) (* / %) unary -.

// qual is the qualifier set a bare value inherits.
type qual struct {
	proto, dir, typ string
	protoCol        int
	ok              bool // false after a primitive that has none (tcp, len > 1…)
}

type parser struct {
	expr string
	toks []token
	pos  int
	last qual
}

// bail aborts parsing with err; parse recovers it.
type bail struct{ err *Error }

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) peekAt(k int) token {
	if p.pos+k < len(p.toks) {
		return p.toks[p.pos+k]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) fail(col int, msg string) {
	panic(bail{&Error{Expr: p.expr, Column: col, Msg: msg}})
}

// parse parses a whole expression; the empty expression matches everything
// and parses to nil.
func parse(expr string) (n node, err *Error) {
	toks, lerr := lex(expr)
	if lerr != nil {
		return nil, lerr
	}
	p := &parser{expr: expr, toks: toks}
	if p.peek().kind == tEOF {
		return nil, nil
	}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bail)
			if !ok {
				panic(r)
			}
			n, err = nil, b.err
		}
	}()
	n = p.parseExpr()
	if t := p.peek(); t.kind != tEOF {
		if t.is(tPunct, ")") {
			p.fail(t.col, "unbalanced ')'")
		}
		p.fail(t.col, "unexpected "+t.describe()+"; expected 'and', 'or' or the end")
	}
	return n, nil
}

func isAnd(t token) bool { return t.is(tKw, "and") || t.is(tPunct, "&&") }
func isOr(t token) bool  { return t.is(tKw, "or") || t.is(tPunct, "||") }
func isNot(t token) bool { return t.is(tKw, "not") || t.is(tPunct, "!") }

func isValue(t token) bool {
	switch t.kind {
	case tNum, tHID, tHID6, tEID, tID:
		return true
	}
	return false
}

func isRelop(t token) bool {
	if t.kind != tPunct {
		return false
	}
	switch t.text {
	case "=", "!=", "<", "<=", ">", ">=":
		return true
	}
	return false
}

func isArithOp(t token) bool {
	if t.kind != tPunct {
		return false
	}
	switch t.text {
	case "+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>":
		return true
	}
	return false
}

func (p *parser) parseExpr() node {
	n := p.parseTerm()
	for {
		t := p.peek()
		and := isAnd(t)
		if !and && !isOr(t) {
			return n
		}
		p.next()
		var r node
		if p.startsID() {
			r = p.parseID()
		} else {
			r = p.parseTerm()
		}
		if and {
			n = andNode{n, r}
		} else {
			n = orNode{n, r}
		}
	}
}

// startsID reports whether a bare value (or "not value", or a parenthesised
// group of values) follows, to take the previous primitive's qualifiers.
func (p *parser) startsID() bool {
	k := 0
	for isNot(p.peekAt(k)) || p.peekAt(k).is(tPunct, "(") {
		k++
	}
	t := p.peekAt(k)
	if !isValue(t) {
		return false
	}
	after := p.peekAt(k + 1)
	return !isRelop(after) && !isArithOp(after) || t.kind != tNum
}

// parseID parses a value or group of values with the inherited qualifiers.
func (p *parser) parseID() node {
	t := p.peek()
	switch {
	case isNot(t):
		p.next()
		return notNode{p.parseID()}
	case t.is(tPunct, "("):
		p.next()
		n := p.parseID()
		for {
			op := p.peek()
			if isAnd(op) {
				p.next()
				n = andNode{n, p.parseID()}
			} else if isOr(op) {
				p.next()
				n = orNode{n, p.parseID()}
			} else {
				break
			}
		}
		if c := p.next(); !c.is(tPunct, ")") {
			p.fail(c.col, "expected ')' but found "+c.describe())
		}
		return n
	}
	if !p.last.ok {
		p.fail(t.col, t.describe()+" has no qualifier to inherit: write host, net, port or proto before it")
	}
	q := p.last
	return p.value(q, p.next())
}

func (p *parser) parseTerm() node {
	if isNot(p.peek()) {
		p.next()
		return notNode{p.parseTerm()}
	}
	return p.parseRterm()
}

// protoNames are the protocol qualifiers.
var protoNames = map[string]bool{
	"ether": true, "ip": true, "ip6": true, "arp": true, "rarp": true,
	"tcp": true, "udp": true, "icmp": true, "icmp6": true, "sctp": true, "igmp": true,
}

func (p *parser) parseRterm() node {
	t := p.peek()
	switch {
	case t.kind == tEOF:
		p.fail(t.col, "unexpected end of expression; expected a primitive")
	case t.is(tPunct, "("):
		return p.parseParen()
	case t.kind == tNum, t.is(tPunct, "-"), t.is(tKw, "len"),
		t.kind == tKw && protoNames[t.text] && p.peekAt(1).is(tPunct, "["):
		return p.parseRel()
	case t.kind == tKw && unsupported[t.text]:
		p.fail(t.col, "'"+t.text+"' is not supported by pcapflow")
	case t.is(tKw, "less"), t.is(tKw, "greater"):
		p.next()
		n := p.next()
		if n.kind != tNum {
			p.fail(n.col, "expected a length after '"+t.text+"'")
		}
		p.last = qual{}
		op := ">="
		if t.text == "less" {
			op = "<="
		}
		return relNode{op: op, l: lenArith{}, r: numArith{n.num}, col: t.col}
	case t.is(tKw, "vlan"), t.is(tKw, "mpls"), t.is(tKw, "pppoes"):
		p.next()
		n := tagNode{col: t.col}
		switch t.text {
		case "mpls":
			n.kind = tagMPLS
		case "pppoes":
			n.kind = tagPPPoES
		}
		if v := p.peek(); v.kind == tNum {
			p.next()
			n.hasID, n.id = true, v.num
			switch {
			case n.kind == tagVLAN && v.num > 4095:
				p.fail(v.col, "VLAN tag "+v.text+" greater than maximum 4095")
			case n.kind == tagMPLS && v.num > 1048575:
				p.fail(v.col, "MPLS label "+v.text+" greater than maximum 1048575")
			case n.kind == tagPPPoES && v.num > 65535:
				p.fail(v.col, "PPPoE session number "+v.text+" greater than maximum 65535")
			}
		}
		p.last = qual{}
		return n
	case t.is(tKw, "pppoed"):
		p.next()
		p.last = qual{}
		return abbrevNode{name: t.text, col: t.col}
	}
	return p.parsePrimitive()
}

// parseParen parses "( … )": an arithmetic relation if one parses, else a
// parenthesised boolean expression.
func (p *parser) parseParen() (n node) {
	save, last := p.pos, p.last
	if rel, ok := p.tryRel(); ok {
		return rel
	}
	p.pos, p.last = save, last
	open := p.next()
	n = p.parseExpr()
	if c := p.next(); !c.is(tPunct, ")") {
		if c.kind == tEOF {
			p.fail(open.col, "unbalanced '('")
		}
		p.fail(c.col, "expected ')' but found "+c.describe())
	}
	return n
}

func (p *parser) tryRel() (n node, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, isBail := r.(bail); !isBail {
				panic(r)
			}
			n, ok = nil, false
		}
	}()
	return p.parseRel(), true
}

func (p *parser) parsePrimitive() node {
	start := p.peek()
	var q qual
	if t := p.peek(); t.kind == tKw && protoNames[t.text] {
		p.next()
		q.proto, q.protoCol = t.text, t.col
		switch n := p.peek(); {
		case n.is(tKw, "proto"):
			p.next()
			q.typ = "proto"
			q.ok = true
			p.last = q
			v := p.next()
			if v.kind != tNum && v.kind != tID {
				p.fail(v.col, "expected a protocol number or \\name after 'proto'")
			}
			return p.value(q, v)
		case n.is(tKw, "broadcast"), n.is(tKw, "multicast"):
			p.next()
			p.last = qual{}
			return castNode{proto: t.text, multicast: n.text == "multicast", col: t.col}
		}
	}
	if t := p.peek(); t.is(tKw, "src") || t.is(tKw, "dst") {
		p.next()
		q.dir = t.text
		if c := p.peekAt(1); (isAnd(p.peek()) || isOr(p.peek())) && (c.is(tKw, "src") || c.is(tKw, "dst")) && c.text != t.text {
			conj := "and"
			if isOr(p.next()) {
				conj = "or"
			}
			p.next()
			if conj == "or" {
				q.dir = "src or dst"
			} else {
				q.dir = "src and dst"
			}
		}
	}
	if t := p.peek(); t.is(tKw, "host") || t.is(tKw, "net") || t.is(tKw, "port") || t.is(tKw, "portrange") {
		p.next()
		q.typ = t.text
	}
	if q.proto == "" && q.dir == "" && q.typ == "" {
		if t := p.peek(); t.is(tKw, "broadcast") || t.is(tKw, "multicast") {
			p.next()
			p.last = qual{}
			return castNode{multicast: t.text == "multicast", col: t.col}
		}
		if start.is(tKw, "proto") {
			p.next()
			q.typ, q.ok = "proto", true
			p.last = q
			v := p.next()
			if v.kind != tNum && v.kind != tID {
				p.fail(v.col, "expected a protocol number or \\name after 'proto'")
			}
			return p.value(q, v)
		}
		p.fail(start.col, "unexpected "+start.describe()+"; expected a primitive")
	}
	if q.dir == "" && q.typ == "" {
		p.last = qual{}
		return abbrevNode{name: q.proto, col: q.protoCol}
	}
	q.ok = true
	p.last = q
	v := p.next()
	if !isValue(v) {
		what := map[string]string{
			"host": "a host address", "net": "a network", "port": "a port number",
			"portrange": "a port range", "": "a host address",
		}[q.typ]
		after := q.typ
		if after == "" {
			after = q.dir
		}
		p.fail(v.col, "expected "+what+" after '"+after+"'")
	}
	return p.value(q, v)
}

// value builds the primitive for value token v under qualifiers q, reading
// a "/len" or "mask m" suffix for networks.
func (p *parser) value(q qual, v token) node {
	n := primNode{proto: q.proto, dir: q.dir, typ: q.typ, protoCol: q.protoCol, val: v, plen: -1}
	if (v.kind == tHID || v.kind == tHID6 || v.kind == tNum) && (q.typ == "net" || q.typ == "" || q.typ == "host") {
		switch t := p.peek(); {
		case t.is(tPunct, "/"):
			p.next()
			l := p.next()
			if l.kind != tNum {
				p.fail(l.col, "expected a prefix length after '/'")
			}
			n.plen = int(l.num)
			if l.num > 128 {
				n.plen = 129
			}
		case t.is(tKw, "mask"):
			p.next()
			m := p.next()
			if m.kind != tHID {
				p.fail(m.col, "expected an IPv4 netmask after 'mask'")
			}
			n.mask = &m
		}
	}
	return n
}

// parseRel parses "arith relop arith".
func (p *parser) parseRel() node {
	start := p.peek()
	l := p.parseArith()
	op := p.peek()
	if !isRelop(op) {
		p.fail(op.col, "expected a comparison (=, !=, <, <=, >, >=) but found "+op.describe())
	}
	p.next()
	r := p.parseArith()
	p.last = qual{}
	return relNode{op: op.text, l: l, r: r, col: start.col}
}

// arithPrec is the precedence of the binary operators, as libpcap's
// grammar declares them (higher binds tighter). '%' and '^' are declared
// with none, so yacc resolves every conflict involving them by shifting:
// whatever follows binds to their right operand ("a / 4 % 7" is a / (4 % 7),
// "a & 4 ^ 7" is a & (4 ^ 7)), and they bind to the right of whatever
// precedes them. tcpdump compiles them that way; so does pcapflow.
var arithPrec = map[string]int{"|": 1, "&": 2, "<<": 3, ">>": 3, "+": 4, "-": 4, "*": 5, "/": 5, "%": 0, "^": 0}

// reduceFirst reports whether "x op1 y" must be built before op2 is read.
func reduceFirst(op1, op2 string) bool {
	p1, p2 := arithPrec[op1], arithPrec[op2]
	if p1 == 0 || p2 == 0 {
		return false
	}
	return p1 >= p2
}

// parseArith parses a binary arithmetic expression with an operator stack,
// taking the same shift/reduce decisions as libpcap's parser.
func (p *parser) parseArith() arith {
	vals := []arith{p.parseUnary()}
	var ops []token
	reduce := func() {
		op := ops[len(ops)-1]
		ops = ops[:len(ops)-1]
		l, r := vals[len(vals)-2], vals[len(vals)-1]
		vals = append(vals[:len(vals)-2], binArith{op: op.text, l: l, r: r, col: op.col})
	}
	for {
		t := p.peek()
		if _, ok := arithPrec[t.text]; !ok || t.kind != tPunct {
			break
		}
		p.next()
		for len(ops) > 0 && reduceFirst(ops[len(ops)-1].text, t.text) {
			reduce()
		}
		ops = append(ops, t)
		vals = append(vals, p.parseUnary())
	}
	for len(ops) > 0 {
		reduce()
	}
	return vals[0]
}

func (p *parser) parseUnary() arith {
	t := p.next()
	switch {
	case t.is(tPunct, "-"):
		return negArith{p.parseUnary()}
	case t.kind == tNum:
		return numArith{t.num}
	case t.is(tKw, "len"):
		return lenArith{}
	case t.is(tPunct, "("):
		a := p.parseArith()
		if c := p.next(); !c.is(tPunct, ")") {
			p.fail(c.col, "expected ')' but found "+c.describe())
		}
		return a
	case t.kind == tKw && protoNames[t.text]:
		if b := p.next(); !b.is(tPunct, "[") {
			p.fail(b.col, "expected '[' after '"+t.text+"' in an arithmetic expression")
		}
		off := p.parseArith()
		size := 1
		if c := p.peek(); c.is(tPunct, ":") {
			p.next()
			s := p.next()
			if s.kind != tNum {
				p.fail(s.col, "expected a size (1, 2 or 4) after ':'")
			}
			if s.num != 1 && s.num != 2 && s.num != 4 {
				p.fail(s.col, "data size must be 1, 2, or 4")
			}
			size = int(s.num)
		}
		if c := p.next(); !c.is(tPunct, "]") {
			p.fail(c.col, "expected ']' but found "+c.describe())
		}
		return loadArith{proto: t.text, off: off, size: size, col: t.col}
	}
	p.fail(t.col, "expected a number, 'len' or proto[offset] but found "+t.describe())
	return nil
}
