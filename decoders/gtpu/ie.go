package gtpu

import "encoding/binary"

// IEType is a GTPv1 information element type (TS 29.060 section 7.7).
// Types below 128 are TV (fixed length, no length field); types from 128
// on are TLV with a 2-octet length.
type IEType uint8

// Information element types used by GTP-U signalling messages.
const (
	IECause            IEType = 1
	IERecovery         IEType = 14
	IETEIDDataI        IEType = 16
	IETEIDControlPlane IEType = 17
	IENSAPI            IEType = 20
	IEGSNAddress       IEType = 133
	IEExtHeaderList    IEType = 141
	IEPrivateExtension IEType = 255
)

// tvLen gives the value length of the TV information elements of TS 29.060
// (0 = unknown, which stops iteration since it cannot be skipped).
var tvLen = [128]uint8{
	1: 1, 2: 8, 3: 6, 4: 4, 5: 4, 8: 1, 9: 28, 11: 1, 12: 3, 13: 1,
	14: 1, 15: 1, 16: 4, 17: 4, 18: 5, 19: 1, 20: 1, 21: 1, 22: 9,
	23: 1, 24: 1, 25: 2, 26: 2, 27: 2, 28: 1, 29: 1, 127: 4,
}

// IE is one GTPv1 information element. Value aliases the parsed bytes.
type IE struct {
	Type  IEType
	Value []byte
}

// IEIter walks the information elements of a GTPv1 message body lazily:
//
//	it := gtpu.IEs(h.Body(b))
//	for it.Next() { switch it.IE().Type { … } }
//	if err := it.Err(); err != nil { … }
//
// The first problem stops the walk and stays in Err.
type IEIter struct {
	b   []byte
	off int
	ie  IE
	st  Status
}

// IEs returns an iterator over the information elements in b.
func IEs(b []byte) IEIter { return IEIter{b: b} }

// Next advances to the next element and reports whether there is one.
func (it *IEIter) Next() bool {
	if it.st != OK || it.off >= len(it.b) {
		return false
	}
	b := it.b[it.off:]
	t := IEType(b[0])
	var hdr, n int
	if t < 128 {
		hdr, n = 1, int(tvLen[t])
		if n == 0 {
			it.st = BadIE
			return false
		}
	} else {
		if len(b) < 3 {
			it.st = BadIE
			return false
		}
		hdr, n = 3, int(binary.BigEndian.Uint16(b[1:3]))
	}
	if hdr+n > len(b) {
		it.st = BadIE
		return false
	}
	it.ie = IE{Type: t, Value: b[hdr : hdr+n : hdr+n]}
	it.off += hdr + n
	return true
}

// IE returns the current element.
func (it *IEIter) IE() IE { return it.ie }

// Offset returns the offset in the iterated bytes where the walk stands:
// after the last element read, or at the element that stopped it.
func (it *IEIter) Offset() int { return it.off }

// Err returns nil, or the Status that stopped the walk.
func (it *IEIter) Err() error {
	if it.st == OK {
		return nil
	}
	return it.st
}
