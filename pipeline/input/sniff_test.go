package input

import (
	"bytes"
	"errors"
	"testing"

	"github.com/pcapflow/pcapflow/pipeline"
)

// TestSniff: Sniff answers like NewReader on captures, compressed or not,
// and fails like it on what is not one.
func TestSniff(t *testing.T) {
	pcap := pcapFile(le, magicNano, 65535, 1, rec{sec: 1, data: frame(60, 1)})
	ng := (&ngFile{}).shb(be).idb(1, 0).epb(0, 5, frame(70, 2), 0).b
	for _, tt := range []struct {
		name        string
		in          []byte
		format, cmp string
	}{
		{"pcap", pcap, "pcap", ""},
		{"pcap/be-usec", pcapFile(be, magicMicro, 0, 1), "pcap", ""},
		{"pcapng", ng, "pcapng", ""},
		{"pcap.gz", gzipped(t, pcap), "pcap", "gzip"},
		{"pcapng.gz", gzipped(t, ng), "pcapng", "gzip"},
		{"pcap.zst", zstded(t, pcap), "pcap", "zstd"},
		{"pcapng.zst", zstded(t, ng), "pcapng", "zstd"},
		{"not a capture", []byte("hello, world"), "", ""},
		{"short", []byte{0xd4, 0xc3}, "", ""},
		{"empty", nil, "", ""},
		{"gzip of text", gzipped(t, []byte("text")), "", "gzip"},
		{"cut gzip", gzipped(t, pcap)[:5], "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			format, cmp, err := Sniff(bytes.NewReader(tt.in))
			rd, rerr := NewReader(bytes.NewReader(tt.in))
			if tt.format == "" {
				var d *pipeline.Damage
				if err == nil || !errors.As(err, &d) || d.Frame != 1 || d.Offset != 0 {
					t.Fatalf("Sniff = %q %q %v, want a damage at frame 1, offset 0", format, cmp, err)
				}
				if rerr == nil {
					t.Errorf("NewReader accepted what Sniff refused")
				}
				return
			}
			if err != nil || format != tt.format || cmp != tt.cmp {
				t.Fatalf("Sniff = %q %q %v, want %q %q", format, cmp, err, tt.format, tt.cmp)
			}
			if rerr != nil || rd.Format() != format || rd.Compression() != cmp {
				t.Errorf("NewReader says %v %v, Sniff %q %q", rd, rerr, format, cmp)
			}
		})
	}
}

// FuzzSniff: whenever NewReader accepts a stream, Sniff names the same
// format and compression; Sniff never panics and its errors are damage at
// frame 1, offset 0.
func FuzzSniff(f *testing.F) {
	for _, tc := range append(pcapCases(), pcapngCases()...) {
		f.Add(tc.in)
	}
	f.Add(gzipped(f, pcapCases()[0].in))
	f.Add(zstded(f, pcapngCases()[0].in))
	f.Fuzz(func(t *testing.T, data []byte) {
		format, cmp, err := Sniff(bytes.NewReader(data))
		if err != nil {
			var d *pipeline.Damage
			if !errors.As(err, &d) || d.Frame != 1 || d.Offset != 0 {
				t.Fatalf("Sniff error %v is not damage at frame 1 offset 0", err)
			}
		}
		if rd, rerr := NewReader(bytes.NewReader(data)); rerr == nil {
			if err != nil || rd.Format() != format || rd.Compression() != cmp {
				t.Fatalf("NewReader: %s %q; Sniff: %q %q %v", rd.Format(), rd.Compression(), format, cmp, err)
			}
			rd.Close()
		}
	})
}

// BenchmarkSniff compares looking at a file's format with Sniff and with
// NewReader (what split did before it had Sniff), on a 2 MiB pcap in memory.
func BenchmarkSniff(b *testing.B) {
	var recs []rec
	for i := range 2000 {
		recs = append(recs, rec{sec: uint32(i), data: frame(1000, byte(i))})
	}
	data := pcapFile(le, magicMicro, 65535, 1, recs...)
	b.Run("Sniff", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if f, _, err := Sniff(bytes.NewReader(data)); err != nil || f != "pcap" {
				b.Fatal(f, err)
			}
		}
	})
	b.Run("NewReader", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rd, err := NewReader(bytes.NewReader(data))
			if err != nil || rd.Format() != "pcap" {
				b.Fatal(err)
			}
			rd.Close()
		}
	})
}
