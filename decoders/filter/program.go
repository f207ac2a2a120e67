package filter

// The compiled form: a tree of boolean tests over the frame bytes, the
// same tests libpcap's code generator emits, evaluated left to right with
// short-circuiting.

// base says where a load's offset counts from.
type base uint8

const (
	baseLink  base = iota // the first byte of the frame (ether[…])
	baseLT                // the link-layer type field (Ethernet only), plus the vlan/mpls shift
	baseNet               // the link payload (network header), plus the vlan/mpls shift
	baseTrans             // the IPv4 transport header: network + 4*(ip[0]&0xf)
)

// cop is the operation of a cond.
type cop uint8

const (
	cTrue cop = iota
	cFalse
	cAnd
	cOr
	cNot
	cCmp      // load(base, off, size) & mask  rel  k
	cRel      // l rel r, general arithmetic
	cLinkType // the link layer carries protocol k (an Ethertype)
)

// relop is a comparison.
type relop uint8

const (
	rEq relop = iota
	rNe
	rLt
	rLe
	rGt
	rGe
	rSet // (v & mask) != 0, libpcap's jset
)

var relops = map[string]relop{"=": rEq, "!=": rNe, "<": rLt, "<=": rLe, ">": rGt, ">=": rGe}

// cond is one node of a compiled filter.
type cond struct {
	op   cop
	rel  relop
	base base
	size uint8
	a, b *cond
	// off is the offset from the base; shift the vlan/mpls/pppoes bytes skipped
	// (added to baseLT, baseNet and baseTrans positions).
	off, shift int32
	mask, k    uint32
	l, r       *val
}

// vop is the operation of a val.
type vop uint8

const (
	vConst vop = iota
	vLen
	vLoad
	vAdd
	vSub
	vMul
	vDiv
	vMod
	vAnd
	vOr
	vXor
	vShl
	vShr
	vNeg
)

var binops = map[string]vop{"+": vAdd, "-": vSub, "*": vMul, "/": vDiv, "%": vMod,
	"&": vAnd, "|": vOr, "^": vXor, "<<": vShl, ">>": vShr}

// val is an arithmetic expression: a constant, the wire length, a load at
// base+shift+off+idx, or an operation on a and b.
type val struct {
	op    vop
	base  base
	size  uint8
	k     uint32
	off   int32
	shift int32
	a, b  *val // operands; a is the dynamic index of a load
}
