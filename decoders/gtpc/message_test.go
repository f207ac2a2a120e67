package gtpc

import (
	"fmt"
	"net/netip"
	"testing"
)

func TestParseHeader(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		off  int
		st   Status
		want Header
	}{
		{"T=1", mkMsg(hdr{typ: ModifyBearerRequest, teid: 0xd37d1590, seq: 0x1a4a43}, ratIE), 12, OK,
			Header{Version: 2, HasTEID: true, Type: ModifyBearerRequest, Length: 13, TEID: 0xd37d1590, Seq: 0x1a4a43}},
		{"T=0 echo", mkMsg(hdr{noTEID: true, typ: EchoRequest, seq: 0x3039}, recovIE), 8, OK,
			Header{Version: 2, Type: EchoRequest, Length: 9, Seq: 0x3039}},
		{"P and MP", mkMsg(hdr{p: true, mp: true, typ: CreateSessionResponse, teid: 1, seq: 0x10932, prio: 9}), 12, OK,
			Header{Version: 2, Piggyback: true, HasTEID: true, HasPriority: true, Type: CreateSessionResponse, Length: 8, TEID: 1, Seq: 0x10932, Priority: 9}},
		{"message cut", mkMsg(hdr{typ: CreateSessionRequest, teid: 7, seq: 1}, imsiIE)[:14], 12, Truncated,
			Header{Version: 2, HasTEID: true, Type: CreateSessionRequest, Length: 20, TEID: 7, Seq: 1}},
		{"header cut", mkMsg(hdr{typ: CreateSessionRequest, teid: 7, seq: 1}, imsiIE)[:10], 0, Truncated,
			Header{Version: 2, HasTEID: true, Type: CreateSessionRequest, Length: 20}},
		{"length shorter than header", mkMsg(hdr{typ: CreateSessionRequest, lenDiff: -2}), 0, BadLength,
			Header{Version: 2, HasTEID: true, Type: CreateSessionRequest, Length: 6}},
		{"version 1", []byte{0x32, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0}, 0, BadVersion, Header{Version: 1}},
		{"empty", nil, 0, Truncated, Header{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := Header{TEID: 99, Priority: 3}
			off, st := ParseHeader(tc.in, &h)
			if off != tc.off || st != tc.st || h != tc.want {
				t.Errorf("got %d %v %+v\nwant %d %v %+v", off, st, h, tc.off, tc.st, tc.want)
			}
		})
	}
	if CreateSessionRequest.String() != "Create Session Request" || MessageType(123).String() != "GTPv2(123)" ||
		ReleaseAccessBearersResponse.String() != "Release Access Bearers Response" || ModifyBearerCommand.String() != "Modify Bearer Command" {
		t.Error("message names")
	}
}

// createSessionResponse carries piggybacking (P) and a bearer context.
var createSessionResponse = mkMsg(hdr{p: true, typ: CreateSessionResponse, teid: 0x1111, seq: 0x4b5462},
	mkIE(IECause, 0, 16, 0),
	mkIE(IEFTEID, 1, fteidV(7, 0x3333, "192.0.2.9", "")...),
	mkIE(IEPAA, 0, 3, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 45, 0, 2),
	mkGroup(IEBearerContext, 0, mkIE(IEEBI, 0, 5), mkIE(IECause, 0, 16, 0), mkIE(IEFTEID, 2, fteidV(5, 0x4444, "192.0.2.9", "")...)))

// createBearerRequest is piggybacked on createSessionResponse.
var createBearerRequest = mkMsg(hdr{typ: CreateBearerRequest, teid: 0x1111, seq: 0x4b5470},
	mkIE(IEEBI, 0, 5),
	mkGroup(IEBearerContext, 0, mkIE(IEEBI, 0, 0), mkIE(IEFTEID, 1, fteidV(5, 0x5555, "192.0.2.9", "2001:db8::9")...), qosIE))

