package live

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pcapflow/pcapflow/internal/testcap"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/sinks/pcapout"
)

// countFrames reads a capture to the end and returns its frame timestamps.
func countFrames(t *testing.T, path string) []int64 {
	t.Helper()
	var ts []int64
	for _, f := range testcap.Read(t, path) {
		ts = append(ts, f.Timestamp)
	}
	return ts
}

func TestRotatingWriter(t *testing.T) {
	const sec = int64(1e9)
	frame := make([]byte, 100)
	for _, tc := range []struct {
		name   string
		file   string
		rot    Rotation
		format string
		want   []int // frames per file
	}{
		{"none", "all.pcap", Rotation{}, "pcap", []int{20}},
		{"every 5s", "t.pcap", Rotation{Every: 5 * sec}, "pcap", []int{5, 5, 5, 5}},
		{"every 7s pcapng", "t.pcapng", Rotation{Every: 7 * sec}, "pcapng", []int{7, 7, 6}},
		// 116 bytes per record: 8 records fit in 1000 bytes.
		{"size", "s.pcap", Rotation{Bytes: 1000}, "pcap", []int{8, 8, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			w, err := NewRotatingWriter(filepath.Join(dir, tc.file), tc.format, tc.rot, pcapout.Options{})
			if err != nil {
				t.Fatal(err)
			}
			// 20 frames one second apart, in batches of 3.
			for i := 0; i < 20; i += 3 {
				b := pipeline.NewBatch(3, 1<<12)
				for j := i; j < min(i+3, 20); j++ {
					b.AddCopy(pipeline.CaptureInfo{Timestamp: int64(j) * sec, OrigLen: 100, LinkType: 1, TsDigits: 9}, frame)
				}
				if err := w.Consume(context.Background(), b); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(false); err != nil {
				t.Fatal(err)
			}
			files := w.Files()
			if len(files) != len(tc.want) {
				t.Fatalf("files %v, want %d", files, len(tc.want))
			}
			next := int64(0)
			for i, f := range files {
				ts := countFrames(t, f)
				if len(ts) != tc.want[i] {
					t.Errorf("%s: %d frames, want %d", filepath.Base(f), len(ts), tc.want[i])
				}
				for _, x := range ts {
					if x != next {
						t.Errorf("%s: frame at %ds, want %ds", filepath.Base(f), x/sec, next/sec)
					}
					next += sec
				}
			}
			if len(tc.want) == 1 && files[0] != filepath.Join(dir, tc.file) {
				t.Errorf("without rotation the file is %s", files[0])
			}
		})
	}
}

func TestRotatingWriterAbort(t *testing.T) {
	dir := t.TempDir()
	w, err := NewRotatingWriter(filepath.Join(dir, "x.pcap"), "pcap", Rotation{}, pcapout.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(true); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("an aborted writer left %v", ents)
	}
	if _, err := NewRotatingWriter(filepath.Join(dir, "y.pcap"), "pcapx", Rotation{}, pcapout.Options{}); err == nil {
		t.Errorf("bad format accepted")
	}
}

func TestLimit(t *testing.T) {
	stops := 0
	l := NewLimit(5, func() { stops++ })
	p := l.NewProcessor()
	var got []int
	for _, n := range []int{3, 3, 2} {
		b := pipeline.NewBatch(4, 1024)
		for i := 0; i < n; i++ {
			b.AddCopy(pipeline.CaptureInfo{}, []byte{1})
		}
		if err := p.Process(b); err != nil {
			t.Fatal(err)
		}
		got = append(got, b.Len())
	}
	if got[0] != 3 || got[1] != 2 || got[2] != 0 || stops != 1 {
		t.Errorf("batches kept %v, stop called %d times; want [3 2 0] and once", got, stops)
	}
}
