package gtpu

import (
	"encoding/binary"
	"net/netip"
)

// IEType is a GTPv1 information element type (TS 29.060 section 7.7).
// Types below 128 are TV (fixed length, no length field); types from 128
// on are TLV with a 2-octet length.
type IEType uint8

// Information element types used by GTP-U signalling messages, and those
// of GTPv1-C PDP context messages (same encoding) that name a subscriber,
// its tunnels and its address.
const (
	IECause            IEType = 1
	IEIMSI             IEType = 2
	IERecovery         IEType = 14
	IETEIDDataI        IEType = 16
	IETEIDControlPlane IEType = 17
	IENSAPI            IEType = 20
	IEEndUserAddress   IEType = 128
	IEGSNAddress       IEType = 133
	IEMSISDN           IEType = 134
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

// EndUserAddress parses an End User Address element's value (TS 29.060
// 7.7.27): the PDP address an IETF PDP type (IPv4, IPv6 or both) carries.
// The addresses are invalid when the element holds none (a request for a
// dynamic address); ok is false for another organisation or a bad length.
func EndUserAddress(v []byte) (v4, v6 netip.Addr, ok bool) {
	if len(v) < 2 || v[0]&0x0f != 1 {
		return v4, v6, false
	}
	a := v[2:]
	switch v[1] {
	case 0x21: // IPv4
		if len(a) == 4 {
			v4 = netip.AddrFrom4([4]byte(a))
		}
		return v4, v6, len(a) == 0 || len(a) == 4
	case 0x57: // IPv6
		if len(a) == 16 {
			v6 = netip.AddrFrom16([16]byte(a))
		}
		return v4, v6, len(a) == 0 || len(a) == 16
	case 0x8d: // IPv4v6: the IPv4 address first
		switch len(a) {
		case 20:
			v4, v6 = netip.AddrFrom4([4]byte(a[:4])), netip.AddrFrom16([16]byte(a[4:]))
		case 16:
			v6 = netip.AddrFrom16([16]byte(a))
		case 4:
			v4 = netip.AddrFrom4([4]byte(a))
		case 0:
		default:
			return v4, v6, false
		}
		return v4, v6, true
	}
	return v4, v6, false
}

// GSNAddress parses a GSN Address element's value: an IPv4 or IPv6
// address.
func GSNAddress(v []byte) (netip.Addr, bool) {
	switch len(v) {
	case 4:
		return netip.AddrFrom4([4]byte(v)), true
	case 16:
		return netip.AddrFrom16([16]byte(v)), true
	}
	return netip.Addr{}, false
}

// PDPElements is what a GTPv1-C PDP context message (TS 29.060: Create,
// Update, Delete PDP Context...) says of its subscriber and tunnels: the
// first of each element, values aliasing the message. ReadPDP fills it.
type PDPElements struct {
	// IMSI is the IMSI element's TBCD value (nil when absent); MSISDN the
	// MSISDN element's value (its first octet is the nature of address,
	// then TBCD digits).
	IMSI, MSISDN []byte
	// Cause, NSAPI and the two TEIDs, valid with their Has flags.
	Cause, NSAPI          uint8
	TEIDControl, TEIDData uint32
	HasCause, HasNSAPI    bool
	HasTEIDC, HasTEIDData bool
	// GSN holds the first two GSN Addresses (signalling, then user
	// traffic), NumGSN how many were read.
	GSN    [2]netip.Addr
	NumGSN uint8
	// UEv4 and UEv6 are the End User Address's PDP addresses (invalid
	// when absent or empty, as in a request for a dynamic address).
	UEv4, UEv6 netip.Addr
	// Err is the problem that stopped the walk, nil when none.
	Err error
}

// ReadPDP reads the elements of body (a GTPv1-C message's, h.Body) into p.
func ReadPDP(body []byte, p *PDPElements) {
	*p = PDPElements{}
	it := IEs(body)
	for it.Next() {
		ie := it.IE()
		switch ie.Type {
		case IECause:
			p.Cause, p.HasCause = ie.Value[0], true
		case IEIMSI:
			p.IMSI = ie.Value
		case IENSAPI:
			p.NSAPI, p.HasNSAPI = ie.Value[0]&0x0f, true
		case IETEIDControlPlane:
			p.TEIDControl, p.HasTEIDC = binary.BigEndian.Uint32(ie.Value), true
		case IETEIDDataI:
			p.TEIDData, p.HasTEIDData = binary.BigEndian.Uint32(ie.Value), true
		case IEGSNAddress:
			if a, ok := GSNAddress(ie.Value); ok && int(p.NumGSN) < len(p.GSN) {
				p.GSN[p.NumGSN] = a
				p.NumGSN++
			}
		case IEEndUserAddress:
			if v4, v6, ok := EndUserAddress(ie.Value); ok && !p.UEv4.IsValid() && !p.UEv6.IsValid() {
				p.UEv4, p.UEv6 = v4, v6
			}
		case IEMSISDN:
			if p.MSISDN == nil {
				p.MSISDN = ie.Value
			}
		}
	}
	p.Err = it.Err()
}