func TestMessages(t *testing.T) {
	type got struct {
		types []MessageType
		offs  []int
		ies   []int
		st    Status
		at    int
	}
	tests := []struct {
		name string
		in   []byte
		want got
	}{
		{"single", createSessionRequest, got{[]MessageType{CreateSessionRequest}, []int{0}, []int{10}, OK, 0}},
		{"piggybacked create bearer request", cat(createSessionResponse, createBearerRequest),
			got{[]MessageType{CreateSessionResponse, CreateBearerRequest}, []int{0, len(createSessionResponse)}, []int{4, 2}, OK, 0}},
		{"P flag with nothing after", createSessionResponse, got{[]MessageType{CreateSessionResponse}, []int{0}, []int{4}, OK, 0}},
		{"bytes after a message without P", cat(createBearerRequest, []byte{1, 2, 3, 4, 5, 6, 7, 8}),
			got{[]MessageType{CreateBearerRequest}, []int{0}, []int{2}, TrailingBytes, len(createBearerRequest)}},
		{"P flag then two stray bytes", cat(mkMsg(hdr{p: true, noTEID: true, typ: EchoRequest, seq: 0x3039}, recovIE), []byte{0x31, 0x32}),
			got{[]MessageType{EchoRequest}, []int{0}, []int{1}, BadVersion, 13}},
		{"piggybacked message cut", cat(createSessionResponse, createBearerRequest[:20]),
			got{[]MessageType{CreateSessionResponse, CreateBearerRequest}, []int{0, len(createSessionResponse)}, []int{4, 1}, Truncated, len(createSessionResponse)}},
		{"empty", nil, got{nil, nil, nil, Truncated, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var g got
			m := Messages(tc.in)
			for m.Next() {
				if m.Index() != len(g.types) {
					t.Errorf("Index %d", m.Index())
				}
				g.types = append(g.types, m.Header().Type)
				g.offs = append(g.offs, m.Offset())
				it := m.IEs()
				n := 0
				for it.Next() {
					if tc.in[it.IE().Offset] != byte(it.Type()) {
						t.Errorf("IE offset %d does not point at type %v", it.IE().Offset, it.Type())
					}
					n++
				}
				g.ies = append(g.ies, n)
			}
			g.st, g.at = m.Status(), m.ErrOffset()
			if g.st == OK {
				g.at = 0
			}
			if fmt.Sprint(g) != fmt.Sprint(tc.want) {
				t.Errorf("got  %v\nwant %v", g, tc.want)
			}
			if (m.Err() == nil) != (m.Status() == OK) {
				t.Error("Err and Status disagree")
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	a4 := netip.MustParseAddr
	tests := []struct {
		name string
		in   []byte
		want Summary
	}{
		{
			name: "create session request",
			in:   createSessionRequest,
			want: func() (s Summary) {
				s.Msgs[0] = Header{Version: 2, HasTEID: true, Type: CreateSessionRequest, Length: uint16(len(createSessionRequest) - 4), Seq: 0x4b5462}
				s.NumMsgs = 1
				DecodeTBCD(imsiIE[4:], &s.IMSI)
				s.HasIMSI = true
				DecodeTBCD(msisdnIE[4:], &s.MSISDN)
				s.HasMSISDN = true
				s.RAT, s.HasRAT = RATEUTRAN, true
				s.FTEIDs[0] = FTEIDEntry{FTEID: FTEID{Interface: 10, TEID: 0x1111, IPv4: a4("192.0.2.1")}}
				s.FTEIDs[1] = FTEIDEntry{FTEID: FTEID{Interface: 7, IPv4: a4("192.0.2.9")}, Instance: 1}
				s.FTEIDs[2] = FTEIDEntry{FTEID: FTEID{Interface: 4, TEID: 0x2222, IPv4: a4("192.0.2.1")}, Instance: 2, InBearer: true, EBI: 5}
				s.NumFTEIDs = 3
				s.PAA, s.HasPAA = PAA{Type: PDNIPv4, IPv4: a4("0.0.0.0")}, true
				s.EBIs[0], s.NumEBIs = 5, 1
				return s
			}(),
		},
		{
			name: "create session response with piggybacked create bearer request",
			in:   cat(createSessionResponse, createBearerRequest),
			want: func() (s Summary) {
				s.Msgs[0] = Header{Version: 2, Piggyback: true, HasTEID: true, Type: CreateSessionResponse, Length: uint16(len(createSessionResponse) - 4), TEID: 0x1111, Seq: 0x4b5462}
				s.Msgs[1] = Header{Version: 2, HasTEID: true, Type: CreateBearerRequest, Length: uint16(len(createBearerRequest) - 4), TEID: 0x1111, Seq: 0x4b5470}
				s.NumMsgs = 2
				s.Cause, s.HasCause = CauseRequestAccepted, true
				s.Causes[0] = CauseEntry{Value: 16}
				s.Causes[1] = CauseEntry{Value: 16, InBearer: true}
				s.NumCauses = 2
				s.FTEIDs[0] = FTEIDEntry{FTEID: FTEID{Interface: 7, TEID: 0x3333, IPv4: a4("192.0.2.9")}, Instance: 1}
				s.FTEIDs[1] = FTEIDEntry{FTEID: FTEID{Interface: 5, TEID: 0x4444, IPv4: a4("192.0.2.9")}, Instance: 2, InBearer: true, EBI: 5}
				s.FTEIDs[2] = FTEIDEntry{FTEID: FTEID{Interface: 5, TEID: 0x5555, IPv4: a4("192.0.2.9"), IPv6: a4("2001:db8::9")}, Instance: 1, InBearer: true, Msg: 1}
				s.NumFTEIDs = 3
				s.PAA, s.HasPAA = PAA{Type: PDNIPv4v6, PrefixLen: 64, IPv6: a4("2001:db8:1::"), IPv4: a4("10.45.0.2")}, true
				s.EBIs[0], s.EBIs[1], s.EBIs[2], s.NumEBIs = 5, 5, 0, 3
				return s
			}(),
		},
		{
			name: "truncated element in a cut message",
			in:   createSessionRequest[:30],
			want: func() (s Summary) {
				s.Msgs[0] = Header{Version: 2, HasTEID: true, Type: CreateSessionRequest, Length: uint16(len(createSessionRequest) - 4), Seq: 0x4b5462}
				s.NumMsgs = 1
				DecodeTBCD(imsiIE[4:], &s.IMSI)
				s.HasIMSI = true
				s.Status, s.Truncated, s.ErrOffset = Truncated, true, 24
				return s
			}(),
		},
		{
			name: "grouped element with a bad member",
			in:   mkMsg(hdr{typ: DeleteBearerRequest, teid: 3, seq: 4}, mkGroup(IEBearerContext, 0, mkIE(IEEBI, 0, 6), []byte{byte(IECause), 0, 9, 0})),
			want: func() (s Summary) {
				s.Msgs[0] = Header{Version: 2, HasTEID: true, Type: DeleteBearerRequest, Length: 21, TEID: 3, Seq: 4}
				s.NumMsgs = 1
				s.EBIs[0], s.NumEBIs = 6, 1
				s.Status, s.Malformed, s.ErrOffset = BadIELength, true, 12+4+5
				return s
			}(),
		},
		{
			name: "many F-TEIDs: first eight kept, all counted",
			in: mkMsg(hdr{typ: ModifyBearerRequest, teid: 1, seq: 2}, func() (b []byte) {
				for i := range 10 {
					b = append(b, mkIE(IEFTEID, uint8(i), fteidV(uint8(i), uint32(i), "", "")...)...)
				}
				return b
			}()),
			want: func() (s Summary) {
				s.Msgs[0] = Header{Version: 2, HasTEID: true, Type: ModifyBearerRequest, Length: 8 + 10*9, TEID: 1, Seq: 2}
				s.NumMsgs = 1
				for i := range MaxFTEIDs {
					s.FTEIDs[i] = FTEIDEntry{FTEID: FTEID{Interface: InterfaceType(i), TEID: uint32(i)}, Instance: uint8(i)}
				}
				s.NumFTEIDs = 10
				return s
			}(),
		},
		{
			name: "not GTPv2",
			in:   []byte{0x32, 0xff, 0, 0, 0, 0, 0, 1},
			want: Summary{Status: BadVersion, Malformed: true},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s Summary
			Summarize(tc.in, &s)
			if s != tc.want {
				t.Errorf("got  %+v\nwant %+v", s, tc.want)
			}
		})
	}
}

// TestSummarizeReuse: summarizing A then B into one Summary equals
// summarizing B into a fresh one, for every pair of inputs.
func TestSummarizeReuse(t *testing.T) {
	inputs := [][]byte{
		createSessionRequest, cat(createSessionResponse, createBearerRequest), createBearerRequest,
		createSessionRequest[:30], mkMsg(hdr{noTEID: true, typ: EchoRequest, seq: 1}, recovIE), {0x32}, nil,
	}
	for i, a := range inputs {
		for j, b := range inputs {
			var fresh, reused Summary
			Summarize(b, &fresh)
			Summarize(a, &reused)
			Summarize(b, &reused)
			if fresh != reused {
				t.Errorf("input %d after %d:\n got %+v\nwant %+v", j, i, reused, fresh)
			}
		}
	}
}

func TestSummarizeAllocs(t *testing.T) {
	in := cat(createSessionResponse, createBearerRequest)
	var s Summary
	if n := testing.AllocsPerRun(100, func() { Summarize(in, &s) }); n != 0 {
		t.Errorf("Summarize allocates %v times", n)
	}
	ie := first(t, bearerReq)
	var bc BearerContext
	if n := testing.AllocsPerRun(100, func() { _ = ie.BearerContext(&bc) }); n != 0 {
		t.Errorf("BearerContext allocates %v times", n)
	}
}
