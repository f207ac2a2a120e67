package mobile

import (
	"net/netip"
	"slices"

	"github.com/pcapflow/pcapflow/decoders/gtpc"
	"github.com/pcapflow/pcapflow/decoders/gtpu"
)

// AddV1 assigns one GTPv1-C datagram (UDP payload b, TS 29.060: the Gn/Gp
// interface between SGSN and GGSN) sent from src to dst and returns its
// subscriber, as Add does for GTPv2-C: by IMSI element (Create PDP Context
// Request), else by header TEID and receiver (the control-plane TEIDs the
// subscriber's messages announced), else as the answer to a request sent
// with TEID 0. Its TEID Data I elements, at the sender's user-plane GSN
// Address, are the subscriber's GTP-U endpoints; its End User Address is a
// UE address. Echo and other path messages belong to no subscriber.
func (t *GTPCTable) AddV1(src, dst netip.Addr, b []byte) (int32, bool) {
	src, dst = src.Unmap(), dst.Unmap()
	var h gtpu.Header
	if _, st := gtpu.Parse(b, &h); st != gtpu.OK || !h.PT || !pdpMessage(h.Type) {
		return -1, false
	}
	v := &t.pdp
	gtpu.ReadPDP(h.Body(b), v)
	i := int32(-1)
	answer := false
	if v.IMSI != nil && gtpc.DecodeTBCD(v.IMSI, &t.digits) {
		if id, ok := IMSIFromDigits(t.digits.Bytes()); ok {
			i = t.subscriber(id)
		}
	}
	if i < 0 {
		i, answer = t.byTEID(src, dst, h.TEID, uint32(h.Seq))
	}
	if i < 0 {
		return -1, false
	}
	// The sender's addresses: the first GSN Address for signalling, the
	// second for user traffic (the first again, or the packet's source,
	// when absent).
	ctrl, user := v.GSN[0], v.GSN[1]
	if !ctrl.IsValid() {
		ctrl = src
	}
	if !user.IsValid() {
		user = ctrl
	}
	if v.HasTEIDC {
		t.ctrl.claim(Endpoint{ctrl.Unmap(), v.TEIDControl}, i)
	}
	s := &t.subs[i]
	if v.HasTEIDData {
		if e := (Endpoint{user.Unmap(), v.TEIDData}); t.user.claim(e, i) {
			if len(s.Endpoints) < maxSessionEndpoints && !slices.Contains(s.Endpoints, e) {
				s.Endpoints = append(s.Endpoints, e)
			}
		}
	}
	t.addUE(i, v.UEv4)
	t.addUE(i, v.UEv6)
	if h.TEID == 0 && !answer {
		t.pending[gtpcPend{src, dst, uint32(h.Seq)}] = i
	}
	s.Messages++
	return i, true
}

// pdpMessage reports whether GTPv1-C message type typ is about a PDP
// context (TS 29.060 table 1): create, update and delete (16-21), initiate
// activation (22-23) and PDU notification (27-30). Path management (echo,
// version not supported, supported extension headers), location,
// mobility and MBMS messages are not assigned to subscribers.
func pdpMessage(typ gtpu.MessageType) bool {
	return (typ >= 16 && typ <= 23) || (typ >= 27 && typ <= 30)
}
