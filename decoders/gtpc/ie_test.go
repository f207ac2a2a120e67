package gtpc

import (
	"fmt"
	"net/netip"
	"reflect"
	"testing"
)

// first returns the first element of raw IE bytes.
func first(t *testing.T, b []byte) IE {
	t.Helper()
	it := IEs(b)
	if !it.Next() {
		t.Fatalf("no element in % x: %v", b, it.Err())
	}
	return it.IE()
}

func TestDigits(t *testing.T) {
	tests := []struct {
		name string
		ie   []byte
		want string
		ok   bool
	}{
		{"IMSI 15 digits, odd, filler", imsiIE, "123456789012345", true},
		{"IMSI 14 digits, even", mkIE(IEIMSI, 0, 0x21, 0x43, 0x65, 0x87, 0x09, 0x21, 0x43), "12345678901234", true},
		{"IMSI from nDPI capture", mkIE(IEIMSI, 0, 0x89, 0x67, 0x45, 0x11, 0x22, 0x33, 0x44, 0xf5), "987654112233445", true},
		{"IMSI filler in the middle", mkIE(IEIMSI, 0, 0x21, 0xf3, 0x65), "123", false},
		{"IMSI low-nibble filler", mkIE(IEIMSI, 0, 0x21, 0x3f), "12", false},
		{"IMSI non-decimal digit", mkIE(IEIMSI, 0, 0x21, 0x4a), "12*4", false},
		{"IMSI empty", mkIE(IEIMSI, 0), "", true},
		{"IMSI too long", mkIE(IEIMSI, 0, make([]byte, 17)...), "00000000000000000000000000000000", false},
		{"MSISDN", msisdnIE, "4917250303", true},
		{"MEI 16 digits", mkIE(IEMEI, 0, 0x53, 0x61, 0x10, 0x70, 0x52, 0x34, 0x87, 0x60), "3516010725437806", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ie := first(t, tc.ie)
			var d Digits
			var ok bool
			switch ie.Type {
			case IEIMSI:
				ok = ie.IMSI(&d)
			case IEMSISDN:
				ok = ie.MSISDN(&d)
			case IEMEI:
				ok = ie.MEI(&d)
			}
			if d.String() != tc.want || ok != tc.ok || d.Len() != len(tc.want) {
				t.Errorf("got %q %v, want %q %v", d.String(), ok, tc.want, tc.ok)
			}
			if string(d.AppendTo([]byte("x:"))) != "x:"+tc.want {
				t.Errorf("AppendTo")
			}
		})
	}
	var d Digits
	d.n = 3
	if ie := first(t, msisdnIE); ie.IMSI(&d) || d.Len() != 0 {
		t.Error("IMSI accepted an MSISDN element or kept old digits")
	}
}

