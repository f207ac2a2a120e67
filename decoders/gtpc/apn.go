package gtpc

// MaxAPN is the longest APN, in octets, that APN holds (TS 23.003 allows 100).
const MaxAPN = 100

// APN is an Access Point Name in dotted form, held in a fixed array.
type APN struct {
	n uint8
	b [MaxAPN]byte
}

// String returns the dotted APN, e.g. "internet.mnc001.mcc001.gprs".
func (a APN) String() string { return string(a.b[:a.n]) }

// Bytes returns the dotted APN. The slice aliases a.
func (a *APN) Bytes() []byte { return a.b[:a.n] }

// Len returns the dotted APN's length.
func (a *APN) Len() int { return int(a.n) }

// DecodeAPN converts a label-encoded APN (length-prefixed labels, as in DNS)
// into dotted form. It reports false, keeping what was decoded, when a
// label runs past v, a label is empty, or the result exceeds MaxAPN.
func DecodeAPN(v []byte, a *APN) bool {
	*a = APN{}
	for i := 0; i < len(v); {
		l := int(v[i])
		i++
		if l == 0 || i+l > len(v) {
			return false
		}
		need := l
		if a.n > 0 {
			need++
		}
		if int(a.n)+need > MaxAPN {
			return false
		}
		if a.n > 0 {
			a.b[a.n] = '.'
			a.n++
		}
		a.n += uint8(copy(a.b[a.n:], v[i:i+l]))
		i += l
	}
	return true
}

// APN decodes an APN element (type 71).
func (ie IE) APN(a *APN) bool {
	if ie.Type != IEAPN {
		*a = APN{}
		return false
	}
	return DecodeAPN(ie.Value, a)
}
