package flowkey

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/pcapflow/pcapflow/pipeline"
)

// FuzzKeyer feeds arbitrary decoded packets (built from the fuzz bytes, 40
// bytes a packet) through a Keyer of every kind: it must never panic, keys
// must be of the Keyer's kind and file names must stay safe.
func FuzzKeyer(f *testing.F) {
	f.Add([]byte("\x03\x00\x0a\x00\x00\x01\x0a\x00\x00\x02\x9c\x40\x00\x50\x06\x02\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add(make([]byte, 80))
	f.Fuzz(func(t *testing.T, data []byte) {
		keyers := make([]*Keyer, 0, int(Time))
		for k := IPPair; k <= Time; k++ {
			keyers = append(keyers, NewKeyer(Spec{Kind: k, N: 3, Every: 1000}))
		}
		for len(data) >= 40 {
			x := data[:40]
			data = data[40:]
			var p pipeline.Packet
			d := &p.Decoded
			d.Layers = pipeline.Layers(binary.LittleEndian.Uint32(x[0:4]))
			d.Flags = pipeline.DecodeFlags(x[4])
			if x[5]&1 == 0 {
				d.IP.Src = netip.AddrFrom4([4]byte(x[6:10]))
				d.IP.Dst = netip.AddrFrom4([4]byte(x[10:14]))
			} else {
				d.IP.Src = netip.AddrFrom16([16]byte(x[6:22]))
				d.IP.Dst = netip.AddrFrom16([16]byte(x[22:38]))
			}
			d.IP.SrcPort = binary.BigEndian.Uint16(x[14:16])
			d.IP.DstPort = binary.BigEndian.Uint16(x[16:18])
			d.IP.Proto = x[18]
			d.TCPFlags = uint16(x[19])
			d.TCPSeq = binary.LittleEndian.Uint32(x[20:24])
			d.IPID = uint32(x[24])
			d.FragOffset = uint16(x[25])
			d.MoreFragments = x[26]&1 != 0
			d.NumVLAN = x[27] & 3
			d.VLAN[0] = uint16(x[28])
			copy(d.EthSrc[:], x[29:35])
			p.Timestamp = int64(int8(x[38])) * 1e9
			p.CapLen = uint32(x[39])
			for _, k := range keyers {
				key, ok := k.Key(&p)
				if !ok {
					continue
				}
				if key.Kind() != k.Spec().Kind {
					t.Fatalf("kind %v from a %v keyer", key.Kind(), k.Spec().Kind)
				}
				checkSafeName(t, key.FileName())
				_ = key.String()
			}
		}
	})
}
