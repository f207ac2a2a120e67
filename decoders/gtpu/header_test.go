package gtpu

import (
	"fmt"
	"net/netip"
	"testing"
)

type parseCase struct {
	name string
	in   []byte
	st   Status
	off  int
	// want holds the fields checked when st is OK or Truncated; Offset
	// and End are checked through off and end.
	want Header
	end  int
}

func (c parseCase) check(t *testing.T, h *Header, off int, st Status) {
	t.Helper()
	if st != c.st || off != c.off {
		t.Fatalf("Parse = (%d, %v), want (%d, %v)", off, st, c.off, c.st)
	}
	if st.Malformed() {
		return
	}
	got := *h
	got.Offset, got.End = 0, 0
	if got != c.want {
		t.Errorf("header mismatch\n got %+v\nwant %+v", got, c.want)
	}
	if h.Offset != c.off {
		t.Errorf("h.Offset = %d, want %d", h.Offset, c.off)
	}
	if h.End != c.end {
		t.Errorf("h.End = %d, want %d", h.End, c.end)
	}
}

func exts(ts ...ExtensionType) (a [MaxExtensions]ExtensionType) {
	copy(a[:], ts)
	return a
}

var (
	pscDL      = ext{ExtPDUSessionContainer, []byte{0x00, 0xc9}}                // DL, PPP+RQI, QFI 9
	pscDLPPI   = ext{ExtPDUSessionContainer, []byte{0x00, 0x85, 0xa0, 0, 0, 0}} // DL, PPP, QFI 5, PPI 5
	pscUL      = ext{ExtPDUSessionContainer, []byte{0x10, 0x06}}                // UL, QFI 6
	udpPortExt = ext{ExtUDPPort, []byte{0x08, 0x68}}                            // port 2152
)

