package seids

import (
	"net/netip"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
)

// FuzzSessionTable feeds the session table message sequences drawn from
// the fuzz bytes (seven per message: type, sequence number, header SEID,
// F-SEID, cause and values, direction and port, time step, which may go
// back), from few nodes, SEIDs and sequence numbers so that they collide:
// nothing may panic, and the table must come out as JSON rows.
func FuzzSessionTable(f *testing.F) {
	f.Add([]byte{50, 1, 0, 1, 0, 0, 1, 51, 1, 1, 2, 1, 1, 1, 52, 2, 2, 0, 4, 0, 1, 53, 2, 1, 0, 1, 1, 200})
	f.Add([]byte{50, 1, 0, 1, 8, 0, 1, 50, 1, 0, 1, 8, 0, 1, 1, 3, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 1, 255})
	f.Fuzz(func(t *testing.T, data []byte) {
		fd := newFeeder(t)
		nodes := []netip.Addr{netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("2001:db8::1")}
		for ; len(data) >= 7; data = data[7:] {
			typ := pfcp.MessageType(data[0])
			s := hdr(typ, uint32(data[1]&15), uint64(data[2]&7), typ.IsSessionMessage() || data[2]&8 != 0)
			if data[3]&7 != 0 {
				s.FSEIDs[0], s.NumFSEIDs = pfcp.FSEID{SEID: uint64(data[3] & 7)}, 1
			}
			if data[4]&1 != 0 {
				s.HasCause, s.Cause = true, pfcp.Cause(1+data[4]&64)
			}
			if data[4]&2 != 0 {
				s = withFTEID(s, uint32(data[4]>>4), "10.0.0.2")
			}
			if data[4]&4 != 0 {
				s = withOHC(s, uint32(data[4]>>4), "10.0.1.1")
			}
			if data[4]&8 != 0 {
				s.UEIPs[0], s.NumUEIPs = pfcp.UEIPAddress{Flags: pfcp.UEIPv4, IPv4: netip.AddrFrom4([4]byte{10, 45, 0, data[4] >> 4})}, 1
			}
			if data[4]&16 != 0 {
				s.HasNodeID, s.NodeIDType, s.NodeNameLen = true, pfcp.NodeIDFQDN, uint8(copy(s.NodeName[:], "n\x00<&>"[:min(int(data[4]>>5), 5)]))
			}
			src, dst := nodes[int(data[5]&3)%3], nodes[int(data[5]>>2&3)%3]
			fd.after(time.Duration(int8(data[6])) * time.Second)
			if data[5]&16 != 0 {
				s.Messages = 2 // a chained datagram: no session
			}
			fd.send(netip.AddrPortFrom(src, 8805+uint16(data[5]>>5)), netip.AddrPortFrom(dst, 8805), s)
		}
		for _, r := range fd.rows() {
			if k := r["kind"]; k != "session" && k != "node_pair" {
				t.Fatalf("row of kind %v", k)
			}
		}
	})
}