func TestFTEID(t *testing.T) {
	tests := []struct {
		name string
		v    []byte
		want FTEID
		ok   bool
	}{
		{"v4", fteidV(10, 0x01020304, "127.0.0.2", ""), FTEID{Interface: 10, TEID: 0x01020304, IPv4: netip.MustParseAddr("127.0.0.2")}, true},
		{"v6", fteidV(1, 7, "", "2001:db8::5"), FTEID{Interface: 1, TEID: 7, IPv6: netip.MustParseAddr("2001:db8::5")}, true},
		{"v4 and v6", fteidV(7, 0, "127.0.0.2", "::1"), FTEID{Interface: 7, IPv4: netip.MustParseAddr("127.0.0.2"), IPv6: netip.MustParseAddr("::1")}, true},
		{"no address", fteidV(5, 9, "", ""), FTEID{Interface: 5, TEID: 9}, true},
		{"v6 flag, address cut", fteidV(1, 7, "", "2001:db8::5")[:12], FTEID{Interface: 1, TEID: 7}, false},
		{"too short for TEID", []byte{0x80, 1, 2}, FTEID{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := first(t, mkIE(IEFTEID, 1, tc.v...)).FTEID()
			if got != tc.want || ok != tc.ok {
				t.Errorf("got %+v %v, want %+v %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	if _, ok := first(t, imsiIE).FTEID(); ok {
		t.Error("FTEID accepted an IMSI")
	}
	if s := InterfaceType(10).String(); s != "S11 MME GTP-C" {
		t.Error(s)
	}
	if s := InterfaceType(60).String(); s != "interface(60)" {
		t.Error(s)
	}
}

func TestPAA(t *testing.T) {
	v6 := netip.MustParseAddr("2001:db8:1::")
	tests := []struct {
		name string
		v    []byte
		want PAA
		ok   bool
	}{
		{"v4", []byte{1, 33, 23, 23, 1}, PAA{Type: PDNIPv4, IPv4: netip.MustParseAddr("33.23.23.1")}, true},
		{"v6", cat([]byte{2, 64}, v6.AsSlice()), PAA{Type: PDNIPv6, IPv6: v6, PrefixLen: 64}, true},
		{"v4v6", cat([]byte{3, 64}, v6.AsSlice(), []byte{10, 45, 0, 2}), PAA{Type: PDNIPv4v6, IPv6: v6, PrefixLen: 64, IPv4: netip.MustParseAddr("10.45.0.2")}, true},
		{"v4v6 cut", cat([]byte{3, 64}, v6.AsSlice()), PAA{Type: PDNIPv4v6}, false},
		{"v4 cut", []byte{1, 10}, PAA{Type: PDNIPv4}, false},
		{"non-IP", []byte{4}, PAA{Type: PDNNonIP}, true},
		{"spare bits ignored", []byte{0xf9, 1, 2, 3, 4}, PAA{Type: PDNIPv4, IPv4: netip.MustParseAddr("1.2.3.4")}, true},
		{"empty", nil, PAA{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := first(t, mkIE(IEPAA, 0, tc.v...)).PAA()
			if got != tc.want || ok != tc.ok {
				t.Errorf("got %+v %v, want %+v %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	if PDNIPv4v6.String() != "IPv4v6" || PDNType(7).String() != "PDN(7)" {
		t.Error("PDN names")
	}
}

func TestCause(t *testing.T) {
	tests := []struct {
		name string
		v    []byte
		want Cause
		ok   bool
	}{
		{"accepted", []byte{16, 0}, Cause{Value: CauseRequestAccepted}, true},
		{"flags", []byte{64, 0x07}, Cause{Value: CauseContextNotFound, PCE: true, BCE: true, CS: true}, true},
		{"offending IE", []byte{70, 0, 87, 0, 0, 1}, Cause{Value: CauseMandatoryIEMissing, HasOffending: true, OffendingType: IEFTEID, OffendingInstance: 1}, true},
		{"one octet", []byte{72}, Cause{Value: CauseSystemFailure}, true},
		{"empty", nil, Cause{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := first(t, mkIE(IECause, 0, tc.v...)).Cause()
			if got != tc.want || ok != tc.ok {
				t.Errorf("got %+v %v, want %+v %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	names := fmt.Sprint(CauseValue(16), "|", CauseValue(64), "|", CauseValue(250), "|", CauseValue(17).Accepted(), CauseValue(64).Accepted())
	if names != "Request accepted|Context Not Found|cause(250)|true false" {
		t.Error(names)
	}
}

func TestAPN(t *testing.T) {
	tests := []struct {
		name string
		v    []byte
		want string
		ok   bool
	}{
		{"one label", []byte{8, 'i', 'n', 't', 'e', 'r', 'n', 'e', 't'}, "internet", true},
		{"three labels", cat([]byte{4}, []byte("ims1"), []byte{6}, []byte("mnc001"), []byte{4}, []byte("gprs")), "ims1.mnc001.gprs", true},
		{"label runs past the end", []byte{9, 'a', 'b'}, "", false},
		{"empty label", []byte{1, 'a', 0}, "a", false},
		{"empty", nil, "", true},
		{"too long", cat([]byte{63}, make([]byte, 63), []byte{63}, make([]byte, 63)), string(make([]byte, 63)), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var a APN
			ok := first(t, mkIE(IEAPN, 0, tc.v...)).APN(&a)
			if a.String() != tc.want || ok != tc.ok || a.Len() != len(tc.want) {
				t.Errorf("got %q %v, want %q %v", a.String(), ok, tc.want, tc.ok)
			}
		})
	}
}

func TestSmallIEs(t *testing.T) {
	if v, ok := first(t, mkIE(IEEBI, 0, 0xf5)).EBI(); v != 5 || !ok {
		t.Errorf("EBI %d %v", v, ok)
	}
	if _, ok := first(t, mkIE(IEEBI, 0)).EBI(); ok {
		t.Error("empty EBI accepted")
	}
	if v, ok := first(t, ratIE).RATType(); v != RATEUTRAN || !ok || v.String() != "EUTRAN" {
		t.Errorf("RAT %v %v", v, ok)
	}
	if RATType(10).String() != "NR" || RATType(99).String() != "RAT(99)" {
		t.Error("RAT names")
	}
	if v, ok := first(t, recovIE).Recovery(); v != 5 || !ok {
		t.Errorf("Recovery %d %v", v, ok)
	}
	if v, ok := first(t, mkIE(IEChargingID, 0, 0, 0, 1, 2)).ChargingID(); v != 0x102 || !ok {
		t.Errorf("ChargingID %d %v", v, ok)
	}
	id, val, ok := first(t, mkIE(IEPrivateExtension, 0, 0x48, 0xf9, 0xaa)).EnterpriseID()
	if id != 18681 || len(val) != 1 || val[0] != 0xaa || !ok {
		t.Errorf("EnterpriseID %d % x %v", id, val, ok)
	}
	if _, _, ok := first(t, mkIE(IEPrivateExtension, 0, 0x48)).EnterpriseID(); ok {
		t.Error("short private extension accepted")
	}
	ie := first(t, mkIE(200, 0xf3, 1, 2, 3))
	if ie.Type != 200 || ie.Instance != 3 || ie.Length() != 3 || ie.Type.String() != "IE(200)" || ie.Grouped() {
		t.Errorf("unknown IE kept raw: %+v", ie)
	}
	if IEBearerContext.String() != "Bearer Context" || !IEBearerContext.Grouped() {
		t.Error("Bearer Context names")
	}
}

func TestIEIter(t *testing.T) {
	tests := []struct {
		name   string
		in     []byte
		types  []IEType
		st     Status
		errOff int
	}{
		{"three elements", cat(imsiIE, ratIE, recovIE), []IEType{IEIMSI, IERATType, IERecovery}, OK, 0},
		{"empty", nil, nil, OK, 0},
		{"second element's length runs past", cat(ratIE, mkIE(IEAPN, 0, 1, 2, 3)[:6]), []IEType{IERATType}, BadIELength, 5},
		{"three stray bytes", cat(recovIE, []byte{1, 0, 0}), []IEType{IERecovery}, BadIELength, 5},
		{"zero-length element", cat(mkIE(IEIndication, 0), ratIE), []IEType{IEIndication, IERATType}, OK, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			it := IEs(tc.in)
			var got []IEType
			for it.Next() {
				got = append(got, it.Type())
				if it.IE().Instance != it.Instance() || len(it.Value()) != it.IE().Length() {
					t.Error("accessors disagree")
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.types) || it.Status() != tc.st || (tc.st != OK && it.ErrOffset() != tc.errOff) {
				t.Errorf("got %v %v@%d, want %v %v@%d", got, it.Status(), it.ErrOffset(), tc.types, tc.st, tc.errOff)
			}
			if it.Next() {
				t.Error("Next after the end")
			}
			if (it.Err() == nil) != (tc.st == OK) {
				t.Error("Err disagrees with Status")
			}
		})
	}
}

func TestBearerContext(t *testing.T) {
	resp := mkGroup(IEBearerContext, 0,
		mkIE(IEEBI, 0, 5),
		mkIE(IECause, 0, 16, 0),
		mkIE(IEFTEID, 0, fteidV(1, 0x11, "10.0.0.1", "")...),
		mkIE(IEFTEID, 2, fteidV(5, 0x22, "10.0.0.2", "2001:db8::2")...),
		mkIE(IEChargingID, 0, 0, 0, 0, 9),
		mkIE(222, 0, 1), // unknown, skipped
	)
	tests := []struct {
		name string
		in   []byte
		want BearerContext
		err  error
	}{
		{
			name: "create session response bearer",
			in:   resp,
			want: BearerContext{EBI: 5, HasEBI: true, NumFTEIDs: 2, Cause: Cause{Value: 16}, HasCause: true, ChargingID: 9, HasChargingID: true,
				FTEIDs: [MaxBearerFTEIDs]InstanceFTEID{
					{FTEID{Interface: 1, TEID: 0x11, IPv4: netip.MustParseAddr("10.0.0.1")}, 0},
					{FTEID{Interface: 5, TEID: 0x22, IPv4: netip.MustParseAddr("10.0.0.2"), IPv6: netip.MustParseAddr("2001:db8::2")}, 2},
				}},
		},
		{
			name: "request bearer with QoS",
			in:   bearerReq,
			want: BearerContext{EBI: 5, HasEBI: true, NumFTEIDs: 1,
				FTEIDs: [MaxBearerFTEIDs]InstanceFTEID{{FTEID{Interface: 4, TEID: 0x2222, IPv4: netip.MustParseAddr("192.0.2.1")}, 2}}},
		},
		{
			name: "member runs past the group",
			in:   mkGroup(IEBearerContext, 0, mkIE(IEEBI, 0, 6), []byte{byte(IEFTEID), 0, 40, 0, 1}),
			want: BearerContext{EBI: 6, HasEBI: true},
			err:  BadIELength,
		},
		{
			name: "not a bearer context",
			in:   imsiIE,
			err:  errNotBearerContext,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var bc BearerContext
			bc.NumFTEIDs = 3
			err := first(t, tc.in).BearerContext(&bc)
			qos := bc.QoS
			bc.QoS = nil
			if !reflect.DeepEqual(bc, tc.want) || err != tc.err {
				t.Errorf("got %+v %v\nwant %+v %v", bc, err, tc.want, tc.err)
			}
			if tc.name == "request bearer with QoS" && len(qos) != 22 {
				t.Errorf("QoS %d bytes", len(qos))
			}
			if len(bc.Stored()) != int(bc.NumFTEIDs) {
				t.Error("Stored")
			}
		})
	}
}

func TestGroupOffsets(t *testing.T) {
	b := cat(ratIE, bearerReq)
	it := IEs(b)
	it.Next()
	it.Next()
	g := it.IE().Group()
	want := []int{len(ratIE) + 4, len(ratIE) + 4 + 5}
	for i := 0; g.Next(); i++ {
		if i < len(want) && g.IE().Offset != want[i] {
			t.Errorf("member %d at %d, want %d", i, g.IE().Offset, want[i])
		}
		if b[g.IE().Offset] != byte(g.Type()) {
			t.Errorf("offset %d does not point at the element", g.IE().Offset)
		}
	}
}
