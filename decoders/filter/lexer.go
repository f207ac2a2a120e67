package filter

import (
	"net/netip"
	"strconv"
	"strings"
)

// tokKind classifies a token.
type tokKind uint8

const (
	tEOF   tokKind = iota
	tNum           // a number or a named constant (tcp-syn, icmptype…)
	tHID           // a dotted IPv4 address, possibly partial (10.1)
	tHID6          // an IPv6 address
	tEID           // an Ethernet address
	tID            // a name: host name, service, protocol, "1-100"
	tKw            // a keyword (host, port, tcp, and…)
	tPunct         // an operator or bracket
)

// token is one lexeme with its 1-based column.
type token struct {
	kind tokKind
	text string // keyword or punctuation spelled canonically; the word for others
	num  uint32 // value of tNum
	col  int
}

func (t token) is(kind tokKind, text string) bool { return t.kind == kind && t.text == text }

// describe names a token in an error message.
func (t token) describe() string {
	if t.kind == tEOF {
		return "end of expression"
	}
	return "'" + t.text + "'"
}

// keywords maps pcap-filter keywords to their canonical spelling.
var keywords = map[string]string{
	"host": "host", "net": "net", "port": "port", "portrange": "portrange",
	"src": "src", "dst": "dst", "mask": "mask", "proto": "proto",
	"ether": "ether", "link": "ether", "ip": "ip", "ip6": "ip6", "arp": "arp", "rarp": "rarp",
	"tcp": "tcp", "udp": "udp", "icmp": "icmp", "icmp6": "icmp6", "sctp": "sctp", "igmp": "igmp",
	"and": "and", "or": "or", "not": "not",
	"less": "less", "greater": "greater", "len": "len", "length": "len",
	"broadcast": "broadcast", "multicast": "multicast",
	"vlan": "vlan", "mpls": "mpls", "pppoes": "pppoes", "pppoed": "pppoed",
	// Known to libpcap but not supported here: reported as such.
	"gateway": "gateway", "protochain": "protochain", "inbound": "inbound", "outbound": "outbound",
	"ifindex": "ifindex", "geneve": "geneve",
	"decnet": "decnet", "atalk": "atalk", "aarp": "aarp", "iso": "iso", "stp": "stp", "ipx": "ipx",
	"netbeui": "netbeui", "wlan": "wlan", "fddi": "fddi", "tr": "tr", "ppp": "ppp", "slip": "slip",
	"ah": "ah", "esp": "esp", "pim": "pim", "vrrp": "vrrp", "carp": "carp", "igrp": "igrp",
	"llc": "llc", "byte": "byte", "lat": "lat", "sca": "sca", "moprc": "moprc", "mopdl": "mopdl",
	"radio": "radio", "type": "type", "subtype": "subtype", "dir": "dir", "ra": "ra", "ta": "ta",
	"addr1": "addr1", "addr2": "addr2", "addr3": "addr3", "addr4": "addr4",
	"action": "action", "reason": "reason", "rnr": "rnr", "rulenum": "rulenum", "rset": "rset",
	"ruleset": "ruleset", "srnr": "srnr", "subrulenum": "subrulenum",
}

// unsupported keywords are lexed so that the error names them.
var unsupported = map[string]bool{
	"gateway": true, "protochain": true, "inbound": true, "outbound": true, "ifindex": true,
	"geneve": true, "decnet": true, "atalk": true, "aarp": true,
	"iso": true, "stp": true, "ipx": true, "netbeui": true, "wlan": true, "fddi": true, "tr": true,
	"ppp": true, "slip": true, "ah": true, "esp": true, "pim": true, "vrrp": true, "carp": true,
	"igrp": true, "llc": true, "byte": true, "lat": true, "sca": true, "moprc": true, "mopdl": true,
	"radio": true, "type": true, "subtype": true, "dir": true, "ra": true, "ta": true,
	"addr1": true, "addr2": true, "addr3": true, "addr4": true, "action": true, "reason": true,
	"rnr": true, "rulenum": true, "rset": true, "ruleset": true, "srnr": true, "subrulenum": true,
}

// punct lists operators, longest first.
var punct = []string{"&&", "||", "<<", ">>", "==", "!=", "<=", ">=",
	"(", ")", "[", "]", ":", "!", "+", "-", "*", "/", "%", "&", "|", "^", "=", "<", ">"}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == '-'
}

// isWordStart: words start with a letter, a digit or '_' (so "-1" is an
// operator and a number).
func isWordStart(c byte) bool { return isWordByte(c) && c != '-' && c != '.' }

func isHexOrColon(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.'
}

