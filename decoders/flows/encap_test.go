package flows_test

import (
	"encoding/binary"
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/decoders/flows"
	"github.com/pcapflow/pcapflow/pipeline"
)

// TestEncapsulatedByteCounts checks a flow's payload and IP byte counts on
// frames whose IP header sits behind an MPLS stack, a PPPoE header or VLAN
// tags: both come from where the decoder found the IP header.
func TestEncapsulatedByteCounts(t *testing.T) {
	tcp := func(payload int) []byte {
		ip := make([]byte, 20+20+payload)
		ip[0], ip[9] = 0x45, 6
		binary.BigEndian.PutUint16(ip[2:], uint16(len(ip)))
		copy(ip[12:], []byte{10, 0, 0, 1, 10, 0, 0, 2})
		binary.BigEndian.PutUint16(ip[20:], 40000)
		binary.BigEndian.PutUint16(ip[22:], 80)
		ip[32], ip[33] = 5<<4, 0x18 // PSH ACK
		return ip
	}
	eth := func(etype uint16, rest ...[]byte) []byte {
		b := binary.BigEndian.AppendUint16(make([]byte, 12), etype)
		for _, r := range rest {
			b = append(b, r...)
		}
		return b
	}
	for _, c := range []struct {
		name  string
		frame []byte
	}{
		{"plain", eth(0x0800, tcp(100))},
		{"vlan", eth(0x8100, []byte{0, 5, 0x08, 0x00}, tcp(100))},
		{"mpls two labels", eth(0x8847, []byte{0, 1, 0, 64, 0, 2, 1, 64}, tcp(100))},
		{"pppoe", eth(0x8864, []byte{0x11, 0, 0, 7, 0, 62, 0, 0x21}, tcp(100))},
	} {
		var p pipeline.Packet
		p.OrigLen, p.CapLen = uint32(len(c.frame)), uint32(len(c.frame))
		decoders.NewDecoder(decoders.Options{}).Decode(c.frame, decoders.LinkEthernet, p.OrigLen, &p.Decoded)
		var rec flows.Record
		tab := flows.NewTable(flows.Options{Emit: func(r *flows.Record) { rec = *r }})
		if id, _ := tab.Observe(&p, c.frame); id == 0 {
			t.Fatalf("%s: no flow", c.name)
		}
		tab.Flush()
		if rec.OrigSide.Bytes != 100 || rec.OrigSide.IPBytes != 140 || rec.OrigSide.FrameBytes != uint64(len(c.frame)) {
			t.Errorf("%s: bytes %d, ip bytes %d, frame bytes %d; want 100, 140, %d", c.name,
				rec.OrigSide.Bytes, rec.OrigSide.IPBytes, rec.OrigSide.FrameBytes, len(c.frame))
		}
	}
}
