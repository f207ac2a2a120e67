package gtpc

// MessageIter walks the GTPv2-C messages of one datagram: the first message
// and, while a message has its P flag set, the message piggybacked after it
// (which starts where the previous message's length says it ends).
//
//	m := gtpc.Messages(payload)
//	for m.Next() {
//		h := m.Header()
//		ies := m.IEs()
//		…
//	}
//	if err := m.Err(); err != nil { … }
//
// A truncated message is still returned (its header is valid, its IEs end
// early); the walk stops after it with Err Truncated.
type MessageIter struct {
	b      []byte
	off    int // start of the next message
	cur    int // start of the current message
	body   []byte
	h      Header
	n      int
	done   bool
	st     Status
	errOff int
}

// Messages returns an iterator over the messages in b.
func Messages(b []byte) MessageIter { return MessageIter{b: b} }

// Next advances to the next message and reports whether there is one.
func (m *MessageIter) Next() bool {
	if m.done {
		return false
	}
	if m.n > 0 {
		prevP := m.h.Piggyback
		if !prevP || m.off >= len(m.b) {
			m.done = true
			if m.off < len(m.b) {
				m.fail(TrailingBytes, m.off)
			}
			return false
		}
	}
	rest := m.b[m.off:]
	hl, st := ParseHeader(rest, &m.h)
	if hl == 0 {
		m.done = true
		if st == Truncated && m.n > 0 && len(rest) < 4 {
			// Too few bytes to be a message at all: the P flag lied.
			st = TrailingBytes
		}
		if st == OK {
			st = Truncated
		}
		m.fail(st, m.off)
		return false
	}
	end := min(m.h.Size(), len(rest))
	m.body = rest[hl:end:end]
	m.cur = m.off
	m.off += m.h.Size()
	m.n++
	if st != OK {
		m.fail(st, m.cur)
		m.done = true
	}
	return true
}

func (m *MessageIter) fail(st Status, off int) {
	if m.st == OK {
		m.st, m.errOff = st, off
	}
}

// Header returns the current message's header.
func (m *MessageIter) Header() *Header { return &m.h }

// Offset returns where the current message starts in the datagram.
func (m *MessageIter) Offset() int { return m.cur }

// Index returns the current message's position: 0 for the first message,
// 1 for the one piggybacked on it.
func (m *MessageIter) Index() int { return m.n - 1 }

// Body returns the current message's information elements, raw.
func (m *MessageIter) Body() []byte { return m.body }

// IEs returns an iterator over the current message's elements, with
// offsets counted from the start of the datagram.
func (m *MessageIter) IEs() IEIter {
	return IEIter{b: m.body, base: m.cur + m.hdrLen()}
}

func (m *MessageIter) hdrLen() int {
	if m.h.HasTEID {
		return HeaderLenTEID
	}
	return HeaderLen
}

// Truncated reports whether the current message is cut short of its
// declared length.
func (m *MessageIter) Truncated() bool { return m.cur+m.h.Size() > len(m.b) }

// Err returns nil, or the Status that ended the walk.
func (m *MessageIter) Err() error { return m.st.err() }

// Status returns what ended the walk (OK when nothing did).
func (m *MessageIter) Status() Status { return m.st }

// ErrOffset returns the offset in the datagram of the message where the
// walk failed; meaningful only when Err is not nil.
func (m *MessageIter) ErrOffset() int { return m.errOff }
