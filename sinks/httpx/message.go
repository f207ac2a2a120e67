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
// false when the first line is not a request or status line. The head is
// copied into one string and every field is a part of it: one allocation
// for the text of the whole head, one for its header list.
func parseHead(head []byte, request bool, m *Message) bool {
	line, rest, _ := bytes.Cut(head, []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	if request {
		method, r, ok1 := bytes.Cut(line, []byte(" "))
		_, version, ok2 := bytes.Cut(r, []byte(" "))
		if !ok1 || !ok2 || !bytes.HasPrefix(version, []byte("HTTP/")) {
			return false
		}
		_ = method
	} else {
		version, r, ok := bytes.Cut(line, []byte(" "))
		if !ok || !bytes.HasPrefix(version, []byte("HTTP/")) {
			return false
		}
		code, _, _ := bytes.Cut(r, []byte(" "))
		n, err := strconv.Atoi(string(code))
		if err != nil || n < 100 || n > 999 {
			return false
		}
		m.Status = n
	}
	// The checks passed: take the text once, then slice it.
	text := string(head)
	sline, srest, _ := strings.Cut(text, "\n")
	sline = strings.TrimRight(sline, "\r")
	if request {
		method, r, _ := strings.Cut(sline, " ")
		uri, version, _ := strings.Cut(r, " ")
		m.Method, m.URI, m.Version = method, uri, version
	} else {
		version, r, _ := strings.Cut(sline, " ")
		_, reason, _ := strings.Cut(r, " ")
		m.Version, m.Reason = version, reason
	}
	m.ContentLength = -1
	if n := bytes.Count(rest, []byte("\n")) + 1; len(rest) > 0 {
		m.Headers = make([]Header, 0, min(n, maxHeaders))
	}
	for len(srest) > 0 {
		var l string
		l, srest, _ = strings.Cut(srest, "\n")
		l = strings.TrimRight(l, "\r")
		name, value, ok := strings.Cut(l, ":")
		if !ok || len(m.Headers) >= maxHeaders {
			continue
		}
		h := Header{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)}
		m.Headers = append(m.Headers, h)
		switch {
		case strings.EqualFold(h.Name, "Content-Length"):
			if n, err := strconv.ParseInt(h.Value, 10, 64); err == nil && n >= 0 && m.ContentLength < 0 {
				m.ContentLength = n
			}
		case strings.EqualFold(h.Name, "Transfer-Encoding"):
			m.Chunked = hasSuffixFold(h.Value, "chunked")
		}
	}
	return true
}

// hasSuffixFold reports whether s ends with suffix, ignoring case.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}
