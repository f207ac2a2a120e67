package parquet

import (
	"bytes"
	"fmt"
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/pcapflow/pcapflow/decoders/flows"
	"github.com/pcapflow/pcapflow/pipeline"
)

// dictRows returns n packet rows and their contexts exercising the
// dictionary columns: the first wide rows have distinct IPv6 addresses
// (a dictionary too large for a page, written plain), then flows that
// reuse slots, share Community IDs, change hardware addresses within a
// flow, frames without Ethernet, IP or flow, tunnelled addresses, and
// several inputs. As from the flow table, a flow id always comes with the
// same two addresses.
func dictRows(n, wide int) ([]pipeline.Packet, []PacketContext) {
	pkts := make([]pipeline.Packet, n)
	pcs := make([]PacketContext, n)
	inputs := []string{"a.pcap", "/data/b.pcapng", "a.pcap", ""}
	for i := range pkts {
		p := &pkts[i]
		p.Timestamp, p.Frame, p.CapLen, p.OrigLen = int64(i)*1000, uint64(i+1), 60, 60
		d := &p.Decoded
		pc := &pcs[i]
		pc.SourceFile = inputs[(i/5000)%len(inputs)]
		pc.FlowSlot = -1
		if i < wide {
			d.Layers = pipeline.LayerEthernet | pipeline.LayerIPv6 | pipeline.LayerUDP
			d.IP = pipeline.Flow{Src: netip.AddrFrom16([16]byte{0x20, 1, 0xd, 0xb8, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0xff, byte(i >> 16), byte(i >> 8), byte(i)}),
				Dst: netip.MustParseAddr("2001:db8::1"), SrcPort: 53, DstPort: 53, Proto: 17}
			d.EthSrc = [6]byte{2, 0, 0, byte(i >> 16), byte(i >> 8), byte(i)}
			pc.FlowID, pc.Dir, pc.FlowSlot, pc.CommunityID = uint64(i+1), flows.DirOrig, int32(i%1000), fmt.Sprintf("1:wide%06d", i)
			continue
		}
		flow := (i * 7919) % 300
		side := (i / 3) % 2
		a := netip.AddrFrom4([4]byte{10, 0, byte(flow >> 8), byte(flow)})
		b := netip.AddrFrom4([4]byte{192, 0, 2, byte(flow % 50)})
		ma, mb := [6]byte{0, 1, 2, 3, 4, byte(flow % 7)}, [6]byte{0, 9, 9, 9, 9, byte(flow % 3)}
		switch i % 41 {
		case 0:
			// Not Ethernet, not IP.
			d.Layers = pipeline.LayerFragment
			continue
		case 1:
			// Ethernet without IP: no flow.
			d.Layers = pipeline.LayerEthernet
			d.EthSrc, d.EthDst = ma, mb
			continue
		case 2:
			// A router's hardware address within a flow.
			mb[0] = 0x42
		case 3:
			// Asymmetric routing: the responder's frames come from
			// another router than the one the originator's go to.
			mb[5] = 0x77
		}
		d.Layers = pipeline.LayerEthernet | pipeline.LayerIPv4 | pipeline.LayerTCP
		src, dst, msrc, mdst := a, b, ma, mb
		if side == 1 {
			src, dst, msrc, mdst = b, a, mb, ma
		}
		d.IP = pipeline.Flow{Src: src, Dst: dst, SrcPort: 1000, DstPort: 80, Proto: 6}
		d.EthSrc, d.EthDst = msrc, mdst
		if flow%10 == 0 {
			d.Layers |= pipeline.LayerGTPU | pipeline.LayerInnerIPv4
			d.Inner = pipeline.Flow{Src: netip.AddrFrom4([4]byte{100, 64, 0, byte(flow)}), Dst: b, Proto: 17}
		}
		// Flow ids change over time in a slot (a later flow reuses it);
		// flows 0-99 and 100-199 share Community IDs.
		epoch := i / 9000
		pc.FlowID = uint64(1 + flow + 1000*epoch)
		pc.FlowSlot = int32(flow)
		pc.Dir = flows.Direction(side + 1)
		pc.CommunityID = fmt.Sprintf("1:c%03d", flow%100)
		if flow%17 == 0 {
			pc.FlowSlot = -1
		}
	}
	return pkts, pcs
}

