package gtpu

import (
	"net/netip"
	"testing"
)

func TestErrorIndication(t *testing.T) {
	teidIE := []byte{byte(IETEIDDataI), 0xde, 0xad, 0xbe, 0xef}
	gsn4 := []byte{byte(IEGSNAddress), 0, 4, 192, 0, 2, 7}
	gsn6 := append([]byte{byte(IEGSNAddress), 0, 16}, netip.MustParseAddr("2001:db8::7").AsSlice()...)
	recovery := []byte{byte(IERecovery), 3}
	priv := []byte{byte(IEPrivateExtension), 0, 3, 0, 10, 0x55}
	cat := func(parts ...[]byte) (b []byte) {
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	tests := []struct {
		name string
		in   []byte
		st   Status
		want ErrorIndicationInfo
	}{
		{
			name: "TEID and IPv4 GSN address",
			in:   msg{typ: ErrorIndication, body: cat(teidIE, gsn4)}.bytes(),
			want: ErrorIndicationInfo{TEID: 0xdeadbeef, HasTEID: true, Peer: netip.MustParseAddr("192.0.2.7")},
		},
		{
			name: "IPv6 GSN address, recovery and private extension, UDP Port extension header",
			in:   msg{flags: flagS, typ: ErrorIndication, exts: []ext{udpPortExt}, body: cat(recovery, teidIE, gsn6, priv)}.bytes(),
			want: ErrorIndicationInfo{TEID: 0xdeadbeef, HasTEID: true, Peer: netip.MustParseAddr("2001:db8::7"), UDPPort: 2152},
		},
		{
			name: "GSN address of bad length",
			in:   msg{typ: ErrorIndication, body: cat(teidIE, []byte{byte(IEGSNAddress), 0, 3, 1, 2, 3})}.bytes(),
			st:   BadIE,
			want: ErrorIndicationInfo{TEID: 0xdeadbeef, HasTEID: true},
		},
		{
			name: "unknown TV element cannot be skipped",
			in:   msg{typ: ErrorIndication, body: cat([]byte{100, 1, 2}, teidIE)}.bytes(),
			st:   BadIE,
		},
		{
			name: "TLV element runs past the message",
			in:   msg{typ: ErrorIndication, body: cat(teidIE, []byte{byte(IEGSNAddress), 0, 9, 1})}.bytes(),
			st:   BadIE,
			want: ErrorIndicationInfo{TEID: 0xdeadbeef, HasTEID: true},
		},
		{
			name: "cut by snap length",
			in:   msg{typ: ErrorIndication, body: cat(teidIE, gsn4), cut: 15}.bytes(),
			st:   Truncated,
			want: ErrorIndicationInfo{TEID: 0xdeadbeef, HasTEID: true},
		},
	}
	var e ErrorIndicationInfo
	e.UDPPort = 99 // must be reset
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var h Header
			if _, st := Parse(tc.in, &h); st.Malformed() {
				t.Fatalf("Parse: %v", st)
			}
			st := ParseErrorIndication(tc.in, &h, &e)
			if st != tc.st {
				t.Errorf("status %v, want %v", st, tc.st)
			}
			if e != tc.want {
				t.Errorf("got %+v, want %+v", e, tc.want)
			}
		})
	}
}

func TestIEIter(t *testing.T) {
	body := []byte{byte(IERecovery), 7, byte(IEPrivateExtension), 0, 2, 0xaa, 0xbb, byte(IETEIDDataI), 0, 0, 0, 1, 0x7f}
	it := IEs(body)
	var types []IEType
	var lens []int
	for it.Next() {
		types = append(types, it.IE().Type)
		lens = append(lens, len(it.IE().Value))
	}
	if it.Err() != BadIE || it.Offset() != 12 {
		t.Errorf("Err = %v at %d, want BadIE at 12 (truncated Charging ID)", it.Err(), it.Offset())
	}
	if len(types) != 3 || types[0] != IERecovery || types[1] != IEPrivateExtension || types[2] != IETEIDDataI ||
		lens[0] != 1 || lens[1] != 2 || lens[2] != 4 {
		t.Errorf("walked %v %v", types, lens)
	}
	empty := IEs(nil)
	if empty.Next() || empty.Err() != nil {
		t.Error("empty iterator")
	}
}
