package pfcp

import (
	"errors"
	"testing"
)

func TestParseHeader(t *testing.T) {
	hb := mkNodeMsg(0, HeartbeatRequest, 0x010203, mkIE(IERecoveryTimeStamp, be32(0xe0000000)))
	est := mkSessionMsg(flagMP, SessionEstablishmentRequest, 0, 0xffffff, 9, fseidIE(7, "10.0.0.1", ""))
	mod := mkSessionMsg(flagFO, SessionModificationRequest, 0x0123456789abcdef, 42, 0)

	short := append([]byte(nil), est[:15]...)
	v2 := append([]byte(nil), hb...)
	v2[0] = 0x40
	tooSmall := append([]byte(nil), est...)
	tooSmall[2], tooSmall[3] = 0, 11 // S=1 needs at least 12
	pastEnd := append([]byte(nil), hb...)
	pastEnd[3] += 1

	tests := []struct {
		name string
		b    []byte
		want Header
		err  error
	}{
		{"heartbeat", hb, Header{Version: 1, Type: HeartbeatRequest, Length: 12, Seq: 0x010203, HeaderLen: 8}, nil},
		{"session with priority", est, Header{Version: 1, HasPriority: true, HasSEID: true, Priority: 9,
			Type: SessionEstablishmentRequest, Length: uint16(len(est) - 4), Seq: 0xffffff, HeaderLen: 16}, nil},
		{"follow-on", mod, Header{Version: 1, FollowOn: true, HasSEID: true, Type: SessionModificationRequest,
			Length: 12, SEID: 0x0123456789abcdef, Seq: 42, HeaderLen: 16}, nil},
		{"empty", nil, Header{}, ErrShort},
		{"three bytes", hb[:3], Header{}, ErrShort},
		{"session header cut", short, Header{Version: 1, HasPriority: true, HasSEID: true,
			Type: SessionEstablishmentRequest, Length: uint16(len(est) - 4), HeaderLen: 16}, ErrShort},
		{"version 2", v2, Header{Version: 2, Type: HeartbeatRequest, Length: 12, Seq: 0x010203, HeaderLen: 8}, ErrVersion},
		{"length below header", tooSmall, Header{Version: 1, HasPriority: true, HasSEID: true, Priority: 9,
			Type: SessionEstablishmentRequest, Length: 11, Seq: 0xffffff, HeaderLen: 16}, ErrLength},
		{"length past end", pastEnd, Header{Version: 1, Type: HeartbeatRequest, Length: 13, Seq: 0x010203, HeaderLen: 8}, ErrLength},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseHeader(tc.b)
			if !errors.Is(err, tc.err) {
				t.Errorf("err = %v, want %v", err, tc.err)
			}
			if got != tc.want {
				t.Errorf("header:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestHeaderBody(t *testing.T) {
	ie := mkIE(IECause, []byte{1})
	m := mkSessionMsg(0, SessionDeletionResponse, 5, 1, 0, ie)
	h, err := ParseHeader(m)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Body(m); string(got) != string(ie) {
		t.Errorf("Body = %x, want %x", got, ie)
	}
	// A truncated message yields the bytes present.
	cut := m[:len(m)-1]
	h, err = ParseHeader(cut)
	if err != ErrLength {
		t.Fatalf("err = %v, want ErrLength", err)
	}
	if got := h.Body(cut); string(got) != string(ie[:len(ie)-1]) {
		t.Errorf("Body of cut message = %x", got)
	}
}

func TestMessages(t *testing.T) {
	a := mkSessionMsg(flagFO, SessionModificationRequest, 1, 10, 0, mkIE(IECause, []byte{1}))
	b := mkNodeMsg(flagFO, HeartbeatRequest, 11)
	c := mkSessionMsg(0, SessionDeletionRequest, 3, 12, 0)
	last := mkNodeMsg(0, HeartbeatResponse, 13)
	type msg struct {
		typ MessageType
		seq uint32
		off int
	}
	tests := []struct {
		name string
		b    []byte
		want []msg
		err  error
		rest int
	}{
		{"single", last, []msg{{HeartbeatResponse, 13, 0}}, nil, 0},
		{"three chained", cat(a, b, c), []msg{{SessionModificationRequest, 10, 0},
			{HeartbeatRequest, 11, len(a)}, {SessionDeletionRequest, 12, len(a) + len(b)}}, nil, 0},
		{"FO clear stops, trailing bytes kept", cat(last, []byte{1, 2, 3}), []msg{{HeartbeatResponse, 13, 0}}, nil, 3},
		{"FO set at end of datagram", a, []msg{{SessionModificationRequest, 10, 0}}, nil, 0},
		{"second message truncated", cat(a, b[:6]), []msg{{SessionModificationRequest, 10, 0}}, ErrShort, 6},
		{"second message length past end", cat(a, c[:14]), []msg{{SessionModificationRequest, 10, 0}}, ErrShort, 14},
		{"second message bad version", cat(a, []byte{0x60, 1, 0, 4, 0, 0, 0, 0}), []msg{{SessionModificationRequest, 10, 0}}, ErrVersion, 8},
		{"empty datagram", nil, nil, ErrShort, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []msg
			m := Messages(tc.b)
			for m.Next() {
				h := m.Header()
				if len(m.Message()) != h.MessageLen() {
					t.Errorf("message length %d, header says %d", len(m.Message()), h.MessageLen())
				}
				got = append(got, msg{h.Type, h.Seq, m.Offset()})
			}
			if !errors.Is(m.Err(), tc.err) {
				t.Errorf("err = %v, want %v", m.Err(), tc.err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("message %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
			if m.Rest() != tc.rest {
				t.Errorf("Rest = %d, want %d", m.Rest(), tc.rest)
			}
			if m.Next() {
				t.Error("Next after the end returned true")
			}
		})
	}
}

func TestMessageType(t *testing.T) {
	tests := []struct {
		t       MessageType
		name    string
		session bool
		request bool
		resp    MessageType
	}{
		{HeartbeatRequest, "Heartbeat Request", false, true, HeartbeatResponse},
		{HeartbeatResponse, "Heartbeat Response", false, false, 0},
		{PFDManagementRequest, "PFD Management Request", false, true, PFDManagementResponse},
		{AssociationSetupRequest, "Association Setup Request", false, true, AssociationSetupResponse},
		{AssociationUpdateRequest, "Association Update Request", false, true, AssociationUpdateResponse},
		{AssociationReleaseRequest, "Association Release Request", false, true, AssociationReleaseResponse},
		{VersionNotSupportedResponse, "Version Not Supported Response", false, false, 0},
		{NodeReportRequest, "Node Report Request", false, true, NodeReportResponse},
		{NodeReportResponse, "Node Report Response", false, false, 0},
		{SessionSetDeletionRequest, "Session Set Deletion Request", false, true, SessionSetDeletionResponse},
		{SessionSetModificationRequest, "Session Set Modification Request", false, true, SessionSetModificationResponse},
		{SessionSetModificationResponse, "Session Set Modification Response", false, false, 0},
		{SessionEstablishmentRequest, "Session Establishment Request", true, true, SessionEstablishmentResponse},
		{SessionEstablishmentResponse, "Session Establishment Response", true, false, 0},
		{SessionModificationRequest, "Session Modification Request", true, true, SessionModificationResponse},
		{SessionDeletionRequest, "Session Deletion Request", true, true, SessionDeletionResponse},
		{SessionReportRequest, "Session Report Request", true, true, SessionReportResponse},
		{SessionReportResponse, "Session Report Response", true, false, 0},
		{0, "MessageType(0)", false, false, 0},
		{18, "MessageType(18)", false, false, 0},
		{58, "MessageType(58)", false, false, 0},
		{255, "MessageType(255)", false, false, 0},
	}
	for _, tc := range tests {
		if got := tc.t.String(); got != tc.name {
			t.Errorf("%d.String() = %q, want %q", tc.t, got, tc.name)
		}
		if got := tc.t.IsSessionMessage(); got != tc.session {
			t.Errorf("%v.IsSessionMessage() = %v", tc.t, got)
		}
		if got := tc.t.IsRequest(); got != tc.request {
			t.Errorf("%v.IsRequest() = %v", tc.t, got)
		}
		resp, ok := tc.t.ResponseType()
		if ok != tc.request || resp != tc.resp {
			t.Errorf("%v.ResponseType() = %v, %v; want %v", tc.t, resp, ok, tc.resp)
		}
		if tc.t.Known() && tc.t.IsResponse() == tc.request {
			t.Errorf("%v: IsResponse = IsRequest", tc.t)
		}
	}
}
