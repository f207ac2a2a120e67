package pfcp

import (
	"net/netip"
	"testing"
	"time"
)

// one decodes b as a single IE.
func one(t *testing.T, b []byte) IE {
	t.Helper()
	it := NewIEIterator(b)
	if !it.Next() {
		t.Fatalf("no IE in %x: %v", b, it.Err())
	}
	return it.IE()
}

func addr(s string) netip.Addr {
	if s == "" {
		return netip.Addr{}
	}
	return netip.MustParseAddr(s)
}

func TestFSEID(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want FSEID
		ok   bool
	}{
		{"v4", fseidIE(0x1122334455667788, "10.1.2.3", ""), FSEID{SEID: 0x1122334455667788, IPv4: addr("10.1.2.3")}, true},
		{"v6", fseidIE(1, "", "2001:db8::1"), FSEID{SEID: 1, IPv6: addr("2001:db8::1")}, true},
		{"v4 and v6", fseidIE(0x0400000000000001, "192.0.2.1", "2001:10:1:200::1"),
			FSEID{SEID: 0x0400000000000001, IPv4: addr("192.0.2.1"), IPv6: addr("2001:10:1:200::1")}, true},
		{"no address flags", mkIE(IEFSEID, []byte{0}, be64(9)), FSEID{SEID: 9}, true},
		{"v4 flag, address cut", mkIE(IEFSEID, []byte{2}, be64(9), []byte{10, 0}), FSEID{SEID: 9}, false},
		{"v6 flag, address cut", mkIE(IEFSEID, []byte{1}, be64(9), make([]byte, 15)), FSEID{SEID: 9}, false},
		{"SEID cut", mkIE(IEFSEID, []byte{2}, be32(9)), FSEID{}, false},
		{"zero length", mkIE(IEFSEID), FSEID{}, false},
		{"wrong type", mkIE(IEFTEID, []byte{2}, be64(9), ip("10.0.0.1")), FSEID{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := one(t, tc.b).FSEID()
			if ok != tc.ok || got != tc.want {
				t.Errorf("FSEID() = %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestNodeID(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		typ  NodeIDType
		text string
		ok   bool
	}{
		{"ipv4", nodeIDv4("172.55.55.101"), NodeIDIPv4, "172.55.55.101", true},
		{"ipv6", mkIE(IENodeID, []byte{1}, ip("2001:db8::5")), NodeIDIPv6, "2001:db8::5", true},
		{"fqdn labels", mkIE(IENodeID, []byte{2}, []byte("\x03gw1\x06vppupf\x04node")), NodeIDFQDN, "gw1.vppupf.node", true},
		{"fqdn with final zero", mkIE(IENodeID, []byte{2}, []byte("\x03smf\x03lab\x00")), NodeIDFQDN, "smf.lab", true},
		{"fqdn in dotted form", mkIE(IENodeID, []byte{2}, []byte("upf.example")), NodeIDFQDN, "upf.example", true},
		{"spare bits ignored", mkIE(IENodeID, []byte{0xf0}, ip("10.0.0.9")), NodeIDIPv4, "10.0.0.9", true},
		{"empty fqdn", mkIE(IENodeID, []byte{2}), NodeIDFQDN, "", false},
		{"ipv4 cut", mkIE(IENodeID, []byte{0}, []byte{10, 0, 0}), NodeIDIPv4, "", false},
		{"unknown type", mkIE(IENodeID, []byte{3}, ip("10.0.0.9")), 3, "", false},
		{"zero length", mkIE(IENodeID), 0, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, ok := one(t, tc.b).NodeID()
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v (%+v)", ok, tc.ok, n)
			}
			if !ok {
				return
			}
			if n.Type != tc.typ {
				t.Errorf("type = %v, want %v", n.Type, tc.typ)
			}
			if got := string(n.AppendText(nil)); got != tc.text {
				t.Errorf("text = %q, want %q", got, tc.text)
			}
		})
	}
	if NodeIDType(7).String() != "NodeIDType(7)" || NodeIDFQDN.String() != "FQDN" {
		t.Error("NodeIDType.String")
	}
}

func TestFTEID(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want FTEID
		ok   bool
	}{
		{"v4", fteidIE(0xdeadbeef, "192.168.1.1"), FTEID{Flags: FTEIDv4, TEID: 0xdeadbeef, IPv4: addr("192.168.1.1")}, true},
		{"v4 and v6", mkIE(IEFTEID, []byte{FTEIDv4 | FTEIDv6}, be32(7), ip("10.0.0.1"), ip("2001:db8::7")),
			FTEID{Flags: 3, TEID: 7, IPv4: addr("10.0.0.1"), IPv6: addr("2001:db8::7")}, true},
		{"CH: UP chooses", mkIE(IEFTEID, []byte{FTEIDv4 | FTEIDCh}), FTEID{Flags: 5}, true},
		{"CH with choose id", mkIE(IEFTEID, []byte{FTEIDv4 | FTEIDCh | FTEIDChID}, []byte{9}), FTEID{Flags: 13, ChooseID: 9}, true},
		{"CHID without its octet", mkIE(IEFTEID, []byte{FTEIDCh | FTEIDChID}), FTEID{Flags: 12}, false},
		{"TEID cut", mkIE(IEFTEID, []byte{FTEIDv4}, []byte{1, 2}), FTEID{Flags: 1}, false},
		{"v6 cut", mkIE(IEFTEID, []byte{FTEIDv6}, be32(1), make([]byte, 8)), FTEID{Flags: 2, TEID: 1}, false},
		{"zero length", mkIE(IEFTEID), FTEID{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := one(t, tc.b).FTEID()
			if ok != tc.ok || got != tc.want {
				t.Errorf("FTEID() = %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	f := FTEID{Flags: FTEIDCh | FTEIDChID}
	if !f.Choose() || !f.HasChooseID() || (FTEID{}).Choose() {
		t.Error("FTEID flag helpers")
	}
}

func TestUEIPAddress(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want UEIPAddress
		ok   bool
	}{
		{"v4 source", ueIPv4("10.45.0.2", false), UEIPAddress{Flags: UEIPv4, IPv4: addr("10.45.0.2")}, true},
		{"v4 destination", ueIPv4("10.45.0.2", true), UEIPAddress{Flags: UEIPv4 | UEIPSD, IPv4: addr("10.45.0.2")}, true},
		{"v4 and v6", mkIE(IEUEIPAddress, []byte{UEIPv4 | UEIPv6}, ip("10.0.0.2"), ip("2001:db8:1::")),
			UEIPAddress{Flags: 3, IPv4: addr("10.0.0.2"), IPv6: addr("2001:db8:1::")}, true},
		{"v6 with prefix delegation bits", mkIE(IEUEIPAddress, []byte{UEIPv6 | UEIPv6D}, ip("2001:db8:2::"), []byte{8}),
			UEIPAddress{Flags: UEIPv6 | UEIPv6D, IPv6: addr("2001:db8:2::"), PrefixDelegationBits: 8}, true},
		{"v6 with delegation bits and prefix length", mkIE(IEUEIPAddress, []byte{UEIPv6 | UEIPv6D | UEIPv6PL}, ip("2001:db8:2::"), []byte{8, 56}),
			UEIPAddress{Flags: UEIPv6 | UEIPv6D | UEIPv6PL, IPv6: addr("2001:db8:2::"), PrefixDelegationBits: 8, PrefixLength: 56}, true},
		{"choose v4 and v6", mkIE(IEUEIPAddress, []byte{UEIPChV4 | UEIPChV6}), UEIPAddress{Flags: 0x30}, true},
		{"delegation bits missing", mkIE(IEUEIPAddress, []byte{UEIPv6 | UEIPv6D}, ip("2001:db8:2::")),
			UEIPAddress{Flags: UEIPv6 | UEIPv6D, IPv6: addr("2001:db8:2::")}, false},
		{"prefix length missing", mkIE(IEUEIPAddress, []byte{UEIPv6PL}), UEIPAddress{Flags: UEIPv6PL}, false},
		{"v4 cut", mkIE(IEUEIPAddress, []byte{UEIPv4}, []byte{10}), UEIPAddress{Flags: UEIPv4}, false},
		{"zero length", mkIE(IEUEIPAddress), UEIPAddress{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := one(t, tc.b).UEIPAddress()
			if ok != tc.ok || got != tc.want {
				t.Errorf("UEIPAddress() = %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
			if ok && got.IsDestination() != (got.Flags&UEIPSD != 0) {
				t.Error("IsDestination")
			}
		})
	}
}

func TestOuterHeaderCreation(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want OuterHeaderCreation
		ok   bool
	}{
		{"GTP-U/UDP/IPv4", mkIE(IEOuterHeaderCreation, []byte{0x01, 0x00}, be32(0x1234), ip("192.168.1.10")),
			OuterHeaderCreation{Description: OHCGTPUv4, TEID: 0x1234, IPv4: addr("192.168.1.10")}, true},
		{"GTP-U/UDP/IPv6", mkIE(IEOuterHeaderCreation, []byte{0x02, 0x00}, be32(5), ip("2001:db8::9")),
			OuterHeaderCreation{Description: OHCGTPUv6, TEID: 5, IPv6: addr("2001:db8::9")}, true},
		{"UDP/IPv4 with port", mkIE(IEOuterHeaderCreation, []byte{0x04, 0x00}, ip("10.0.0.1"), be16(2152)),
			OuterHeaderCreation{Description: OHCUDPv4, IPv4: addr("10.0.0.1"), Port: 2152}, true},
		{"C-TAG and S-TAG", mkIE(IEOuterHeaderCreation, []byte{0xc0, 0x00}, []byte{1, 2, 3}, []byte{4, 5, 6}),
			OuterHeaderCreation{Description: OHCCTag | OHCSTag, CTag: [3]byte{1, 2, 3}, STag: [3]byte{4, 5, 6}}, true},
		{"N6 indication, second octet", mkIE(IEOuterHeaderCreation, []byte{0x10, 0x02}, ip("10.9.9.9")),
			OuterHeaderCreation{Description: OHCIPv4 | OHCN6, IPv4: addr("10.9.9.9")}, true},
		{"TEID cut", mkIE(IEOuterHeaderCreation, []byte{0x01, 0x00}, []byte{0, 0}),
			OuterHeaderCreation{Description: OHCGTPUv4}, false},
		{"port missing", mkIE(IEOuterHeaderCreation, []byte{0x04, 0x00}, ip("10.0.0.1")),
			OuterHeaderCreation{Description: OHCUDPv4, IPv4: addr("10.0.0.1")}, false},
		{"one octet", mkIE(IEOuterHeaderCreation, []byte{0x01}), OuterHeaderCreation{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := one(t, tc.b).OuterHeaderCreation()
			if ok != tc.ok || got != tc.want {
				t.Errorf("OuterHeaderCreation() = %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	if !(OuterHeaderCreation{Description: OHCGTPUv4 | OHCN19}).Has(OHCN19) {
		t.Error("Has")
	}
}

func TestApplyAction(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want ApplyAction
		text string
		ok   bool
	}{
		{"forward, one octet", mkIE(IEApplyAction, []byte{0x02}), ActionForward, "FORW", true},
		{"buffer and notify", mkIE(IEApplyAction, []byte{0x0c}), ActionBuffer | ActionNotifyCP, "BUFF|NOCP", true},
		{"two octets, second empty", mkIE(IEApplyAction, []byte{0x01, 0x00}), ActionDrop, "DROP", true},
		{"two octets, DDPN", mkIE(IEApplyAction, []byte{0x04, 0x04}), ActionBuffer | ActionBufferDLNotifyFirst, "BUFF|DDPN", true},
		{"spare bits of octet 2", mkIE(IEApplyAction, []byte{0x02, 0x80}), ActionForward | 0x8000, "FORW|0x8000", true},
		{"zero length", mkIE(IEApplyAction), 0, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := one(t, tc.b).ApplyAction()
			if ok != tc.ok || got != tc.want {
				t.Fatalf("ApplyAction() = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
			if got.String() != tc.text {
				t.Errorf("String() = %q, want %q", got.String(), tc.text)
			}
		})
	}
	if !(ActionForward | ActionDuplicate).Has(ActionDuplicate) {
		t.Error("Has")
	}
}

func TestScalarIEs(t *testing.T) {
	type getter func(IE) (uint64, bool)
	u32 := func(f func(IE) (uint32, bool)) getter {
		return func(ie IE) (uint64, bool) { v, ok := f(ie); return uint64(v), ok }
	}
	tests := []struct {
		name string
		get  getter
		b    []byte
		want uint64
		ok   bool
	}{
		{"PDR ID", func(ie IE) (uint64, bool) { v, ok := ie.PDRID(); return uint64(v), ok }, mkIE(IEPDRID, be16(0x8002)), 0x8002, true},
		{"PDR ID cut", func(ie IE) (uint64, bool) { v, ok := ie.PDRID(); return uint64(v), ok }, mkIE(IEPDRID, []byte{1}), 0, false},
		{"FAR ID", u32(IE.FARID), mkIE(IEFARID, be32(0x80000002)), 0x80000002, true},
		{"FAR ID wrong type", u32(IE.FARID), mkIE(IEQERID, be32(2)), 0, false},
		{"QER ID", u32(IE.QERID), mkIE(IEQERID, be32(3)), 3, true},
		{"URR ID", u32(IE.URRID), mkIE(IEURRID, be32(4)), 4, true},
		{"URR ID cut", u32(IE.URRID), mkIE(IEURRID, []byte{0, 0, 4}), 0, false},
		{"Precedence", u32(IE.Precedence), mkIE(IEPrecedence, be32(255)), 255, true},
		{"Cause", func(ie IE) (uint64, bool) { v, ok := ie.Cause(); return uint64(v), ok }, mkIE(IECause, []byte{65}), 65, true},
		{"Cause zero length", func(ie IE) (uint64, bool) { v, ok := ie.Cause(); return uint64(v), ok }, mkIE(IECause), 0, false},
		{"Source Interface", func(ie IE) (uint64, bool) { v, ok := ie.SourceInterface(); return uint64(v), ok }, mkIE(IESourceInterface, []byte{0xf1}), 1, true},
		{"Destination Interface", func(ie IE) (uint64, bool) { v, ok := ie.DestinationInterface(); return uint64(v), ok }, mkIE(IEDestinationInterface, []byte{2}), 2, true},
		{"Destination Interface zero length", func(ie IE) (uint64, bool) { v, ok := ie.DestinationInterface(); return uint64(v), ok }, mkIE(IEDestinationInterface), 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.get(one(t, tc.b))
			if ok != tc.ok || got != tc.want {
				t.Errorf("= %d, %v; want %d, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	names := map[string]string{
		Cause(1).String():            "Request accepted (success)",
		Cause(65).String():           "Session context not found",
		Cause(200).String():          "Cause(200)",
		InterfaceCore.String():       "Core",
		Interface(9).String():        "Interface(9)",
		InterfaceSGiLAN.String():     "SGi-LAN/N6-LAN",
		InterfaceCPFunction.String(): "CP-function",
	}
	for got, want := range names {
		if got != want {
			t.Errorf("name %q, want %q", got, want)
		}
	}
	if !CauseRequestPartiallyAccepted.Accepted() || CauseRequestRejected.Accepted() {
		t.Error("Cause.Accepted")
	}
}

func TestRecoveryTimeStamp(t *testing.T) {
	tests := []struct {
		name string
		sec  uint32
		want time.Time
	}{
		{"2021", 0xe3d90af4, time.Date(2021, 2, 18, 15, 49, 8, 0, time.UTC)},
		{"1970", 2208988800, time.Unix(0, 0).UTC()},
		{"era 1 after 2036", 0x00000010, time.Date(2036, 2, 7, 6, 28, 32, 0, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := one(t, mkIE(IERecoveryTimeStamp, be32(tc.sec))).RecoveryTimeStamp()
			if !ok || !got.Equal(tc.want) {
				t.Errorf("= %v, %v; want %v", got, ok, tc.want)
			}
		})
	}
	if _, ok := one(t, mkIE(IERecoveryTimeStamp, []byte{1, 2})).RecoveryTimeStamp(); ok {
		t.Error("short Recovery Time Stamp accepted")
	}
}

func TestNetworkInstance(t *testing.T) {
	tests := []struct {
		name string
		v    string
		text string
	}{
		{"plain string", "internet", "internet"},
		{"APN labels", "\x08internet\x03mnc\x03001", "internet.mnc.001"},
		{"single label", "\x03ims", "ims"},
		{"label overrun is plain text", "\x09abc", "\x09abc"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw, ok := one(t, mkIE(IENetworkInstance, []byte(tc.v))).NetworkInstance()
			if !ok || string(raw) != tc.v {
				t.Fatalf("raw = %q, %v", raw, ok)
			}
			if got := string(AppendName(nil, raw)); got != tc.text {
				t.Errorf("AppendName = %q, want %q", got, tc.text)
			}
		})
	}
	if got := string(AppendNameLimit(nil, []byte("\x05abcde\x03fgh"), 7)); got != "abcde.f" {
		t.Errorf("AppendNameLimit = %q", got)
	}
}

func TestCreatedPDR(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want CreatedPDR
		ok   bool
	}{
		{"PDR ID, F-TEID and UE IP", mkIE(IECreatedPDR, mkIE(IEPDRID, be16(1)), fteidIE(0x77, "10.0.0.5"), ueIPv4("10.45.0.9", false)),
			CreatedPDR{PDRID: 1, HasPDRID: true, FTEID: FTEID{Flags: 1, TEID: 0x77, IPv4: addr("10.0.0.5")}, HasFTEID: true,
				UEIP: UEIPAddress{Flags: UEIPv4, IPv4: addr("10.45.0.9")}, HasUEIP: true}, true},
		{"PDR ID only", mkIE(IECreatedPDR, mkIE(IEPDRID, be16(3))), CreatedPDR{PDRID: 3, HasPDRID: true}, true},
		{"vendor IE inside", mkIE(IECreatedPDR, mkVendorIE(32770, 18681, []byte{1}), mkIE(IEPDRID, be16(4))), CreatedPDR{PDRID: 4, HasPDRID: true}, true},
		{"truncated member", mkIE(IECreatedPDR, mkIE(IEPDRID, be16(3)), []byte{0, 21, 0, 9, 1}), CreatedPDR{PDRID: 3, HasPDRID: true}, false},
		{"wrong type", mkIE(IECreatePDR, mkIE(IEPDRID, be16(3))), CreatedPDR{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := one(t, tc.b).CreatedPDR()
			if ok != tc.ok || got != tc.want {
				t.Errorf("CreatedPDR() = %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