func parseCases() []parseCase {
	long := make([]ext, 10)
	for i := range long {
		long[i] = ext{ExtensionType(0x20 + i), []byte{byte(i), 0}}
	}
	gpduPlain := msg{typ: GPDU, teid: 0x12808fb8, body: innerV6}.bytes()
	return []parseCase{
		{
			name: "G-PDU no options, inner IPv6",
			in:   gpduPlain, st: OK, off: 8, end: len(gpduPlain),
			want: Header{Version: 1, PT: true, Type: GPDU, Length: 40, TEID: 0x12808fb8},
		},
		{
			name: "G-PDU with sequence number",
			in:   msg{flags: flagS, typ: GPDU, teid: 1, seq: 0x0102, body: innerV4}.bytes(), st: OK, off: 12, end: 32,
			want: Header{Version: 1, PT: true, S: true, Type: GPDU, Length: 24, TEID: 1, Seq: 0x0102},
		},
		{
			name: "G-PDU with N-PDU number",
			in:   msg{flags: flagPN, typ: GPDU, teid: 2, npdu: 7, body: innerV4}.bytes(), st: OK, off: 12, end: 32,
			want: Header{Version: 1, PT: true, PN: true, Type: GPDU, Length: 24, TEID: 2, NPDU: 7},
		},
		{
			name: "G-PDU with DL PDU Session Container",
			in:   msg{typ: GPDU, teid: 3, exts: []ext{pscDL}, body: innerV4}.bytes(), st: OK, off: 16, end: 36,
			want: Header{Version: 1, PT: true, E: true, Type: GPDU, Length: 28, TEID: 3,
				Extensions: exts(ExtPDUSessionContainer), NumExtensions: 1,
				PDUSession: PDUSession{Present: true, PDUType: PDUTypeDL, QFI: 9, RQI: true, PPP: true}},
		},
		{
			name: "G-PDU with DL PDU Session Container and PPI",
			in:   msg{typ: GPDU, teid: 3, exts: []ext{pscDLPPI}, body: innerV4}.bytes(), st: OK, off: 20, end: 40,
			want: Header{Version: 1, PT: true, E: true, Type: GPDU, Length: 32, TEID: 3,
				Extensions: exts(ExtPDUSessionContainer), NumExtensions: 1,
				PDUSession: PDUSession{Present: true, PDUType: PDUTypeDL, QFI: 5, PPP: true, PPI: 5}},
		},
		{
			name: "G-PDU with UL PDU Session Container (no RQI/PPP for UL)",
			in:   msg{typ: GPDU, teid: 4, exts: []ext{{ExtPDUSessionContainer, []byte{0x10, 0xc6}}}, body: innerV4}.bytes(), st: OK, off: 16, end: 36,
			want: Header{Version: 1, PT: true, E: true, Type: GPDU, Length: 28, TEID: 4,
				Extensions: exts(ExtPDUSessionContainer), NumExtensions: 1,
				PDUSession: PDUSession{Present: true, PDUType: PDUTypeUL, QFI: 6}},
		},
		{
			name: "chain UDP Port then PDU Session Container",
			in:   msg{flags: flagS, typ: GPDU, teid: 5, seq: 9, exts: []ext{udpPortExt, pscUL}, body: innerV4}.bytes(), st: OK, off: 20, end: 40,
			want: Header{Version: 1, PT: true, E: true, S: true, Type: GPDU, Length: 32, TEID: 5, Seq: 9,
				Extensions: exts(ExtUDPPort, ExtPDUSessionContainer), NumExtensions: 2,
				PDUSession: PDUSession{Present: true, PDUType: PDUTypeUL, QFI: 6}},
		},
		{
			name: "ten extension headers: eight recorded, ten counted",
			in:   msg{typ: GPDU, teid: 6, exts: long, body: innerV4}.bytes(), st: OK, off: 52, end: 72,
			want: Header{Version: 1, PT: true, E: true, Type: GPDU, Length: 64, TEID: 6,
				Extensions: exts(0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27), NumExtensions: 10},
		},
		{
			name: "S set, E clear: next-type octet ignored",
			in:   []byte{0x32, 0xff, 0, 4, 0, 0, 0, 1, 0, 5, 0, 0x85},
			st:   OK, off: 12, end: 12,
			want: Header{Version: 1, PT: true, S: true, Type: GPDU, Length: 4, TEID: 1, Seq: 5},
		},
		{
			name: "echo request (GTPv1-C style, S flag)",
			in:   []byte{0x32, 0x01, 0, 4, 0, 0, 0, 0, 0x0c, 0, 0, 0},
			st:   OK, off: 12, end: 12,
			want: Header{Version: 1, PT: true, S: true, Type: EchoRequest, Length: 4, Seq: 0x0c00},
		},
		{
			name: "end marker",
			in:   msg{typ: EndMarker, teid: 0xabcd}.bytes(), st: OK, off: 8, end: 8,
			want: Header{Version: 1, PT: true, Type: EndMarker, TEID: 0xabcd},
		},
		{
			name: "create PDP context request header",
			in:   msg{flags: flagS, typ: CreatePDPContextRequest, seq: 0x130b, body: []byte{0x02, 1, 2, 3, 4, 5, 6, 7, 8}}.bytes(), st: OK, off: 12, end: 21,
			want: Header{Version: 1, PT: true, S: true, Type: CreatePDPContextRequest, Length: 13, Seq: 0x130b},
		},
		{
			name: "empty", in: nil, st: Truncated,
		},
		{
			name: "shorter than the mandatory header", in: gpduPlain[:7], st: Truncated,
			want: Header{Version: 1, PT: true},
		},
		{
			name: "payload cut by snap length",
			in:   gpduPlain[:20], st: Truncated, off: 8, end: 20,
			want: Header{Version: 1, PT: true, Type: GPDU, Length: 40, TEID: 0x12808fb8},
		},
		{
			name: "extension header cut by snap length",
			in:   msg{typ: GPDU, teid: 7, exts: []ext{pscDLPPI}, body: innerV4, cut: 14}.bytes(), st: Truncated,
			want: Header{Version: 1, PT: true, E: true, Type: GPDU, Length: 32, TEID: 7},
			end:  14,
		},
		{
			name: "optional fields cut", in: msg{flags: flagS, typ: GPDU, body: innerV4, cut: 10}.bytes(), st: Truncated,
			want: Header{Version: 1, PT: true, S: true, Type: GPDU, Length: 24},
			end:  10,
		},
		{
			name: "extension length zero",
			in:   []byte{0x34, 0xff, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0x85, 0, 0x10, 0x06, 0},
			st:   BadExtension,
		},
		{
			name: "extension runs past the message length",
			in:   []byte{0x34, 0xff, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0x85, 2, 0x10, 0x06, 0, 0, 0, 0, 0},
			st:   BadLength,
		},
		{
			name: "flags announce optional fields, length too small",
			in:   msg{flags: flagS, typ: GPDU, length: 2}.bytes(), st: BadLength,
		},
		{name: "GTPv2 version", in: []byte{0x48, 0x20, 0, 8, 0, 0, 0, 0, 0, 0, 1, 0}, st: BadVersion},
		{name: "GTP' version 0", in: msg{version: 8, typ: EchoRequest}.bytes()[:8], st: BadVersion},
		{name: "PT clear (GTP')", in: msg{noPT: true, typ: EchoRequest}.bytes(), st: NotGTP},
	}
}

func TestParse(t *testing.T) {
	for _, c := range parseCases() {
		t.Run(c.name, func(t *testing.T) {
			var h Header
			off, st := Parse(c.in, &h)
			c.check(t, &h, off, st)
		})
	}
}

