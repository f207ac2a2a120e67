package httpx

import (
	"bytes"
	"strconv"
	"strings"
)

// Header is one header field as it appeared.
type Header struct {
	Name, Value string
}

// Message is a parsed request or response head plus what its body held.
type Message struct {
	// Request line (requests) or status line (responses).
	Method, URI, Version string
	Status               int
	Reason               string
	Headers              []Header
	// HeadBytes is the length of the head on the wire: start line, header
	// lines and the blank line that ends them.
	HeadBytes int
	// ContentLength is the Content-Length header's value, -1 when absent.
	ContentLength int64
	// Chunked is set when Transfer-Encoding ends with chunked.
	Chunked bool
	// BodySize is the body's length after removing chunk framing;
	// WireBodySize is what the body took on the wire; Missing counts body
	// bytes the capture lacked.
	BodySize, WireBodySize, Missing int64
	// Complete is false when the message was cut short (connection end,
	// gap in the headers).
	Complete bool
	// First and Last are the timestamps (ns) of the packets carrying the
	// first and last bytes; FirstFrame and LastFrame their frame numbers.
	First, Last           int64
	FirstFrame, LastFrame uint64
}

// Get returns the first value of header name (case-insensitive), or "".
func (m *Message) Get(name string) string {
	for _, h := range m.Headers {
		if len(h.Name) == len(name) && strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

const maxHeaders = 128

var methods = []string{"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE",
	"PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "REPORT", "SEARCH", "NOTIFY", "SUBSCRIBE"}

// methodStart marks the bytes a method of methods starts with: most
// streams that are not HTTP are told apart by their first byte.
var methodStart = func() (t [256]bool) {
	for _, m := range methods {
		t[m[0]] = true
	}
	return t
}()

// looksLikeRequest reports whether b starts like a request line.
func looksLikeRequest(b []byte) bool {
	if len(b) == 0 || !methodStart[b[0]] {
		return false
	}
	for _, m := range methods {
		if len(b) > len(m) && string(b[:len(m)]) == m && b[len(m)] == ' ' {
			return true
		}
	}
	return false
}

// looksLikeResponse reports whether b starts like a status line.
func looksLikeResponse(b []byte) bool {
	return len(b) >= 9 && string(b[:7]) == "HTTP/1." && b[8] == ' '
}

// parseHead parses a message head (without the blank line). It reports
// false when the first line is not a request or status line.
func parseHead(head []byte, request bool, m *Message) bool {
	line, rest, _ := bytes.Cut(head, []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	if request {
		method, r, ok1 := bytes.Cut(line, []byte(" "))
		uri, version, ok2 := bytes.Cut(r, []byte(" "))
		if !ok1 || !ok2 || !bytes.HasPrefix(version, []byte("HTTP/")) {
			return false
		}
		m.Method, m.URI, m.Version = string(method), string(uri), string(version)
	} else {
		version, r, ok := bytes.Cut(line, []byte(" "))
		if !ok || !bytes.HasPrefix(version, []byte("HTTP/")) {
			return false
		}
		code, reason, _ := bytes.Cut(r, []byte(" "))
		n, err := strconv.Atoi(string(code))
		if err != nil || n < 100 || n > 999 {
			return false
		}
		m.Version, m.Status, m.Reason = string(version), n, string(reason)
	}
	m.ContentLength = -1
	for len(rest) > 0 {
		var l []byte
		l, rest, _ = bytes.Cut(rest, []byte("\n"))
		l = bytes.TrimRight(l, "\r")
		name, value, ok := bytes.Cut(l, []byte(":"))
		if !ok || len(m.Headers) >= maxHeaders {
			continue
		}
		h := Header{Name: string(bytes.TrimSpace(name)), Value: string(bytes.TrimSpace(value))}
		m.Headers = append(m.Headers, h)
		switch {
		case bytes.EqualFold([]byte(h.Name), []byte("Content-Length")):
			if n, err := strconv.ParseInt(h.Value, 10, 64); err == nil && n >= 0 && m.ContentLength < 0 {
				m.ContentLength = n
			}
		case bytes.EqualFold([]byte(h.Name), []byte("Transfer-Encoding")):
			v := bytes.ToLower(bytes.TrimSpace([]byte(h.Value)))
			m.Chunked = bytes.HasSuffix(v, []byte("chunked"))
		}
	}
	return true
}
