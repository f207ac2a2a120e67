package filter

import (
	"strconv"
	"strings"
)

// node is a parsed boolean expression. String gives a fully parenthesised
// canonical form, which the parser tests compare against.
type node interface{ String() string }

type andNode struct{ l, r node }
type orNode struct{ l, r node }
type notNode struct{ x node }

// primNode is a qualified value: "ip src host 10.0.0.1", "tcp port 80",
// "net 10.0.0.0/8", "ip proto 6". Unset qualifiers are "".
type primNode struct {
	proto, dir, typ string
	protoCol        int
	val             token
	// For net: a prefix length (-1 when none) or a mask token.
	plen int
	mask *token
}

// abbrevNode is a protocol name alone: "tcp", "ip6", "arp", "ether".
type abbrevNode struct {
	name string
	col  int
}

// castNode is "[ether|ip|ip6] broadcast|multicast".
type castNode struct {
	proto     string
	multicast bool
	col       int
}

// tagNode is "vlan [id]", "mpls [label]" or "pppoes [session]": a header
// whose test moves the offsets of what follows.
type tagNode struct {
	kind  tagKind
	hasID bool
	id    uint32
	col   int
}

// relNode compares two arithmetic expressions.
type relNode struct {
	op   string // = != < <= > >=
	l, r arith
	col  int
}

// arith is an arithmetic expression over packet bytes and the length.
type arith interface{ String() string }

type numArith struct{ v uint32 }
type lenArith struct{}
type loadArith struct {
	proto string
	off   arith
	size  int
	col   int
}
type binArith struct {
	op   string
	l, r arith
	col  int
}
type negArith struct{ x arith }

func (n andNode) String() string { return "(" + n.l.String() + " and " + n.r.String() + ")" }
func (n orNode) String() string  { return "(" + n.l.String() + " or " + n.r.String() + ")" }
func (n notNode) String() string { return "(not " + n.x.String() + ")" }

func (n primNode) String() string {
	var parts []string
	for _, s := range []string{n.proto, n.dir, n.typ} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	v := n.val.text
	if n.plen >= 0 {
		v += "/" + strconv.Itoa(n.plen)
	}
	if n.mask != nil {
		v += " mask " + n.mask.text
	}
	return strings.Join(append(parts, v), " ")
}

func (n abbrevNode) String() string { return n.name }

func (n castNode) String() string {
	s := "broadcast"
	if n.multicast {
		s = "multicast"
	}
	if n.proto != "" {
		return n.proto + " " + s
	}
	return s
}

// tagKind says which header a tagNode is.
type tagKind uint8

const (
	tagVLAN tagKind = iota
	tagMPLS
	tagPPPoES
)

var tagNames = [...]string{tagVLAN: "vlan", tagMPLS: "mpls", tagPPPoES: "pppoes"}

func (n tagNode) String() string {
	s := tagNames[n.kind]
	if n.hasID {
		s += " " + strconv.FormatUint(uint64(n.id), 10)
	}
	return s
}

func (n relNode) String() string { return "(" + n.l.String() + " " + n.op + " " + n.r.String() + ")" }

func (a numArith) String() string { return strconv.FormatUint(uint64(a.v), 10) }
func (lenArith) String() string   { return "len" }
func (a loadArith) String() string {
	return a.proto + "[" + a.off.String() + ":" + strconv.Itoa(a.size) + "]"
}
func (a binArith) String() string { return "(" + a.l.String() + " " + a.op + " " + a.r.String() + ")" }
func (a negArith) String() string { return "-" + a.x.String() }
