package gtpc

// Status says what stopped a parse. It implements error without allocating.
type Status uint8

// Parse outcomes.
const (
	// OK: no problem.
	OK Status = iota
	// Truncated: the bytes end before the header, message or element does
	// (usually the capture's snap length).
	Truncated
	// BadVersion: the version field is not 2.
	BadVersion
	// BadLength: the message length is smaller than its own header.
	BadLength
	// BadIELength: an information element runs past the end of its message
	// or of the grouped element holding it.
	BadIELength
	// TrailingBytes: bytes follow the last message although its P flag
	// announced no piggybacked message, or are too few for a message.
	TrailingBytes
	// TooDeep: grouped elements are nested deeper than MaxDepth.
	TooDeep
)

var statusText = [...]string{
	OK:            "ok",
	Truncated:     "gtpv2: truncated",
	BadVersion:    "gtpv2: version is not 2",
	BadLength:     "gtpv2: message length shorter than its header",
	BadIELength:   "gtpv2: information element runs past its container",
	TrailingBytes: "gtpv2: unexpected bytes after the last message",
	TooDeep:       "gtpv2: grouped elements nested too deep",
}

// String returns a short description.
func (s Status) String() string {
	if int(s) < len(statusText) {
		return statusText[s]
	}
	return "gtpv2: unknown status"
}

// Error returns the description.
func (s Status) Error() string { return s.String() }

// Malformed reports whether s means inconsistent data (not OK, not merely
// cut by the capture).
func (s Status) Malformed() bool { return s != OK && s != Truncated }

func (s Status) err() error {
	if s == OK {
		return nil
	}
	return s
}
