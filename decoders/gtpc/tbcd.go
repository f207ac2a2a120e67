package gtpc

// MaxDigits is the most digits a Digits value holds (16 octets of TBCD).
const MaxDigits = 32

// Digits is a TBCD-decoded number (IMSI, MSISDN, MEI) held in a fixed
// array, so decoding it does not allocate. The zero value is empty.
type Digits struct {
	n uint8
	d [MaxDigits]byte
}

// Len returns the number of digits.
func (d *Digits) Len() int { return int(d.n) }

// Bytes returns the digits as ASCII. The slice aliases d.
func (d *Digits) Bytes() []byte { return d.d[:d.n] }

// String returns the digits as a string.
func (d Digits) String() string { return string(d.d[:d.n]) }

// AppendTo appends the digits to dst.
func (d *Digits) AppendTo(dst []byte) []byte { return append(dst, d.d[:d.n]...) }

// tbcdChars maps a TBCD nibble to its character (TS 29.002 TBCD-STRING);
// 0xF is the filler and never printed.
const tbcdChars = "0123456789*#abc"

// DecodeTBCD decodes v (low nibble first in each octet) into d. A 0xF
// filler is accepted only as the last nibble (odd digit counts). It
// reports false, keeping the digits read so far, when v holds more than
// MaxDigits digits, a filler anywhere else, or a non-decimal digit.
func DecodeTBCD(v []byte, d *Digits) bool {
	*d = Digits{}
	ok := true
	for i, o := range v {
		for k := 0; k < 2; k++ {
			nib := o & 0x0f
			if k == 1 {
				nib = o >> 4
			}
			if nib == 0x0f {
				if k != 1 || i != len(v)-1 {
					return false
				}
				continue
			}
			if nib > 9 {
				ok = false
			}
			if int(d.n) == MaxDigits {
				return false
			}
			d.d[d.n] = tbcdChars[nib]
			d.n++
		}
	}
	return ok
}

// IMSI decodes an IMSI element (type 1).
func (ie IE) IMSI(d *Digits) bool {
	if ie.Type != IEIMSI {
		*d = Digits{}
		return false
	}
	return DecodeTBCD(ie.Value, d)
}

// MSISDN decodes an MSISDN element (type 76).
func (ie IE) MSISDN(d *Digits) bool {
	if ie.Type != IEMSISDN {
		*d = Digits{}
		return false
	}
	return DecodeTBCD(ie.Value, d)
}

// MEI decodes an MEI element (type 75): an IMEI or IMEISV.
func (ie IE) MEI(d *Digits) bool {
	if ie.Type != IEMEI {
		*d = Digits{}
		return false
	}
	return DecodeTBCD(ie.Value, d)
}
