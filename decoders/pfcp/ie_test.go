package pfcp

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// ieDump walks b and renders every IE (groups indented) and the final
// error, so tests compare one readable string.
func ieDump(b []byte) string {
	var sb strings.Builder
	var walk func(it *IEIterator, depth int)
	walk = func(it *IEIterator, depth int) {
		for it.Next() {
			ie := it.IE()
			if ie.Type != it.Type() || ie.Length != it.Length() || ie.EnterpriseID != it.EnterpriseID() || len(ie.Value) != len(it.Value()) {
				sb.WriteString("accessor mismatch\n")
			}
			fmt.Fprintf(&sb, "%s%d@%d len=%d", strings.Repeat("  ", depth), ie.Type, ie.Offset, ie.Length)
			if ie.IsVendor() {
				fmt.Fprintf(&sb, " ent=%d", ie.EnterpriseID)
			}
			fmt.Fprintf(&sb, " v=%x\n", ie.Value)
			if ie.IsGrouped() {
				g := it.Group()
				walk(&g, depth+1)
			}
		}
		if err := it.Err(); err != nil {
			fmt.Fprintf(&sb, "%serr=%v@%d\n", strings.Repeat("  ", depth), err, it.ErrOffset())
		}
	}
	it := NewIEIterator(b)
	walk(&it, 0)
	return sb.String()
}

func TestIEIterator(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty body", nil, ""},
		{"two plain IEs", cat(mkIE(IECause, []byte{1}), mkIE(IEPDRID, be16(7))),
			"19@0 len=1 v=01\n56@5 len=2 v=0007\n"},
		{"zero-length IE", cat(mkIE(IENetworkInstance), mkIE(IECause, []byte{64})),
			"22@0 len=0 v=\n19@4 len=1 v=40\n"},
		{"vendor Travelping and BBF", cat(mkVendorIE(32770, 18681, []byte{0xaa}), mkVendorIE(32769, 3561, nil)),
			"32770@0 len=3 ent=18681 v=aa\n32769@7 len=2 ent=3561 v=\n"},
		{"unknown type kept raw", mkIE(4000, []byte{1, 2, 3}), "4000@0 len=3 v=010203\n"},
		{"vendor IE too short for enterprise id", cat(mkIE(IECause, []byte{1}), []byte{0x80, 0x01, 0x00, 0x01, 0x48}),
			"19@0 len=1 v=01\nerr=" + ErrVendorIE.Error() + "@5\n"},
		{"IE header cut", cat(mkIE(IECause, []byte{1}), []byte{0x00, 0x13, 0x00}),
			"19@0 len=1 v=01\nerr=" + ErrIETruncated.Error() + "@5\n"},
		{"IE value past end", cat(mkIE(IECause, []byte{1}), []byte{0x00, 0x39, 0x00, 0x19, 0x02}),
			"19@0 len=1 v=01\nerr=" + ErrIETruncated.Error() + "@5\n"},
		{"grouped IE offsets are absolute",
			cat(mkIE(IECause, []byte{1}), mkIE(IECreatePDR, mkIE(IEPDRID, be16(1)), mkIE(IEPDI, mkIE(IESourceInterface, []byte{0})))),
			"19@0 len=1 v=01\n1@5 len=15 v=003800020001000200050014000100\n  56@9 len=2 v=0001\n  2@15 len=5 v=0014000100\n    20@19 len=1 v=00\n"},
		{"error inside a group keeps outer walk going",
			cat(mkIE(IECreateFAR, mkIE(IEFARID, be32(1)), []byte{0, 44, 0, 9}), mkIE(IECause, []byte{1})),
			"3@0 len=12 v=006c000400000001002c0009\n  108@4 len=4 v=00000001\n  err=" + ErrIETruncated.Error() + "@12\n19@16 len=1 v=01\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ieDump(tc.b); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestIEIteratorStickyError(t *testing.T) {
	it := NewIEIterator([]byte{0, 19, 0, 5, 1})
	if it.Next() {
		t.Fatal("Next on a truncated IE returned true")
	}
	if !errors.Is(it.Err(), ErrIETruncated) || it.ErrOffset() != 0 {
		t.Fatalf("err = %v at %d", it.Err(), it.ErrOffset())
	}
	if it.Next() || it.Err() == nil {
		t.Fatal("error not sticky")
	}
	if it.IE().Type != 0 || it.IE().Value != nil {
		t.Errorf("current IE not cleared after error: %+v", it.IE())
	}
}

func TestGroupDepthLimit(t *testing.T) {
	// Nest Create PDR in itself MaxDepth+2 times.
	b := mkIE(IECause, []byte{1})
	for i := 0; i < MaxDepth+2; i++ {
		b = mkIE(IECreatePDR, b)
	}
	var s Summary
	Summarize(mkSessionMsg(0, SessionEstablishmentRequest, 0, 1, 0, b), &s)
	if !s.Malformed || s.Err != ErrTooDeep {
		t.Fatalf("Malformed=%v Err=%v, want ErrTooDeep", s.Malformed, s.Err)
	}
	// The IE refused is the one at depth MaxDepth: 4 bytes of header each level, after the 16-byte message header.
	if want := 16 + 4*MaxDepth; s.ErrOffset != want {
		t.Errorf("ErrOffset = %d, want %d", s.ErrOffset, want)
	}
}

func TestIETypeString(t *testing.T) {
	tests := []struct {
		t    IEType
		want string
	}{
		{IECreatePDR, "Create PDR"},
		{IEPDI, "PDI"},
		{IEFSEID, "F-SEID"},
		{IEFTEID, "F-TEID"},
		{IENodeID, "Node ID"},
		{IEUEIPAddress, "UE IP Address"},
		{IERecoveryTimeStamp, "Recovery Time Stamp"},
		{IEAPNDNN, "APN/DNN"},
		{200, "TSC Management Information (Session Modification Response)"},
		{0, "IE(0)"},
		{4000, "IE(4000)"},
		{32770, "IE(32770)"},
	}
	for _, tc := range tests {
		if got := tc.t.String(); got != tc.want {
			t.Errorf("IEType(%d).String() = %q, want %q", tc.t, got, tc.want)
		}
	}
	// Every type from 1 to 200 has a name.
	for i := IEType(1); i <= 200; i++ {
		if strings.HasPrefix(i.String(), "IE(") {
			t.Errorf("IE type %d has no name", i)
		}
	}
}

func TestIETypeIsGrouped(t *testing.T) {
	grouped := []IEType{IECreatePDR, IEPDI, IECreateFAR, IEForwardingParameters, IECreateURR, IECreateQER,
		IECreatedPDR, IEUpdatePDR, IEUpdateFAR, IELoadControlInformation, IEOverloadControlInformation,
		IECreateBAR, IECreateTrafficEndpoint, IECreatedTrafficEndpoint, 78, 79, 80}
	plain := []IEType{IECause, IEFSEID, IEFTEID, IENodeID, IEUEIPAddress, IEApplyAction, IEPDRID, 194, 4000, 32768}
	for _, g := range grouped {
		if !g.IsGrouped() {
			t.Errorf("%v not grouped", g)
		}
	}
	for _, p := range plain {
		if p.IsGrouped() {
			t.Errorf("%v grouped", p)
		}
	}
	if !IEType(32768).IsVendor() || IEType(32767).IsVendor() {
		t.Error("IsVendor boundary wrong")
	}
}