// TestParseReuse parses every case into a Header already holding every
// other case, and checks the result equals a fresh parse: nothing (QFI,
// extension list, sequence number) survives from the previous packet.
func TestParseReuse(t *testing.T) {
	cases := parseCases()
	for _, a := range cases {
		for _, b := range cases {
			var fresh, reused Header
			offF, stF := Parse(b.in, &fresh)
			Parse(a.in, &reused)
			offR, stR := Parse(b.in, &reused)
			if offF != offR || stF != stR || fresh != reused {
				t.Errorf("%q after %q:\n got %+v (%d %v)\nwant %+v (%d %v)", b.name, a.name, reused, offR, stR, fresh, offF, stF)
			}
		}
	}
	// The case the brief names: a PDU Session Container then none.
	var h Header
	Parse(msg{typ: GPDU, teid: 3, exts: []ext{pscDL}, body: innerV4}.bytes(), &h)
	Parse(msg{typ: GPDU, teid: 3, body: innerV4}.bytes(), &h)
	if h.PDUSession.Present || h.PDUSession.QFI != 0 || h.NumExtensions != 0 {
		t.Errorf("QFI kept across packets: %+v", h)
	}
}

func TestInner(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		ver  uint8
		n    int
	}{
		{"v4", msg{typ: GPDU, body: innerV4}.bytes(), 4, len(innerV4)},
		{"v6 after extensions", msg{typ: GPDU, exts: []ext{pscUL}, body: innerV6}.bytes(), 6, len(innerV6)},
		{"cut inner", msg{typ: GPDU, body: innerV4, cut: 12}.bytes(), 4, 4},
		{"echo has no inner", msg{typ: EchoRequest, body: []byte{14, 0}}.bytes(), 0, 0},
		{"empty G-PDU", msg{typ: GPDU}.bytes(), 0, 0},
		{"not IP", msg{typ: GPDU, body: []byte{0x11, 0x22}}.bytes(), 0, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var h Header
			Parse(tc.in, &h)
			if got := h.InnerIPVersion(tc.in); got != tc.ver {
				t.Errorf("InnerIPVersion = %d, want %d", got, tc.ver)
			}
			if got := len(h.Inner(tc.in)); got != tc.n {
				t.Errorf("len(Inner) = %d, want %d", got, tc.n)
			}
		})
	}
}

func TestNames(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{GPDU.String(), "G-PDU"},
		{EndMarker.String(), "End Marker"},
		{ErrorIndication.String(), "Error Indication"},
		{SupportedExtensionHeaders.String(), "Supported Extension Headers Notification"},
		{CreatePDPContextResponse.String(), "Create PDP Context Response"},
		{DeletePDPContextRequest.String(), "Delete PDP Context Request"},
		{MessageType(99).String(), "GTPv1(99)"},
		{ExtPDUSessionContainer.String(), "PDU Session Container"},
		{ExtensionType(0x99).String(), "Extension(0x99)"},
		{BadExtension.Error(), "gtpu: bad extension header"},
		{Status(200).String(), "gtpu: unknown status"},
		{fmt.Sprint(GPDU.UserPlane(), CreatePDPContextRequest.UserPlane()), "true false"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestParseAllocs(t *testing.T) {
	b := msg{flags: flagS, typ: GPDU, teid: 5, exts: []ext{udpPortExt, pscDL}, body: innerV4}.bytes()
	var h Header
	if n := testing.AllocsPerRun(100, func() { Parse(b, &h) }); n != 0 {
		t.Errorf("Parse allocates %v times", n)
	}
}

// TestEndUserAddress reads the PDP types of TS 29.060 7.7.27.
func TestEndUserAddress(t *testing.T) {
	v6 := netip.MustParseAddr("2001:db8::1")
	tests := []struct {
		name   string
		v      []byte
		v4, v6 string
		ok     bool
	}{
		{"ipv4", []byte{0xf1, 0x21, 10, 0, 0, 1}, "10.0.0.1", "", true},
		{"ipv4 dynamic", []byte{0xf1, 0x21}, "", "", true},
		{"ipv6", append([]byte{0xf1, 0x57}, v6.AsSlice()...), "", "2001:db8::1", true},
		{"ipv4v6", append([]byte{0xf1, 0x8d, 10, 0, 0, 2}, v6.AsSlice()...), "10.0.0.2", "2001:db8::1", true},
		{"ipv4v6 dynamic", []byte{0xf1, 0x8d}, "", "", true},
		{"ppp (ETSI)", []byte{0xf0, 0x01}, "", "", false},
		{"ipv4 bad length", []byte{0xf1, 0x21, 10, 0, 0}, "", "", false},
		{"short", []byte{0xf1}, "", "", false},
	}
	str := func(a netip.Addr) string {
		if !a.IsValid() {
			return ""
		}
		return a.String()
	}
	for _, tt := range tests {
		a4, a6, ok := EndUserAddress(tt.v)
		if ok != tt.ok || str(a4) != tt.v4 || str(a6) != tt.v6 {
			t.Errorf("%s: %v %v %v, want %q %q %v", tt.name, a4, a6, ok, tt.v4, tt.v6, tt.ok)
		}
	}
}
