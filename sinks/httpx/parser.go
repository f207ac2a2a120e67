package httpx

import (
	"bytes"
	"strconv"

	"github.com/pcapflow/pcapflow/decoders/tcpreasm"
)

type state uint8

const (
	stHead      state = iota // reading a message head
	stBody                   // Content-Length body
	stChunkSize              // chunk-size line
	stChunkData              // chunk data
	stChunkEnd               // CRLF after chunk data
	stTrailer                // trailer fields after the last chunk
	stClose                  // body ends with the connection
	stDead                   // not HTTP (or lost): waiting for a message start
)

const maxHead = 64 << 10

// parser reads one direction's messages.
type parser struct {
	hc        *conn // the connection, which takes the messages
	request   bool
	st        state
	line      []byte // head, chunk-size line or trailer being read
	remaining int64
	msg       *Message
	body      []byte
	keepBody  bool
	bodyCap   int
	bodyCut   bool
}

// fresh reports whether p has read nothing yet.
func (p *parser) fresh() bool { return p.st == stHead && len(p.line) == 0 && p.msg == nil }

// notHTTP reports whether data, the first bytes of a stream, show that the
// stream does not start with a request (or response): feed would judge the
// same bytes so and wait, dead, for a later chunk that starts a message.
// Too few bytes to tell are not judged.
func notHTTP(data []byte, request bool) bool {
	data = trimCRLF(data)
	return len(data) >= 9 && !looksLikeStart(data, request)
}

// trimCRLF returns b without its leading CR and LF bytes (bytes.TrimLeft
// builds a set of its cutset on every call).
func trimCRLF(b []byte) []byte {
	for len(b) > 0 && (b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}

// looksLikeStart reports whether b starts like a request line (request)
// or a status line.
func looksLikeStart(b []byte, request bool) bool {
	if request {
		return looksLikeRequest(b)
	}
	return looksLikeResponse(b)
}

// feed parses data, delivered at chunk at.
func (p *parser) feed(data []byte, at tcpreasm.Chunk) {
	if p.st == stDead || (p.st == stHead && len(p.line) == 0) {
		data = trimCRLF(data)
		if len(data) == 0 {
			return
		}
		if p.st == stDead || len(data) >= 9 {
			if !looksLikeStart(data, p.request) {
				p.st = stDead
				return
			}
			p.st = stHead
		}
	}
	for len(data) > 0 {
		if p.msg == nil {
			p.msg = &Message{First: at.Timestamp, FirstFrame: at.Frame, ContentLength: -1}
			p.body, p.bodyCut = p.body[:0], false
		}
		m := p.msg
		m.Last, m.LastFrame = at.Timestamp, at.Frame
		switch p.st {
		case stHead:
			var head []byte
			if len(p.line) == 0 {
				// A head whole in data is parsed where it is
				// (parseHead copies what it keeps).
				if end, skip := headEnd(data); end >= 0 {
					head, m.HeadBytes = data[:end], end+skip
					data = data[end+skip:]
				}
			}
			if head == nil {
				from := max(0, len(p.line)-3)
				p.line = append(p.line, data...)
				end, skip := headEnd(p.line[from:])
				if end < 0 {
					data = nil
					if len(p.line) > maxHead {
						p.finish(false)
						p.st = stDead
					}
					continue
				}
				end += from
				used := len(data) - (len(p.line) - end - skip)
				data = data[used:]
				head, m.HeadBytes = p.line[:end], end+skip
			}
			ok := parseHead(head, p.request, m)
			p.line = p.line[:0]
			if !ok {
				p.finish(false)
				p.st = stDead
				return
			}
			p.startBody(m)
		case stBody:
			n := min(int64(len(data)), p.remaining)
			p.addBody(data[:n], n)
			data = data[n:]
			p.remaining -= n
			if p.remaining == 0 {
				p.finish(true)
			}
		case stChunkSize, stTrailer:
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				p.line = append(p.line, data...)
				m.WireBodySize += int64(len(data))
				data = nil
				if len(p.line) > maxHead {
					p.finish(false)
					p.st = stDead
				}
				continue
			}
			p.line = append(p.line, data[:i]...)
			m.WireBodySize += int64(i + 1)
			data = data[i+1:]
			line := bytes.TrimSpace(p.line)
			p.line = p.line[:0]
			if p.st == stTrailer {
				if len(line) == 0 {
					p.finish(true)
				}
				continue
			}
			if j := bytes.IndexByte(line, ';'); j >= 0 {
				line = bytes.TrimSpace(line[:j])
			}
			size, err := strconv.ParseInt(string(line), 16, 64)
			switch {
			case err != nil || size < 0:
				p.finish(false)
				p.st = stDead
				return
			case size == 0:
				p.st = stTrailer
			default:
				p.remaining, p.st = size, stChunkData
			}
		case stChunkData:
			n := min(int64(len(data)), p.remaining)
			p.addBody(data[:n], n)
			data = data[n:]
			p.remaining -= n
			if p.remaining == 0 {
				p.st, p.remaining = stChunkEnd, 2
			}
		case stChunkEnd:
			for len(data) > 0 && p.remaining > 0 && (data[0] == '\r' || data[0] == '\n') {
				m.WireBodySize++
				p.remaining--
				c := data[0]
				data = data[1:]
				if c == '\n' {
					p.remaining = 0
				}
			}
			if p.remaining > 0 && len(data) > 0 {
				p.finish(false)
				p.st = stDead
				return
			}
			if p.remaining == 0 {
				p.st = stChunkSize
			}
		case stClose:
			p.addBody(data, int64(len(data)))
			data = nil
		case stDead:
			return
		}
	}
}

