package filter

// The cond tree is flattened into a list of tests with a jump target for
// each outcome, as BPF code is: "and", "or" and "not" become jumps, so
// evaluation is one loop with no recursion.

// Jump targets that end the evaluation.
const (
	pcAccept int32 = -1
	pcReject int32 = -2
)

// insn is one test of a flattened filter: a cCmp, cRel or cLinkType cond
// with where to go next when it holds (jt) or not (jf).
type insn struct {
	cond
	jt, jf int32
}

// flatten appends the code of c to prog so that it continues at t when c
// holds and at f when it does not, and returns the entry of that code.
// Code is emitted backwards (the successors first), so targets are known.
func flatten(prog *[]insn, c *cond, t, f int32) int32 {
	switch c.op {
	case cTrue:
		return t
	case cFalse:
		return f
	case cAnd:
		return flatten(prog, c.a, flatten(prog, c.b, t, f), f)
	case cOr:
		return flatten(prog, c.a, t, flatten(prog, c.b, t, f))
	case cNot:
		return flatten(prog, c.a, f, t)
	}
	*prog = append(*prog, insn{cond: *c, jt: t, jf: f})
	return int32(len(*prog) - 1)
}

// run evaluates the flattened program from entry.
func (fr *frame) run(prog []insn, entry int32) bool {
	pc := entry
	for pc >= 0 {
		in := &prog[pc]
		var ok bool
		switch in.op {
		case cCmp:
			pos := fr.position(in.base, in.shift, in.off)
			v := fr.load(pos, in.size)
			ok = compare(in.rel, v&in.mask, in.k)
		case cLinkType:
			ok = fr.linkType(in.k, in.shift)
		case cRel:
			l := fr.value(in.l)
			r := fr.value(in.r)
			ok = compare(in.rel, l, r)
		}
		if fr.bad {
			return false
		}
		if ok {
			pc = in.jt
		} else {
			pc = in.jf
		}
	}
	return pc == pcAccept
}