// TestDictColumnsMatchPlain writes rows with dictionary columns through a
// file, as the sink does, and checks that they read back as the same
// strings as the plain columns of the same rows, in the same Arrow schema,
// with the same Parquet statistics as the plain file (written from the
// plain records by the same writer), in dictionary pages except where a
// row group's dictionary outgrew dictPageLimit.
func TestDictColumnsMatchPlain(t *testing.T) {
	const rows, wide, rg = 75000, 30000, 30000
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	o := Options{RowsPerRowGroup: rg, Allocator: mem}
	o.fill()
	pkts, pcs := dictRows(rows, wide)

	path := filepath.Join(t.TempDir(), "dict.parquet")
	want := writeDictAndPlain(t, path, packetsTable{}, packetsSchema, &o, mem, rows,
		func(f *file) any { return f.packets },
		func(b *array.RecordBuilder) any { return packetsTable{}.BindPackets(b) },
		func(app any, i int) int { return app.(PacketAppender).AppendPacket(&pkts[i], nil, &pcs[i]) })
	defer func() {
		for _, r := range want {
			r.Release()
		}
	}()

	// The first row group's wide addresses fill more than a dictionary
	// page, which src_ip and dst_ip share; the inner addresses are null
	// there.
	checkMatchesPlain(t, path, packetsSchema, want, &o, rows, rg, mem, packetsTable{}.dictColumns(), func(g int, name string) bool {
		return !(g == 0 && (name == "src_ip" || name == "dst_ip" || name == "inner_src_ip" || name == "inner_dst_ip"))
	})
}

func hasEncoding(es []parquet.Encoding, e parquet.Encoding) bool {
	for _, x := range es {
		if x == e {
			return true
		}
	}
	return false
}

// TestKeyedDict checks lookups over row groups: indices in order of first
// use, found again within a row group, forgotten in the next, and a full
// dictionary turning to appended values, searched no more.
func TestKeyedDict(t *testing.T) {
	d := newKeyedDict[strKey]()
	index := func(s string) int32 {
		idx, slot, ok := d.lookup(strKey(s))
		if !ok {
			idx = insert(d, slot, strKey(s), s)
		}
		return idx
	}
	for round := range 2 {
		for i := range 5000 {
			s := fmt.Sprintf("value-%d", i%3000)
			want := int32(i % 3000)
			if got := index(s); got != want {
				t.Fatalf("round %d: %q has index %d, want %d", round, s, got, want)
			}
		}
		snap := d.snapshot()
		if snap.len() != 3000 || string(snap.value(2999)) != "value-2999" || snap.gen != uint32(round+1) {
			t.Fatalf("round %d: %d values, last %q, generation %d", round, snap.len(), snap.value(int32(snap.len()-1)), snap.gen)
		}
		d.reset()
	}
	// Values of 100 bytes: the dictionary is full after about 9,700.
	long := bytes.Repeat([]byte{'x'}, 96)
	for i := range 12000 {
		index(fmt.Sprintf("%s%04d", long, i))
	}
	if !d.dense || d.size >= dictPageLimit {
		t.Fatalf("dense %v, size %d", d.dense, d.size)
	}
	snap := d.snapshot()
	n := snap.len()
	if idx := index(fmt.Sprintf("%s%04d", long, 11998)); int(idx) != n {
		t.Fatalf("a value after the dictionary filled got index %d, want a new one (%d)", idx, n)
	}
	// The chunk is written plain now: a value from before the dictionary
	// filled is appended again, not searched for, but the key looked up
	// last is still found.
	v5 := fmt.Sprintf("%s%04d", long, 5)
	idx := index(v5)
	if snap := d.snapshot(); int(idx) != n+1 || string(snap.value(idx)) != v5 {
		t.Fatalf("a value from before got index %d, want a new one (%d) holding it", idx, n+1)
	}
	if again := index(v5); again != idx {
		t.Fatalf("the key looked up last got index %d, then %d", idx, again)
	}
}

// TestFlowCacheTouch checks that touch reads the entries of the cached
// slots only: slots below 0 or not grown yet are skipped.
func TestFlowCacheTouch(t *testing.T) {
	var c flowCache
	for slot, id := range []uint64{10, 20, 30, 40} {
		if e := c.get(int32(slot), id, 1); e == nil || e.id != id {
			t.Fatalf("slot %d: entry %+v", slot, e)
		}
	}
	pcs := []PacketContext{{FlowSlot: -1}, {FlowSlot: 1}, {FlowSlot: 3}, {FlowSlot: 3}, {FlowSlot: int32(c.entries.Len())}, {FlowSlot: flowSlotsMax + 5}}
	if got, want := c.touch(pcs), uint64(20+40+40); got != want {
		t.Errorf("touch = %d, want %d", got, want)
	}
	if got := c.touch(nil); got != 0 {
		t.Errorf("touch(nil) = %d, want 0", got)
	}
}
