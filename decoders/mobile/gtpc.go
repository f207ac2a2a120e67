package mobile

import (
	"net/netip"
	"slices"

	"github.com/pcapflow/pcapflow/decoders/gtpc"
	"github.com/pcapflow/pcapflow/decoders/gtpu"
)

// IMSI is an IMSI as a key: its digits (at most 16) packed as a number plus
// the digit count, so leading zeros are kept. The zero IMSI is invalid.
type IMSI struct {
	V uint64
	N uint8
}

// IMSIFromDigits packs decimal digits; it reports false for an empty
// number, more than 16 digits or a non-decimal digit.
func IMSIFromDigits(d []byte) (IMSI, bool) {
	if len(d) == 0 || len(d) > 16 {
		return IMSI{}, false
	}
	var v uint64
	for _, c := range d {
		if c < '0' || c > '9' {
			return IMSI{}, false
		}
		v = v*10 + uint64(c-'0')
	}
	return IMSI{V: v, N: uint8(len(d))}, true
}

// AppendTo appends the IMSI's digits, leading zeros included.
func (m IMSI) AppendTo(b []byte) []byte {
	var d [20]byte
	i := len(d)
	v := m.V
	for n := 0; n < int(m.N); n++ {
		i--
		d[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, d[i:]...)
}

// String returns the IMSI's digits.
func (m IMSI) String() string { return string(m.AppendTo(nil)) }

// Subscriber is one IMSI as GTPCTable sees it.
type Subscriber struct {
	IMSI IMSI
	// Endpoints are its user-plane GTP-U endpoints (Bearer Context
	// F-TEIDs), first ones only; UEIPs its PDN addresses.
	Endpoints []Endpoint
	UEIPs     []netip.Addr
	// Messages counts the GTPv2-C datagrams assigned to it.
	Messages int
}

type gtpcPend struct {
	src, dst netip.Addr
	seq      uint32
}

// GTPCTable assigns GTPv2-C datagrams to subscribers by IMSI and keeps the
// GTP-U endpoints and UE addresses they set up (see the package
// documentation). Call NewGTPCTable.
type GTPCTable struct {
	subs    []Subscriber
	byIMSI  map[IMSI]int32
	ctrl    endpoints
	user    endpoints
	pending map[gtpcPend]int32
	ues     map[netip.Addr]int32
	digits  gtpc.Digits
	bc      gtpc.BearerContext
	pdp     gtpu.PDPElements
}

// NewGTPCTable returns an empty table.
func NewGTPCTable() *GTPCTable {
	return &GTPCTable{byIMSI: map[IMSI]int32{}, ctrl: endpoints{}, user: endpoints{},
		pending: map[gtpcPend]int32{}, ues: map[netip.Addr]int32{}}
}

// Len returns the number of subscribers seen.
func (t *GTPCTable) Len() int { return len(t.subs) }

// Subscriber returns subscriber i; the pointer is valid until the next Add.
func (t *GTPCTable) Subscriber(i int32) *Subscriber { return &t.subs[i] }

// Add assigns one GTPv2-C datagram (UDP payload b) sent from src to dst and
// returns its subscriber. Piggybacked messages are read for their
// endpoints; the datagram goes to the first message's subscriber.
func (t *GTPCTable) Add(src, dst netip.Addr, b []byte) (int32, bool) {
	src, dst = src.Unmap(), dst.Unmap()
	m := gtpc.Messages(b)
	owner := int32(-1)
	for m.Next() {
		h := m.Header()
		if h.Type == gtpc.EchoRequest || h.Type == gtpc.EchoResponse {
			return -1, false
		}
		i, answer := t.find(src, dst, h, m.IEs())
		if i < 0 {
			continue
		}
		if owner < 0 {
			owner = i
		}
		t.learn(i, m.IEs())
		if (!h.HasTEID || h.TEID == 0) && !answer {
			t.pending[gtpcPend{src, dst, h.Seq}] = i
		}
	}
	if owner < 0 {
		return -1, false
	}
	t.subs[owner].Messages++
	return owner, true
}

// find returns the subscriber of one message: by IMSI IE, by header TEID
// and receiver, or as the answer to a request sent with TEID 0 (answer is
// then true: the message settles that request and is not one to wait for).
func (t *GTPCTable) find(src, dst netip.Addr, h *gtpc.Header, it gtpc.IEIter) (i int32, answer bool) {
	for it.Next() {
		ie := it.IE()
		if ie.Type != gtpc.IEIMSI || !ie.IMSI(&t.digits) {
			continue
		}
		id, ok := IMSIFromDigits(t.digits.Bytes())
		if !ok {
			continue
		}
		return t.subscriber(id), false
	}
	teid := h.TEID
	if !h.HasTEID {
		teid = 0
	}
	return t.byTEID(src, dst, teid, h.Seq)
}

// subscriber returns the subscriber of IMSI id, adding it when new.
func (t *GTPCTable) subscriber(id IMSI) int32 {
	i, ok := t.byIMSI[id]
	if !ok {
		i = int32(len(t.subs))
		t.subs = append(t.subs, Subscriber{IMSI: id})
		t.byIMSI[id] = i
	}
	return i
}

// byTEID returns the subscriber of a message without an IMSI from src to
// dst: by its header TEID (0: none) and receiver, or as the answer to the
// request with sequence number seq that dst sent src with TEID 0 (answer
// is then true).
func (t *GTPCTable) byTEID(src, dst netip.Addr, teid, seq uint32) (i int32, answer bool) {
	k := gtpcPend{dst, src, seq}
	if teid != 0 {
		if i, ok := t.ctrl.lookup(dst, teid); ok {
			// An answer found by its TEID settles the request that was
			// sent with TEID 0, which would otherwise stay pending.
			if j, ok := t.pending[k]; ok && j == i {
				delete(t.pending, k)
			}
			return i, false
		}
	}
	if i, ok := t.pending[k]; ok {
		delete(t.pending, k)
		return i, true
	}
	return -1, false
}

// learn records the control and user-plane endpoints and PDN addresses of
// one message of subscriber i.
func (t *GTPCTable) learn(i int32, it gtpc.IEIter) {
	for it.Next() {
		ie := it.IE()
		switch ie.Type {
		case gtpc.IEFTEID:
			if f, ok := ie.FTEID(); ok {
				t.ctrl.claim(Endpoint{f.IPv4, f.TEID}, i)
				t.ctrl.claim(Endpoint{f.IPv6, f.TEID}, i)
			}
		case gtpc.IEBearerContext:
			if ie.BearerContext(&t.bc) != nil && t.bc.NumFTEIDs == 0 {
				continue
			}
			s := &t.subs[i]
			for _, f := range t.bc.Stored() {
				for _, e := range [2]Endpoint{{f.IPv4, f.TEID}, {f.IPv6, f.TEID}} {
					if t.user.claim(e, i) {
						e.Addr = e.Addr.Unmap()
						if len(s.Endpoints) < maxSessionEndpoints && !slices.Contains(s.Endpoints, e) {
							s.Endpoints = append(s.Endpoints, e)
						}
					}
				}
			}
		case gtpc.IEPAA:
			p, ok := gtpc.ParsePAA(ie.Value)
			if !ok {
				continue
			}
			for _, a := range [2]netip.Addr{p.IPv4, p.IPv6} {
				t.addUE(i, a)
			}
		}
	}
}

// addUE records a as a UE address of subscriber i (an invalid or
// unspecified address is ignored).
func (t *GTPCTable) addUE(i int32, a netip.Addr) {
	if !a.IsValid() || a.IsUnspecified() {
		return
	}
	t.ues[a] = i
	s := &t.subs[i]
	if len(s.UEIPs) < maxSessionUEIPs && !slices.Contains(s.UEIPs, a) {
		s.UEIPs = append(s.UEIPs, a)
	}
}

// Tunnel returns the subscriber owning GTP-U endpoint (dst, teid) now.
func (t *GTPCTable) Tunnel(dst netip.Addr, teid uint32) (int32, bool) {
	return t.user.lookup(dst, teid)
}

// UE returns the subscriber whose PDN address is a.
func (t *GTPCTable) UE(a netip.Addr) (int32, bool) {
	i, ok := t.ues[a.Unmap()]
	return i, ok
}
