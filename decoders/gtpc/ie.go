package gtpc

import "encoding/binary"

// IEHeaderLen is the length of an information element's header: type (1),
// length (2), spare and instance (1).
const IEHeaderLen = 4

// IE is one information element. Value aliases the parsed bytes.
type IE struct {
	// Type is the element type.
	Type IEType
	// Instance is the low 4 bits of the fourth octet; it tells apart
	// elements of one type with different roles in a message.
	Instance uint8
	// Value is the element's content (Length bytes).
	Value []byte
	// Offset is the position of the element's first octet, counted from
	// the start of the bytes given to Messages, Summarize or IEs.
	Offset int
}

// Length returns the element's length field (the length of Value).
func (ie IE) Length() int { return len(ie.Value) }

// Grouped reports whether the element's type is a grouped one, whose value
// is itself a list of elements.
func (ie IE) Grouped() bool { return ie.Type.Grouped() }

// Group returns an iterator over the elements inside a grouped element. It
// can be called on any element: on a non-grouped one the walk will usually
// fail with BadIELength.
func (ie IE) Group() IEIter {
	return IEIter{b: ie.Value, base: ie.Offset + IEHeaderLen}
}

// EnterpriseID returns the enterprise number of a Private Extension element
// (type 255) and the proprietary value after it.
func (ie IE) EnterpriseID() (id uint16, value []byte, ok bool) {
	if ie.Type != IEPrivateExtension || len(ie.Value) < 2 {
		return 0, nil, false
	}
	return binary.BigEndian.Uint16(ie.Value), ie.Value[2:], true
}

// IEIter walks a list of information elements lazily. The first problem
// stops the walk and stays in Err.
type IEIter struct {
	b      []byte
	base   int
	off    int
	ie     IE
	st     Status
	errOff int
}

// IEs returns an iterator over the elements in b; IE offsets count from the
// start of b.
func IEs(b []byte) IEIter { return IEIter{b: b} }

// Next advances to the next element and reports whether there is one.
func (it *IEIter) Next() bool {
	if it.st != OK || it.off >= len(it.b) {
		return false
	}
	b := it.b[it.off:]
	if len(b) < IEHeaderLen {
		it.fail(BadIELength)
		return false
	}
	n := int(binary.BigEndian.Uint16(b[1:3]))
	if IEHeaderLen+n > len(b) {
		it.fail(BadIELength)
		return false
	}
	it.ie = IE{
		Type:     IEType(b[0]),
		Instance: b[3] & 0x0f,
		Value:    b[IEHeaderLen : IEHeaderLen+n : IEHeaderLen+n],
		Offset:   it.base + it.off,
	}
	it.off += IEHeaderLen + n
	return true
}

func (it *IEIter) fail(st Status) {
	it.st = st
	it.errOff = it.base + it.off
}

// IE returns the current element.
func (it *IEIter) IE() IE { return it.ie }

// Type returns the current element's type.
func (it *IEIter) Type() IEType { return it.ie.Type }

// Instance returns the current element's instance.
func (it *IEIter) Instance() uint8 { return it.ie.Instance }

// Value returns the current element's value.
func (it *IEIter) Value() []byte { return it.ie.Value }

// Err returns nil, or the Status that stopped the walk.
func (it *IEIter) Err() error { return it.st.err() }

// Status returns what stopped the walk (OK when nothing did).
func (it *IEIter) Status() Status { return it.st }

// ErrOffset returns where the element that stopped the walk starts, with
// the same origin as IE.Offset; it is meaningful only when Err is not nil.
func (it *IEIter) ErrOffset() int { return it.errOff }
