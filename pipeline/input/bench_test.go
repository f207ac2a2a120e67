package input

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/pcapflow/pcapflow/pipeline"
)

// benchPcap builds an in-memory pcap of n frames of mixed sizes.
func benchPcap(n int) []byte {
	recs := make([]rec, n)
	for i := range recs {
		recs[i] = rec{sec: uint32(i / 1000), frac: uint32(i % 1000), data: frame(60+(i*37)%1400, byte(i))}
	}
	return pcapFile(le, magicMicro, 0, 1, recs...)
}

// benchPcapng builds an in-memory pcapng of n frames over two interfaces.
func benchPcapng(n int) []byte {
	w := (&ngFile{}).shb(le).idb(1, 0).idb(113, 0, opt{optTsresol, u8(9)})
	for i := range n {
		w.epb(uint32(i%2), uint64(i)*1000, frame(60+(i*37)%1400, byte(i)), 1500)
	}
	return w.b
}

// readFile reads a whole capture into batches of the graph's default size.
func readFile(tb testing.TB, data []byte, b *pipeline.Batch) int {
	rd, err := NewReader(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	defer rd.Close()
	n := 0
	for {
		err := rd.ReadPacket(b, 0)
		switch {
		case err == nil:
			n++
		case errors.Is(err, ErrBatchFull):
			b.Reset()
		case err == io.EOF:
			b.Reset()
			return n
		default:
			tb.Fatal(err)
		}
	}
}

func benchRead(b *testing.B, data []byte, frames int) {
	batch := pipeline.NewBatch(1024, 1<<20)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if n := readFile(b, data, batch); n != frames {
			b.Fatalf("%d frames, want %d", n, frames)
		}
	}
	b.ReportMetric(float64(frames*b.N)/b.Elapsed().Seconds(), "frames/s")
}

// BenchmarkReadPcap reads a 20000-frame pcap per op; allocs/op are the
// per-file setup (reader, buffers), not per frame.
func BenchmarkReadPcap(b *testing.B) { benchRead(b, benchPcap(20000), 20000) }

// BenchmarkReadPcapng is BenchmarkReadPcap for pcapng.
func BenchmarkReadPcapng(b *testing.B) { benchRead(b, benchPcapng(20000), 20000) }

// BenchmarkReadPcapGzip reads the pcap through gzip.
func BenchmarkReadPcapGzip(b *testing.B) { benchRead(b, gzipped(b, benchPcap(20000)), 20000) }

// BenchmarkReadPcapngZstd reads the pcapng through zstd.
func BenchmarkReadPcapngZstd(b *testing.B) { benchRead(b, zstded(b, benchPcapng(20000)), 20000) }

// TestReadPacketAllocs proves that ReadPacket allocates nothing per frame
// once the reader is running, for every format and compression.
func TestReadPacketAllocs(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"pcap", benchPcap(5000)},
		{"pcapng", benchPcapng(5000)},
		{"pcap.gz", gzipped(t, benchPcap(5000))},
		{"pcapng.zst", zstded(t, benchPcapng(5000))},
	} {
		t.Run(c.name, func(t *testing.T) {
			rd, err := NewReader(bytes.NewReader(c.data))
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			b := pipeline.NewBatch(64, 128<<10)
			read := func() {
				err := rd.ReadPacket(b, 0)
				if errors.Is(err, ErrBatchFull) {
					b.Reset()
					err = rd.ReadPacket(b, 0)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			for range 100 { // warm up the decompressor's buffers
				read()
			}
			if a := testing.AllocsPerRun(3000, read); a != 0 {
				t.Errorf("%v allocations per ReadPacket, want 0", a)
			}
		})
	}
}
