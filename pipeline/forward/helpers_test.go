package forward

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/pipeline"
)

var (
	macA  = [6]byte{0x02, 0, 0, 0, 0, 0x0a}
	macC  = [6]byte{0x02, 0, 0, 0, 0, 0x0c}
	macR0 = [6]byte{0x02, 0, 0, 0, 1, 0}
	macR1 = [6]byte{0x02, 0, 0, 0, 1, 1}
)

// frameIPv4 builds an Ethernet/IPv4 frame with an ICMP echo request (or,
// with proto 17, a UDP datagram) of payload bytes.
func frameIPv4(srcMAC, dstMAC [6]byte, src, dst string, ttl, proto byte, payload int) []byte {
	s, d := netip.MustParseAddr(src).As4(), netip.MustParseAddr(dst).As4()
	l4 := make([]byte, 8+payload)
	for i := 8; i < len(l4); i++ {
		l4[i] = byte(i)
	}
	if proto == 1 {
		l4[0] = 8
		binary.BigEndian.PutUint16(l4[4:], 0x1234)
		binary.BigEndian.PutUint16(l4[6:], 7)
		binary.BigEndian.PutUint16(l4[2:], Checksum(l4))
	} else {
		binary.BigEndian.PutUint16(l4[0:], 40000)
		binary.BigEndian.PutUint16(l4[2:], 33434)
		binary.BigEndian.PutUint16(l4[4:], uint16(len(l4)))
	}
	f := append(append(append([]byte(nil), dstMAC[:]...), srcMAC[:]...), 0x08, 0x00)
	f = append(f, ipHeader(ttl, proto, s, d, 20+len(l4))...)
	return append(f, l4...)
}

// frameARP builds an ARP packet (op 1 request, 2 reply).
func frameARP(op uint16, srcMAC, dstMAC [6]byte, sender, target string) []byte {
	f := make([]byte, 42)
	copy(f[0:], dstMAC[:])
	copy(f[6:], srcMAC[:])
	binary.BigEndian.PutUint16(f[12:], 0x0806)
	a := f[14:]
	binary.BigEndian.PutUint16(a[0:], 1)
	binary.BigEndian.PutUint16(a[2:], 0x0800)
	a[4], a[5] = 6, 4
	binary.BigEndian.PutUint16(a[6:], op)
	copy(a[8:], srcMAC[:])
	s, tg := netip.MustParseAddr(sender).As4(), netip.MustParseAddr(target).As4()
	copy(a[14:], s[:])
	if op == 2 {
		copy(a[18:], dstMAC[:])
	}
	copy(a[24:], tg[:])
	return f
}

type inFrame struct {
	port uint32
	data []byte
}

// batchOf decodes frames into a batch, each tagged with its ingress port.
func batchOf(t testing.TB, frames ...inFrame) *pipeline.Batch {
	t.Helper()
	b := pipeline.NewBatch(64, 1<<16)
	for i, f := range frames {
		b.AddCopy(pipeline.CaptureInfo{Timestamp: int64(i+1) * 1e6, Frame: uint64(i + 1), OrigLen: uint32(len(f.data)), Interface: f.port, LinkType: 1}, f.data)
	}
	if err := decoders.NewStage(decoders.Options{}).NewProcessor().Process(b); err != nil {
		t.Fatal(err)
	}
	return b
}
