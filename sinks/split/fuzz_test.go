package split

import (
	"context"
	"encoding/binary"
	"path/filepath"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/decoders/flowkey"
)

// FuzzSplit runs packet sequences built from the fuzz input (3 bytes a
// packet: flow, link type, fragment part and time jump, size) through the
// splitter with varying options and checks that every packet lands exactly
// once, in order (a later IP fragment may be written later: it can wait
// for its first fragment), in a readable file described by the manifest.
func FuzzSplit(f *testing.F) {
	f.Add([]byte{0, 1, 0, 10, 2, 0, 30, 1, 0, 40, 255, 1, 0, 200, 9, 1, 0, 10})
	f.Add([]byte{5, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 0, 0, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < 1 {
			return
		}
		mode := in[0]
		in = in[1:]
		var pkts []tp
		var jump int64
		for len(in) >= 3 && len(pkts) < 300 {
			x := tp{size: 4 + int(in[2])}
			if in[0]&7 != 7 { // 7: no IP
				x.src, x.dst = "10.0.0."+itoa(int(in[0]&7)), "10.0.1.1"
				x.sport, x.dport = uint16(in[0]>>3), 53
			}
			if in[1]&1 == 1 {
				x.linkType = 101
			}
			if in[1]&2 == 2 {
				x.digits = 9
			}
			if x.src != "" {
				x.frag, x.ipid = fragPart(in[1]>>2%3), uint16(in[0]>>3&3)
			}
			if in[1]&32 != 0 {
				jump += int64(flowkey.FragmentTimeout) // the held fragments time out
			}
			x.ts = int64(len(pkts)+1)*int64(time.Millisecond) + jump
			pkts = append(pkts, x)
			in = in[3:]
		}
		format := "pcap"
		if mode&1 == 1 {
			format = "pcapng"
		}
		opts := Options{
			Dir:         t.TempDir(),
			Spec:        mustSpec(t, []string{"ip-pair", "5-tuple", "client-port", "count:5"}[mode>>1&3]),
			Format:      format,
			MinPackets:  int(mode >> 3 & 3),
			DropOther:   mode&32 != 0,
			MaxOpen:     1 + int(mode>>6),
			BufferBytes: 4096,
		}
		s, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		batches, _, _ := build(pkts, 7)
		for _, b := range batches {
			if err := s.Consume(context.Background(), b); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Close(false); err != nil {
			t.Fatal(err)
		}
		seen := make([]bool, len(pkts))
		var total int64
		for _, e := range readManifest(t, opts.Dir) {
			back := readCapture(t, filepath.Join(opts.Dir, e.File))
			if int64(len(back)) != e.Packets {
				t.Fatalf("%s: %d packets, manifest says %d", e.File, len(back), e.Packets)
			}
			last := -1
			for _, g := range back {
				i := int(binary.BigEndian.Uint32(g.data))
				if i >= len(pkts) || seen[i] || (i <= last && pkts[i].frag != fragLater) {
					t.Fatalf("%s: packet %d out of order or repeated", e.File, i)
				}
				seen[i] = true
				if pkts[i].frag != fragLater {
					last = i
				}
			}
			total += e.Packets
		}
		if sum := s.Summary(); total+sum.Dropped != int64(len(pkts)) || sum.Packets != int64(len(pkts)) {
			t.Fatalf("%d written + %d dropped != %d packets (%+v)", total, sum.Dropped, len(pkts), sum)
		}
	})
}
