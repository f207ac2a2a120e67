package split

import (
	"context"
	"encoding/binary"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/pcapflow/pcapflow/pipeline"
)

// flowPackets builds rounds of packets over n UDP flows: every flow gets one
// packet per round, and flows with i%3 == 0 one more in the last round.
// Packet bytes start with the flow number and the round.
func flowPackets(n, rounds int) []*pipeline.Batch {
	var batches []*pipeline.Batch
	b := pipeline.NewBatch(1024, 1<<20)
	data := make([]byte, 80)
	seq := int64(0)
	add := func(i, r int) {
		if b.Full(len(data)) {
			batches = append(batches, b)
			b = pipeline.NewBatch(1024, 1<<20)
		}
		binary.BigEndian.PutUint32(data[0:], uint32(i))
		binary.BigEndian.PutUint32(data[4:], uint32(r))
		seq++
		b.AddCopy(pipeline.CaptureInfo{Timestamp: t0 + seq*1000, OrigLen: 80, LinkType: 1, TsDigits: 6, Frame: uint64(seq)}, data)
		d := &b.Packets[b.Len()-1].Decoded
		d.Layers = pipeline.LayerEthernet | pipeline.LayerIPv4 | pipeline.LayerUDP
		d.IP = pipeline.Flow{
			Src:     netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}),
			Dst:     netip.AddrFrom4([4]byte{192, 168, 0, 1}),
			SrcPort: 40000, DstPort: 53, Proto: 17,
		}
	}
	for r := 0; r < rounds; r++ {
		for i := 0; i < n; i++ {
			add(i, r)
			if r == rounds-1 && i%3 == 0 {
				add(i, r+1)
			}
		}
	}
	return append(batches, b)
}

// TestManyFlows: 100,000 flows through 64 open files and a 2 MiB buffer
// budget (so files are evicted and reopened): every file must hold exactly
// its packets, in order, and the manifest must list them all.
func TestManyFlows(t *testing.T) {
	const n = 100000
	if testing.Short() {
		t.Skip("100k files")
	}
	dir := t.TempDir()
	s, err := New(Options{Dir: dir, Spec: mustSpec(t, "ip-pair"), MaxOpen: 64, BufferBytes: 2 << 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range flowPackets(n, 2) {
		if err := s.Consume(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(false); err != nil {
		t.Fatal(err)
	}
	sum := s.Summary()
	if sum.Files != n || sum.Flows != n || sum.Opens <= n || sum.OtherPackets != 0 {
		t.Errorf("summary %+v: want %d files and reopens", sum, n)
	}
	open := 0
	for i := range s.writers {
		open += s.writers[i].files.n
	}
	if open != 0 || s.buffered != 0 {
		t.Errorf("after close: %d files open, %d bytes buffered", open, s.buffered)
	}
	m := readManifest(t, dir)
	if len(m) != n {
		t.Fatalf("manifest lists %d files, want %d", len(m), n)
	}
	for _, e := range m {
		path := filepath.Join(dir, e.File)
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want := 2
		var flow uint32
		if len(raw) >= 24+16+4 {
			flow = binary.BigEndian.Uint32(raw[24+16:])
		}
		if flow%3 == 0 {
			want = 3
		}
		if len(raw) != 24+want*(16+80) || int(e.Packets) != want {
			t.Fatalf("%s: %d bytes, manifest %d packets; want %d packets", e.File, len(raw), e.Packets, want)
		}
		// Records in order: flow number constant, round 0, 1 (, 2).
		for r := 0; r < want; r++ {
			rec := raw[24+r*96:]
			if got := binary.BigEndian.Uint32(rec[16:]); got != flow {
				t.Fatalf("%s record %d is from flow %d, want %d", e.File, r, got, flow)
			}
			if got := binary.BigEndian.Uint32(rec[20:]); got != uint32(r) {
				t.Fatalf("%s record %d is round %d", e.File, r, got)
			}
		}
		if e.File != "10."+strconv.Itoa(int(flow>>16))+"."+strconv.Itoa(int(flow>>8&255))+"."+strconv.Itoa(int(flow&255))+"_192.168.0.1.pcap" {
			t.Fatalf("file %s holds flow %d", e.File, flow)
		}
		first := readCapture(t, path)
		if formatTs(first[0].ts) != e.FirstTs || formatTs(first[len(first)-1].ts) != e.LastTs {
			t.Fatalf("%s: timestamps %d..%d, manifest %s..%s", e.File, first[0].ts, first[len(first)-1].ts, e.FirstTs, e.LastTs)
		}
	}
}

// BenchmarkConsume100kFlows measures the splitter (Consume and Close) over
// 100,000 interleaved flows of 3-4 packets, written to a temporary directory
// on disk: dominated by creating 100,000 files.
func BenchmarkConsume100kFlows(b *testing.B) { benchConsume(b, 100000, 3) }

// BenchmarkConsume1kFlows: 1,000 flows of 300+ packets, the packet path.
func BenchmarkConsume1kFlows(b *testing.B) { benchConsume(b, 1000, 300) }

func benchConsume(b *testing.B, flows, rounds int) {
	batches := flowPackets(flows, rounds)
	var packets, bytes int64
	for _, bt := range batches {
		packets += int64(bt.Len())
		for i := range bt.Packets {
			bytes += int64(bt.Packets[i].CapLen)
		}
	}
	b.ReportAllocs()
	b.SetBytes(bytes)
	b.ResetTimer()
	var s *Sink
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		var err error
		s, err = New(Options{Dir: dir, Spec: mustSpec(b, "5-tuple"), MaxOpen: 256})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for _, bt := range batches {
			if err := s.Consume(context.Background(), bt); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.Close(false); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(packets)*float64(b.N)/b.Elapsed().Seconds(), "packets/s")
	b.ReportMetric(float64(s.Summary().Opens), "opens")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(packets*int64(b.N)), "ns/packet")
}

// TestConsumeNoAllocs: once flows and buffers exist, consuming a batch does
// not allocate (flushes and file opens aside).
func TestConsumeNoAllocs(t *testing.T) {
	s, err := New(Options{Dir: t.TempDir(), Spec: mustSpec(t, "5-tuple"), BufferBytes: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(true)
	batches := flowPackets(200, 1)
	ctx := context.Background()
	for k := 0; k < 3; k++ { // warm up: flows, map and buffers
		if err := s.Consume(ctx, batches[0]); err != nil {
			t.Fatal(err)
		}
	}
	// Give the pool buffers of every class so flows moving up a class
	// (per flow, not per packet) do not allocate either.
	for _, c := range classes {
		for k := 0; k < 300; k++ {
			s.pool.put(make([]byte, 0, c))
		}
	}
	allocs := testing.AllocsPerRun(20, func() {
		if err := s.Consume(ctx, batches[0]); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%.2f allocations per batch of %d packets", allocs, batches[0].Len())
	}
}
