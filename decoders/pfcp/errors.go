package pfcp

// Error is a decoding failure. Its values are small constants, so returning
// one as an error never allocates; compare with == or errors.Is.
type Error uint8

// Decoding errors.
const (
	// ErrShort: fewer bytes than a PFCP header needs.
	ErrShort Error = iota + 1
	// ErrVersion: the header's version is not 1.
	ErrVersion
	// ErrLength: the header's length field is smaller than the header
	// itself, or runs past the end of the datagram.
	ErrLength
	// ErrIETruncated: an IE header or an IE's value runs past the end of
	// the enclosing body.
	ErrIETruncated
	// ErrVendorIE: a vendor IE is too short to hold its enterprise id.
	ErrVendorIE
	// ErrTooDeep: grouped IEs are nested deeper than MaxDepth.
	ErrTooDeep
)

var errorText = [...]string{
	ErrShort:       "pfcp: datagram shorter than the header",
	ErrVersion:     "pfcp: unsupported version",
	ErrLength:      "pfcp: message length inconsistent with the datagram",
	ErrIETruncated: "pfcp: IE runs past the end of its container",
	ErrVendorIE:    "pfcp: vendor IE too short for an enterprise id",
	ErrTooDeep:     "pfcp: grouped IEs nested too deeply",
}

// Error returns a short description.
func (e Error) Error() string {
	if int(e) < len(errorText) && errorText[e] != "" {
		return errorText[e]
	}
	return "pfcp: unknown error"
}
