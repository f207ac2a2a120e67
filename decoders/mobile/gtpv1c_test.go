package mobile

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"testing"
)

// v1msg builds a GTPv1-C message (sequence number flag set) with header
// TEID teid and the given elements, already encoded.
func v1msg(typ uint8, teid uint32, seq uint16, ies ...[]byte) []byte {
	b := []byte{0x32, typ, 0, 0, 0, 0, 0, 0, byte(seq >> 8), byte(seq), 0, 0}
	binary.BigEndian.PutUint32(b[4:], teid)
	for _, ie := range ies {
		b = append(b, ie...)
	}
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)-8))
	return b
}

// Elements of TS 29.060 7.7.
func v1IMSI(tbcd ...byte) []byte { return append([]byte{2}, tbcd...) }
func v1TEID(typ uint8, teid uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte{typ}, teid)
}
func v1TLV(typ uint8, v []byte) []byte {
	return append(binary.BigEndian.AppendUint16([]byte{typ}, uint16(len(v))), v...)
}
func v1GSN(a string) []byte { return v1TLV(133, netip.MustParseAddr(a).AsSlice()) }

// TestAddV1 follows a Gn/Gp PDP context: the Create PDP Context Request
// names the subscriber (IMSI) and the SGSN's control and user-plane TEIDs
// at its GSN addresses, the response (header TEID = the SGSN's) the
// GGSN's and the PDP address; update and delete requests are found by
// header TEID; G-PDUs to either side's user-plane endpoint belong to the
// subscriber. Echo messages belong to nobody.
func TestAddV1(t *testing.T) {
	sgsn, ggsn := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("198.51.100.1")
	sgsnUser, ggsnUser := "192.0.2.2", "198.51.100.2"
	imsi := []byte{0x64, 0x00, 0x14, 0x00, 0x00, 0x00, 0x10, 0xf1} // 460041000000011
	tb := NewGTPCTable()
	steps := []struct {
		name     string
		src, dst netip.Addr
		msg      []byte
		want     int32
	}{
		{"echo", sgsn, ggsn, v1msg(1, 0, 7, []byte{14, 3}), -1},
		{"create request", sgsn, ggsn, v1msg(16, 0, 100, v1IMSI(imsi...), []byte{14, 3}, v1TEID(16, 0x1111), v1TEID(17, 0x2222), []byte{20, 5},
			v1TLV(128, []byte{0xf1, 0x21}), v1GSN("192.0.2.1"), v1GSN(sgsnUser)), 0},
		{"create response", ggsn, sgsn, v1msg(17, 0x2222, 100, []byte{1, 128}, v1TEID(16, 0x3333), v1TEID(17, 0x4444),
			v1TLV(128, []byte{0xf1, 0x21, 10, 45, 0, 7}), v1GSN("198.51.100.1"), v1GSN(ggsnUser)), 0},
		{"update request", sgsn, ggsn, v1msg(18, 0x4444, 101, v1TEID(16, 0x1112), v1GSN("192.0.2.1"), v1GSN(sgsnUser)), 0},
		{"update response", ggsn, sgsn, v1msg(19, 0x2222, 101, []byte{1, 128}), 0},
		{"unknown teid", sgsn, ggsn, v1msg(20, 0x9999, 102), -1},
		{"delete request", sgsn, ggsn, v1msg(20, 0x4444, 103, []byte{20, 5}), 0},
		{"delete response", ggsn, sgsn, v1msg(21, 0x2222, 103, []byte{1, 128}), 0},
	}
	for _, s := range steps {
		i, ok := tb.AddV1(s.src, s.dst, s.msg)
		if !ok {
			i = -1
		}
		if i != s.want {
			t.Errorf("%s: subscriber %d, want %d", s.name, i, s.want)
		}
	}
	if tb.Len() != 1 {
		t.Fatalf("%d subscribers, want 1", tb.Len())
	}
	sub := tb.Subscriber(0)
	if sub.IMSI.String() != "460041000000011" || sub.Messages != 6 {
		t.Errorf("subscriber %s with %d messages, want 460041000000011 with 6", sub.IMSI, sub.Messages)
	}
	want := []Endpoint{{netip.MustParseAddr(sgsnUser), 0x1111}, {netip.MustParseAddr(ggsnUser), 0x3333}, {netip.MustParseAddr(sgsnUser), 0x1112}}
	if !slices.Equal(sub.Endpoints, want) {
		t.Errorf("endpoints %v, want %v", sub.Endpoints, want)
	}
	for _, e := range want {
		if i, ok := tb.Tunnel(e.Addr, e.TEID); !ok || i != 0 {
			t.Errorf("G-PDU to %v TEID %#x: subscriber %d %v", e.Addr, e.TEID, i, ok)
		}
	}
	if _, ok := tb.Tunnel(netip.MustParseAddr(ggsnUser), 0x4444); ok {
		t.Error("a control-plane TEID taken as a user-plane endpoint")
	}
	ue := netip.MustParseAddr("10.45.0.7")
	if i, ok := tb.UE(ue); !ok || i != 0 || !slices.Equal(sub.UEIPs, []netip.Addr{ue}) {
		t.Errorf("UE %v: subscriber %d %v, UE addresses %v", ue, i, ok, sub.UEIPs)
	}
}

// TestEndUserAddressTypes reads the PDP types of the End User Address.
func TestEndUserAddressTypes(t *testing.T) {
	tb := NewGTPCTable()
	v6 := netip.MustParseAddr("2001:db8::7")
	req := v1msg(16, 0, 1, v1IMSI(0x21, 0x43, 0x65, 0x87, 0x09, 0x21, 0x43, 0xf5), v1TEID(17, 1),
		v1TLV(128, append([]byte{0xf1, 0x8d, 10, 0, 0, 9}, v6.AsSlice()...)), v1GSN("192.0.2.1"))
	if i, ok := tb.AddV1(netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.9"), req); !ok || i != 0 {
		t.Fatalf("request: %d %v", i, ok)
	}
	if got := tb.Subscriber(0).UEIPs; !slices.Equal(got, []netip.Addr{netip.MustParseAddr("10.0.0.9"), v6}) {
		t.Errorf("UE addresses %v", got)
	}
}
