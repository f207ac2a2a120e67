package filter

import (
	"strconv"
	"strings"
)

// Error is a filter that cannot be compiled: a syntax error or a primitive
// libpcap would also refuse. Column is 1-based and counts bytes.
type Error struct {
	// Expr is the expression as given.
	Expr string
	// Column is where the offending token starts (1-based); 0 when the
	// error is not tied to a position.
	Column int
	// Msg says what is wrong, without the position.
	Msg string
}

// Error returns "syntax error at column N: MSG" (or just MSG without a column).
func (e *Error) Error() string {
	if e.Column <= 0 {
		return e.Msg
	}
	return "syntax error at column " + strconv.Itoa(e.Column) + ": " + e.Msg
}

// Caret returns the expression and, below it, a caret under the column of
// the error, for showing to a user:
//
//	tcp port x
//	         ^
func (e *Error) Caret() string {
	if e.Column <= 0 {
		return e.Expr
	}
	pad := e.Column - 1
	if pad > len(e.Expr) {
		pad = len(e.Expr)
	}
	var b strings.Builder
	b.WriteString(e.Expr)
	b.WriteByte('\n')
	for i := 0; i < pad; i++ {
		if e.Expr[i] == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteByte('^')
	return b.String()
}

// LinkError is returned by (*Filter).Check when the filter uses something
// the link type does not have, with tcpdump's wording.
type LinkError struct {
	LinkType uint16
	Msg      string
}

// Error returns the message.
func (e *LinkError) Error() string { return e.Msg }
