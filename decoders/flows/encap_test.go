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

// TestObserveInner follows a TCP connection carried in VXLAN: the outer
// packets form the tunnel's UDP flow, the inner ones a TCP flow of their
// own whose TunnelParent is that UDP flow, with the inner tuple, bytes,
// history and Community ID.
func TestObserveInner(t *testing.T) {
	inner := func(src, dst [4]byte, sport, dport uint16, flags byte, seq, ack uint32, payload int) []byte {
		ip := make([]byte, 40+payload)
		ip[0], ip[9] = 0x45, 6
		binary.BigEndian.PutUint16(ip[2:], uint16(len(ip)))
		copy(ip[12:], src[:])
		copy(ip[16:], dst[:])
		binary.BigEndian.PutUint16(ip[20:], sport)
		binary.BigEndian.PutUint16(ip[22:], dport)
		binary.BigEndian.PutUint32(ip[24:], seq)
		binary.BigEndian.PutUint32(ip[28:], ack)
		ip[32], ip[33] = 5<<4, flags
		binary.BigEndian.PutUint16(ip[34:], 1000)
		return ip
	}
	vxlan := func(in []byte) []byte {
		frame := binary.BigEndian.AppendUint16(make([]byte, 12), 0x0800)
		ip := make([]byte, 20+8+8+14)
		ip[0], ip[9] = 0x45, 17
		binary.BigEndian.PutUint16(ip[2:], uint16(len(ip)+len(in)))
		copy(ip[12:], []byte{192, 0, 2, 1, 192, 0, 2, 2})
		binary.BigEndian.PutUint16(ip[20:], 50000)
		binary.BigEndian.PutUint16(ip[22:], 4789)
		binary.BigEndian.PutUint16(ip[24:], uint16(8+8+14+len(in)))
		ip[28] = 0x08                                    // VXLAN I flag
		binary.BigEndian.PutUint16(ip[28+8+12:], 0x0800) // inner Ethernet type
		return append(append(frame, ip...), in...)
	}
	a, b := [4]byte{10, 1, 0, 5}, [4]byte{10, 2, 0, 9}
	const syn, synAck, ackF, pshAck = 0x02, 0x12, 0x10, 0x18
	frames := [][]byte{
		vxlan(inner(a, b, 43210, 443, syn, 100, 0, 0)),
		vxlan(inner(b, a, 443, 43210, synAck, 700, 101, 0)),
		vxlan(inner(a, b, 43210, 443, ackF, 101, 701, 0)),
		vxlan(inner(a, b, 43210, 443, pshAck, 101, 701, 50)),
	}
	var recs []flows.Record
	tab := flows.NewTable(flows.Options{Emit: func(r *flows.Record) { recs = append(recs, *r) }})
	dec := decoders.NewDecoder(decoders.Options{})
	var outerID uint64
	for i, fr := range frames {
		var p pipeline.Packet
		p.Timestamp, p.Frame = int64(i+1)*1e6, uint64(i+1)
		p.OrigLen, p.CapLen = uint32(len(fr)), uint32(len(fr))
		dec.Decode(fr, decoders.LinkEthernet, p.OrigLen, &p.Decoded)
		id, _ := tab.Observe(&p, fr)
		if outerID == 0 {
			outerID = id
		}
		innerID, dir := tab.ObserveInner(&p, fr, id)
		if innerID == 0 || innerID == id || dir == flows.DirNone {
			t.Fatalf("frame %d: inner flow %d (%v), outer %d", i+1, innerID, dir, id)
		}
	}
	tab.Flush()
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2", len(recs))
	}
	var in *flows.Record
	for i := range recs {
		if recs[i].Proto == 6 {
			in = &recs[i]
		}
	}
	if in == nil || in.TunnelParent != outerID {
		t.Fatalf("no inner TCP record with parent %d: %+v", outerID, recs)
	}
	if in.Orig.String() != "10.1.0.5" || in.OrigPort != 43210 || in.RespPort != 443 || in.ConnState != "S1" || in.History != "ShAD" {
		t.Errorf("inner record %v:%d -> %v:%d state %s history %s", in.Orig, in.OrigPort, in.Resp, in.RespPort, in.ConnState, in.History)
	}
	if in.OrigSide.Packets != 3 || in.OrigSide.Bytes != 50 || in.OrigSide.IPBytes != 40+40+90 || in.RespSide.IPBytes != 40 {
		t.Errorf("inner counts: orig %+v resp %+v", in.OrigSide, in.RespSide)
	}
	if want := flows.CommunityID(0, in.Orig, in.Resp, 6, 43210, 443); in.CommunityID != want {
		t.Errorf("community id %s, want %s", in.CommunityID, want)
	}
}
