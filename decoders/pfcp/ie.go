package pfcp

import "encoding/binary"

// MaxDepth is how deeply grouped IEs may nest before IE.Group refuses
// (ErrTooDeep). TS 29.244 messages nest at most four or five levels.
const MaxDepth = 8

// VendorIEBase is the first vendor-specific IE type: types from 32768 on
// carry a 2-octet enterprise id before their value.
const VendorIEBase = 32768

// IE is one information element. Value aliases the decoded buffer.
type IE struct {
	// Type is the IE type.
	Type IEType
	// Length is the IE's length field: the octets after the 4-octet type
	// and length, enterprise id included.
	Length uint16
	// EnterpriseID is the IANA enterprise number of a vendor IE (Type ≥
	// 32768), for example 18681 (Travelping) or 3561 (Broadband Forum); 0 otherwise.
	EnterpriseID uint16
	// Value is the IE's content after the header (and enterprise id).
	Value []byte
	// Offset is the byte offset of the IE's header in the buffer given to
	// NewIEIterator (grouped IEs included).
	Offset int
	// depth is the nesting level: 0 for top-level IEs.
	depth uint8
}

// IsVendor reports whether the IE is vendor-specific (type ≥ 32768).
func (ie IE) IsVendor() bool { return ie.Type >= VendorIEBase }

// IsGrouped reports whether the IE's value is itself a sequence of IEs: a
// grouped IE of TS 29.244, or one of the few vendor IEs known to be grouped
// (Travelping's Error Report, the Broadband Forum's PPP LCP Connectivity;
// both seen in the corpus). Other vendor IEs stay opaque.
func (ie IE) IsGrouped() bool {
	if ie.IsVendor() {
		return isGroupedVendorIE(ie.EnterpriseID, ie.Type)
	}
	return ie.Type.IsGrouped()
}

// Enterprise numbers of vendors whose IEs this package knows.
const (
	EnterpriseTravelping = 18681
	EnterpriseBBF        = 3561 // Broadband Forum (TR-459)
)

func isGroupedVendorIE(enterprise uint16, t IEType) bool {
	switch {
	case enterprise == EnterpriseTravelping && t == VendorIEBase+6: // Error Report
		return true
	case enterprise == EnterpriseBBF && t == VendorIEBase+12: // PPP LCP Connectivity
		return true
	}
	return false
}

// Depth returns the IE's nesting level: 0 at the top of a message body.
func (ie IE) Depth() int { return int(ie.depth) }

// valueOffset returns the offset of Value in the top-level buffer.
func (ie IE) valueOffset() int {
	if ie.IsVendor() {
		return ie.Offset + 6
	}
	return ie.Offset + 4
}

// Group returns an iterator over the IEs inside ie's value. It does not
// check the type: call it for grouped IEs (IsGrouped) or vendor IEs known
// to be grouped. Offsets stay relative to the top-level buffer.
func (ie IE) Group() IEIterator {
	it := IEIterator{b: ie.Value, base: ie.valueOffset(), depth: ie.depth + 1}
	if int(it.depth) > MaxDepth {
		it.err = ErrTooDeep
		it.errOff = ie.Offset
	}
	return it
}

// IEIterator walks a sequence of IEs lazily:
//
//	it := pfcp.NewIEIterator(body)
//	for it.Next() {
//		switch it.Type() {
//		case pfcp.IEFSEID:
//			f, ok := it.IE().FSEID()
//			...
//		}
//	}
//	if err := it.Err(); err != nil { ... it.ErrOffset() ... }
//
// A malformed IE (header or value running past the end) sets a sticky error
// and stops the walk. Unknown and vendor IEs are returned like any other.
type IEIterator struct {
	b      []byte
	off    int
	base   int
	depth  uint8
	cur    IE
	err    error
	errOff int
}

// NewIEIterator returns an iterator over the IEs in b, typically a message
// body (Header.Body). Offsets reported are relative to b.
func NewIEIterator(b []byte) IEIterator { return IEIterator{b: b} }

// Next advances to the next IE and reports whether there is one.
func (it *IEIterator) Next() bool {
	if it.err != nil || it.off >= len(it.b) {
		return false
	}
	rest := it.b[it.off:]
	if len(rest) < 4 {
		return it.fail(ErrIETruncated)
	}
	t := binary.BigEndian.Uint16(rest)
	n := int(binary.BigEndian.Uint16(rest[2:]))
	if 4+n > len(rest) {
		return it.fail(ErrIETruncated)
	}
	v := rest[4 : 4+n : 4+n]
	ie := IE{Type: IEType(t), Length: uint16(n), Offset: it.base + it.off, depth: it.depth}
	if t >= VendorIEBase {
		if n < 2 {
			return it.fail(ErrVendorIE)
		}
		ie.EnterpriseID = binary.BigEndian.Uint16(v)
		v = v[2:]
	}
	ie.Value = v
	it.cur = ie
	it.off += 4 + n
	return true
}

func (it *IEIterator) fail(err Error) bool {
	it.err = err
	it.errOff = it.base + it.off
	it.cur = IE{}
	return false
}

// IE returns the current IE.
func (it *IEIterator) IE() IE { return it.cur }

// Type returns the current IE's type.
func (it *IEIterator) Type() IEType { return it.cur.Type }

// Length returns the current IE's length field.
func (it *IEIterator) Length() uint16 { return it.cur.Length }

// EnterpriseID returns the current IE's enterprise id (vendor IEs), or 0.
func (it *IEIterator) EnterpriseID() uint16 { return it.cur.EnterpriseID }

// Value returns the current IE's value.
func (it *IEIterator) Value() []byte { return it.cur.Value }

// Group returns an iterator over the current IE's value (see IE.Group).
func (it *IEIterator) Group() IEIterator { return it.cur.Group() }

// Err returns the error that stopped the walk, or nil at a clean end.
func (it *IEIterator) Err() error { return it.err }

// ErrOffset returns the byte offset of the IE that could not be decoded,
// relative to the top-level buffer; meaningful only when Err is not nil.
func (it *IEIterator) ErrOffset() int { return it.errOff }
