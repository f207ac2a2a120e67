package pfcp

// IsLabelEncoded reports whether b parses as a DNS-style sequence of
// length-prefixed labels (RFC 1035 clause 3.1, as TS 23.003 encodes APNs
// and FQDNs) that covers b exactly, with an optional terminating zero.
// Plain dotted text such as "internet" does not (its first octet 'i'
// would announce a 105-octet label).
func IsLabelEncoded(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for i := 0; i < len(b); {
		n := int(b[i])
		if n == 0 {
			return i == len(b)-1 && i > 0
		}
		if n > 63 || i+1+n > len(b) {
			return false
		}
		i += 1 + n
	}
	return true
}

// AppendName appends the text form of a name field to dst: label-encoded
// names (IsLabelEncoded) become dotted text ("\x03ims\x03apn" → "ims.apn"),
// anything else is appended unchanged. It allocates only if dst must grow.
func AppendName(dst, b []byte) []byte { return AppendNameLimit(dst, b, -1) }

// AppendNameLimit is AppendName that stops once the result holds limit
// bytes (no limit when limit < 0), so appending into a fixed array never
// reallocates.
func AppendNameLimit(dst, b []byte, limit int) []byte {
	if !IsLabelEncoded(b) {
		return appendLimited(dst, b, limit)
	}
	for i := 0; i < len(b); {
		n := int(b[i])
		if n == 0 {
			break
		}
		if i > 0 {
			dst = appendLimited(dst, dot, limit)
		}
		dst = appendLimited(dst, b[i+1:i+1+n], limit)
		i += 1 + n
	}
	return dst
}

var dot = []byte{'.'}

func appendLimited(dst, p []byte, limit int) []byte {
	if limit >= 0 && len(dst)+len(p) > limit {
		p = p[:max(0, limit-len(dst))]
	}
	return append(dst, p...)
}

// NetworkInstance returns the raw value of a Network Instance IE: an
// operator string, often an APN/DNN in label form (use AppendName).
func (ie IE) NetworkInstance() ([]byte, bool) {
	if ie.Type != IENetworkInstance {
		return nil, false
	}
	return ie.Value, true
}