// lex splits expr into tokens, ending with a tEOF token.
func lex(expr string) ([]token, *Error) {
	var toks []token
	i := 0
	for {
		for i < len(expr) && (expr[i] == ' ' || expr[i] == '\t' || expr[i] == '\n' || expr[i] == '\r') {
			i++
		}
		col := i + 1
		if i >= len(expr) {
			return append(toks, token{kind: tEOF, col: col}), nil
		}
		c := expr[i]
		if c == '\\' {
			j := i + 1
			for j < len(expr) && !strings.ContainsRune(" \t\n\r!()", rune(expr[j])) {
				j++
			}
			if j == i+1 {
				return nil, &Error{Expr: expr, Column: col, Msg: "expected a name after '\\'"}
			}
			toks = append(toks, token{kind: tID, text: expr[i+1 : j], col: col})
			i = j
			continue
		}
		if isWordStart(c) || c == ':' && i+1 < len(expr) && expr[i+1] == ':' {
			t, n, err := lexWord(expr, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i += n
			continue
		}
		matched := false
		for _, p := range punct {
			if strings.HasPrefix(expr[i:], p) {
				canon := p
				if p == "==" {
					canon = "="
				}
				toks = append(toks, token{kind: tPunct, text: canon, col: col})
				i += len(p)
				matched = true
				break
			}
		}
		if !matched {
			return nil, &Error{Expr: expr, Column: col, Msg: "unexpected character '" + string(c) + "'"}
		}
	}
}

// lexWord reads a word starting at expr[i]: an address, a number, a keyword
// or a name. Colons belong to a word only when they make an IPv6 or
// Ethernet address, so that "ip[0:2]" still splits at the colon.
func lexWord(expr string, i int) (token, int, *Error) {
	col := i + 1
	// Longest run of hex digits, colons and dots: an IPv6 or MAC candidate.
	j := i
	for j < len(expr) && isHexOrColon(expr[j]) {
		j++
	}
	if cand := expr[i:j]; strings.Contains(cand, ":") && (j == len(expr) || !isWordByte(expr[j]) || expr[j] == '.') {
		if a, err := netip.ParseAddr(cand); err == nil && a.Is6() {
			return token{kind: tHID6, text: cand, col: col}, j - i, nil
		}
		if _, ok := parseMAC(cand); ok {
			return token{kind: tEID, text: cand, col: col}, j - i, nil
		}
	}
	k := i
	for k < len(expr) && isWordByte(expr[k]) {
		k++
	}
	if k == i {
		return token{}, 0, &Error{Expr: expr, Column: col, Msg: "unexpected character ':'"}
	}
	w := expr[i:k]
	if kw, ok := keywords[w]; ok {
		return token{kind: tKw, text: kw, col: col}, k - i, nil
	}
	if v, ok := namedConstants[w]; ok {
		return token{kind: tNum, text: w, num: v, col: col}, k - i, nil
	}
	if w[0] >= '0' && w[0] <= '9' {
		if v, ok, tooBig := parseNum(w); ok {
			if tooBig {
				return token{}, 0, &Error{Expr: expr, Column: col, Msg: "number " + w + " is too large"}
			}
			return token{kind: tNum, text: w, num: v, col: col}, k - i, nil
		}
		if isDotted(w) {
			return token{kind: tHID, text: w, col: col}, k - i, nil
		}
	}
	return token{kind: tID, text: w, col: col}, k - i, nil
}

// parseNum parses a decimal, 0x-hexadecimal or 0-octal number as libpcap's
// scanner does. ok is false when w is not a number at all.
func parseNum(w string) (v uint32, ok, tooBig bool) {
	base := 10
	s := w
	switch {
	case len(w) > 2 && (w[:2] == "0x" || w[:2] == "0X"):
		base, s = 16, w[2:]
	case len(w) > 1 && w[0] == '0':
		base, s = 8, w[1:]
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		valid := c >= '0' && c <= '9' && (base != 8 || c <= '7') ||
			base == 16 && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')
		if !valid {
			return 0, false, false
		}
	}
	n, err := strconv.ParseUint(s, base, 32)
	if err != nil {
		return 0, true, true
	}
	return uint32(n), true, false
}

// isDotted reports whether w is 2 to 4 dot-separated decimal numbers.
func isDotted(w string) bool {
	parts := strings.Split(w, ".")
	if len(parts) < 2 || len(parts) > 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 3 {
			return false
		}
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return false
			}
		}
	}
	return true
}

// parseMAC parses six colon-separated groups of one or two hex digits.
func parseMAC(s string) ([6]byte, bool) {
	var m [6]byte
	parts := strings.Split(s, ":")
	if len(parts) != 6 {
		return m, false
	}
	for i, p := range parts {
		if len(p) == 0 || len(p) > 2 {
			return m, false
		}
		v, err := strconv.ParseUint(p, 16, 8)
		if err != nil {
			return m, false
		}
		m[i] = byte(v)
	}
	return m, true
}
