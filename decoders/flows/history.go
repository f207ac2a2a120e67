package flows

// history accumulates Zeek history letters in a fixed buffer.
type history struct {
	// seen has one bit per (letter, side) already recorded.
	seen uint32
	n    uint8
	// counts of the repeating letters t and w per side.
	rexmit, zwin [2]uint32
	// buf, which letters rarely reach, last.
	buf [48]byte
}

// Letter bits for the once-per-direction letters.
const (
	hSyn = iota
	hSynAck
	hAck
	hData
	hFin
	hRst
	hMulti
	hIncons
	hLetters
)

var letterOf = [hLetters]byte{'s', 'h', 'a', 'd', 'f', 'r', 'q', 'i'}

func (h *history) push(c byte) {
	if int(h.n) < len(h.buf) {
		h.buf[h.n] = c
		h.n++
	}
}

func sideLetter(c byte, side int) byte {
	if side == 0 {
		return c - 'a' + 'A'
	}
	return c
}

// once records letter l for side once.
func (h *history) once(l, side int) {
	bit := uint32(1) << (l*2 + side)
	if h.seen&bit != 0 {
		return
	}
	h.seen |= bit
	h.push(sideLetter(letterOf[l], side))
}

// counted records c for side when *n reaches 1, 10, 100...
func (h *history) counted(c byte, side int, n *uint32) {
	*n++
	for t := uint32(1); t <= *n && t != 0; t *= 10 {
		if *n == t {
			h.push(sideLetter(c, side))
			return
		}
		if t > 1e8 {
			return
		}
	}
}

// flipped prepends '^' (called before any other letter).
func (h *history) flipped() { h.push('^') }

func (h *history) String() string { return string(h.buf[:h.n]) }

// tcp records the letters of one TCP segment from side.
func (h *history) tcp(side int, flags uint16, payload uint32) {
	syn := flags&tcpSyn != 0
	ack := flags&tcpAck != 0
	fin := flags&tcpFin != 0
	rst := flags&tcpRst != 0
	switch {
	case syn && (fin || rst):
		h.once(hMulti, side)
	case fin && rst:
		h.once(hIncons, side)
	}
	if syn {
		if ack {
			h.once(hSynAck, side)
		} else {
			h.once(hSyn, side)
		}
	}
	if fin {
		h.once(hFin, side)
	}
	if rst {
		h.once(hRst, side)
	}
	if payload > 0 {
		h.once(hData, side)
	} else if ack && !syn && !fin && !rst {
		h.once(hAck, side)
	}
}

// synThenRst reports whether the originator's history is S then R with no
// handshake, ACK, FIN or data recorded in between (Zeek's RSTOS0 pattern
// /^?S[^HAFGIQ]*R.*/).
func (h *history) synThenRst() bool {
	b := h.buf[:h.n]
	if len(b) > 0 && b[0] == '^' {
		b = b[1:]
	}
	if len(b) == 0 || b[0] != 'S' {
		return false
	}
	for _, c := range b[1:] {
		switch c {
		case 'R':
			return true
		case 'H', 'A', 'F', 'G', 'I', 'Q':
			return false
		}
	}
	return false
}
