package filter

// Filter is a compiled capture filter. It is immutable and safe for
// concurrent use by any number of goroutines.
type Filter struct {
	expr  string
	ast   node
	root  *cond // nil: the empty filter, which matches everything
	prog  []insn
	entry int32
	needs needs
	// linkOK[c] is false for link classes Check refuses.
	linkOK [numLinkClasses]bool
	// order lists the link-dependent features in the order the expression
	// uses them, so Check names the first one as libpcap does.
	order []needs
}

// Compile parses and compiles expr, a pcap-filter(7) expression. The empty
// expression (or only spaces) matches every frame. Errors are *Error values
// carrying the column of the offending token.
func Compile(expr string) (f *Filter, err error) {
	ast, perr := parse(expr)
	if perr != nil {
		return nil, perr
	}
	f = &Filter{expr: expr, ast: ast}
	if ast != nil {
		c := &compiler{expr: expr}
		defer func() {
			if r := recover(); r != nil {
				b, ok := r.(bail)
				if !ok {
					panic(r)
				}
				f, err = nil, b.err
			}
		}()
		f.root = c.compile(ast)
		f.entry = flatten(&f.prog, f.root, pcAccept, pcReject)
		f.needs, f.order = c.needs, c.order
	}
	for cl := linkEthernet; cl < numLinkClasses; cl++ {
		f.linkOK[cl] = f.refused(cl) == 0
	}
	return f, nil
}

// MustCompile is Compile for expressions known to be valid; it panics on an
// error.
func MustCompile(expr string) *Filter {
	f, err := Compile(expr)
	if err != nil {
		panic(err)
	}
	return f
}

// Expr returns the expression the filter was compiled from.
func (f *Filter) Expr() string { return f.expr }

// String returns the parsed expression fully parenthesised, with every
// implicit qualifier written out ("host a or b" gives "(host a or host b)").
func (f *Filter) String() string {
	if f.ast == nil {
		return ""
	}
	return f.ast.String()
}