// headEnd finds the blank line ending a head: the index where it starts
// and its length, or -1.
func headEnd(b []byte) (int, int) {
	for i := 0; ; i++ {
		// From line end to line end (bytes.IndexByte scans a word or
		// more at a time).
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return -1, 0
		}
		i += j
		if i+1 < len(b) && b[i+1] == '\n' {
			return i + 1, 1
		}
		if i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n' {
			return i + 1, 2
		}
	}
}

// startBody chooses how the body of m ends.
func (p *parser) startBody(m *Message) {
	hasBody := p.hc.s.head(p.hc, p, m)
	switch {
	case !hasBody:
		p.finish(true)
	case m.Chunked:
		p.st = stChunkSize
	case m.ContentLength > 0:
		p.st, p.remaining = stBody, m.ContentLength
	case m.ContentLength == 0 || p.request:
		p.finish(true)
	default:
		p.st = stClose
	}
}

func (p *parser) addBody(b []byte, wire int64) {
	m := p.msg
	m.BodySize += int64(len(b))
	m.WireBodySize += wire
	if p.keepBody && !p.bodyCut {
		if len(p.body)+len(b) > p.bodyCap {
			p.bodyCut = true
			return
		}
		p.body = append(p.body, b...)
	}
}

// gap accounts n bytes missing from the stream.
func (p *parser) gap(n uint64, at tcpreasm.Chunk) {
	m := p.msg
	switch {
	case m == nil && (p.st == stHead || p.st == stDead):
		p.st = stDead
		return
	case p.st == stBody || p.st == stChunkData:
		if int64(n) <= p.remaining {
			m.Missing += int64(n)
			m.BodySize += int64(n)
			m.WireBodySize += int64(n)
			p.remaining -= int64(n)
			p.bodyCut = true
			if p.remaining == 0 {
				if p.st == stBody {
					p.finish(true)
				} else {
					p.st, p.remaining = stChunkEnd, 2
				}
			}
			return
		}
	case p.st == stClose:
		m.Missing += int64(n)
		m.BodySize += int64(n)
		m.WireBodySize += int64(n)
		p.bodyCut = true
		return
	}
	if m != nil {
		p.finish(false)
	}
	p.line = p.line[:0]
	p.st = stDead
}

// end is called when the stream ends: a body that runs to the close is
// complete, anything else in progress is not.
func (p *parser) end() {
	if p.msg == nil {
		return
	}
	p.finish(p.st == stClose)
}

// finish hands the current message over and gets ready for the next.
func (p *parser) finish(complete bool) {
	m := p.msg
	p.msg = nil
	p.st = stHead
	p.line = p.line[:0]
	if m == nil {
		return
	}
	m.Complete = complete
	p.hc.s.done(p.hc, p, m)
}
