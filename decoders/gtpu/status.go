package gtpu

// Status says how a parse went. Only OK means the header was complete and
// consistent; Truncated means the bytes ended early (usually the capture's
// snap length) and the fields read so far are still valid.
type Status uint8

// Parse outcomes.
const (
	// OK: the header and every extension header were read.
	OK Status = iota
	// Truncated: the data ends before the header, an extension header, or
	// the message length says it should.
	Truncated
	// BadVersion: the version field is not 1 (GTP' uses 0, GTPv2-C uses 2).
	BadVersion
	// NotGTP: PT is 0, which marks GTP' (charging), not GTP.
	NotGTP
	// BadLength: the length field is too small for the optional fields or
	// the extension headers the flags announce.
	BadLength
	// BadExtension: an extension header has length 0, or a PDU Session
	// Container is too short for its mandatory octets.
	BadExtension
	// BadIE: an information element is unknown with no length to skip it,
	// or runs past the end of the message.
	BadIE
)

var statusText = [...]string{
	OK:           "ok",
	Truncated:    "gtpu: truncated",
	BadVersion:   "gtpu: version is not 1",
	NotGTP:       "gtpu: protocol type is GTP'",
	BadLength:    "gtpu: length field too small",
	BadExtension: "gtpu: bad extension header",
	BadIE:        "gtpu: bad information element",
}

// String returns a short description of s.
func (s Status) String() string {
	if int(s) < len(statusText) {
		return statusText[s]
	}
	return "gtpu: unknown status"
}

// Error makes a Status usable as an error (converting a Status to an error
// does not allocate).
func (s Status) Error() string { return s.String() }

// Malformed reports whether s means the header is inconsistent (as opposed
// to OK or merely cut short by the capture).
func (s Status) Malformed() bool { return s != OK && s != Truncated }
