package flows

import (
	"encoding/binary"
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/pipeline"
)

// FuzzObserve decodes arbitrary frames (Ethernet, raw IP) and feeds them to
// one table, with the packets tunnels carry: it must never panic, and every
// packet with an IP header (and every tunnelled one) must land in a flow
// whose counters add up (a fragmented datagram counting as one packet).
func FuzzObserve(f *testing.F) {
	corpus.Seed(func(b []byte) {
		// Skip the 24-byte pcap header and the first record header.
		if len(b) > 40 {
			f.Add(b[40:], uint16(1))
		}
	}, 4096)
	frame := make([]byte, 54)
	binary.BigEndian.PutUint16(frame[12:], 0x0800)
	frame[14] = 0x45
	binary.BigEndian.PutUint16(frame[16:], 40)
	frame[23] = 6
	copy(frame[26:], []byte{10, 0, 0, 1, 10, 0, 0, 2})
	frame[46] = 0x50
	frame[47] = 0x02
	f.Add(frame, uint16(1))
	f.Add(frame[14:], uint16(101))
	// The same TCP header carried in IP in IP.
	ipip := append(append([]byte(nil), frame[:34]...), frame[14:]...)
	ipip[23] = 4
	binary.BigEndian.PutUint16(ipip[16:], 60)
	f.Add(ipip, uint16(1))
	f.Fuzz(func(t *testing.T, data []byte, link uint16) {
		var total uint64
		tab := NewTable(Options{MaxFlows: 4, Emit: func(r *Record) {
			total += r.OrigSide.Packets + r.RespSide.Packets
		}})
		dec := decoders.NewDecoder(decoders.Options{})
		var withFlow uint64
		// The same frame three times, then a few mutations of it.
		for i := 0; i < 6; i++ {
			var ps [1]pipeline.Packet
			p := &ps[0]
			p.Timestamp = int64(i) * 1e9
			p.CapLen, p.OrigLen, p.LinkType = uint32(len(data)), uint32(len(data)), link
			dec.Decode(data, link, p.OrigLen, &p.Decoded)
			if i%2 == 1 {
				tab.Prepare(ps[:]) // every other packet with its key prepared
			}
			id, _ := tab.Observe(p, data)
			if id != 0 {
				withFlow++
			}
			if in, _ := tab.ObserveInner(p, data, id); in != 0 {
				withFlow++
			}
			if i >= 3 && len(data) > 0 {
				data[(i*7)%len(data)] ^= byte(i)
			}
		}
		tab.Flush()
		// Fragments count once per datagram, when it is whole.
		fs := tab.Fragments()
		if total != withFlow-fs.Held+fs.Counted {
			t.Errorf("records hold %d packets, %d packets had a flow (fragments: %+v)", total, withFlow, fs)
		}
	})
}
