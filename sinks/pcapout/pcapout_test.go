package pcapout

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/pcapflow/pcapflow/pipeline"
)

// frame is a hand-built packet for round trips.
type frame struct {
	ts       int64
	data     []byte
	origLen  uint32
	linkType uint16
	digits   uint8
}

func mkData(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i*7)
	}
	return b
}

func batchOf(frames []frame) *pipeline.Batch {
	b := pipeline.NewBatch(len(frames)+1, 1<<16)
	for i, f := range frames {
		ol := f.origLen
		if ol == 0 {
			ol = uint32(len(f.data))
		}
		b.AddCopy(pipeline.CaptureInfo{Timestamp: f.ts, OrigLen: ol, LinkType: f.linkType, TsDigits: f.digits, Frame: uint64(i + 1)}, f.data)
	}
	return b
}

// readBack decodes a capture with gopacket's pcapgo readers.
func readBack(t *testing.T, format Format, raw []byte) []frame {
	t.Helper()
	var out []frame
	switch format {
	case Pcap:
		r, err := pcapgo.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("pcapgo.NewReader: %v", err)
		}
		for {
			data, ci, err := r.ReadPacketData()
			if err == io.EOF {
				return out
			}
			if err != nil {
				t.Fatalf("pcap read: %v", err)
			}
			out = append(out, frame{ts: ci.Timestamp.UnixNano(), data: data, origLen: uint32(ci.Length), linkType: uint16(r.LinkType())})
		}
	default:
		r, err := pcapgo.NewNgReader(bytes.NewReader(raw), pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			t.Fatalf("pcapgo.NewNgReader: %v", err)
		}
		for {
			data, ci, err := r.ReadPacketData()
			if err == io.EOF {
				return out
			}
			if err != nil {
				t.Fatalf("pcapng read: %v", err)
			}
			intf, err := r.Interface(ci.InterfaceIndex)
			if err != nil {
				t.Fatal(err)
			}
			if intf.TimestampResolution != 9 {
				t.Errorf("if_tsresol = %d, want 9", intf.TimestampResolution)
			}
			out = append(out, frame{ts: ci.Timestamp.UnixNano(), data: data, origLen: uint32(ci.Length), linkType: uint16(intf.LinkType)})
		}
	}
}

var (
	t0  = time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC).UnixNano()
	eth = uint16(layers.LinkTypeEthernet)
	raw = uint16(layers.LinkTypeRaw)
)

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		format   Format
		frames   []frame
		wantNano bool // pcap: expected timestamp precision
		wantErr  bool
	}{
		{name: "pcap µs", format: Pcap, frames: []frame{
			{ts: t0 - t0%1000, data: mkData(60, 1), linkType: eth, digits: 6},
			{ts: t0 + 1e9 - t0%1000, data: mkData(1514, 2), linkType: eth, digits: 6},
			{ts: t0 + 2e9 - t0%1000, data: mkData(68, 3), origLen: 1500, linkType: eth, digits: 6}, // snaplen-cut
		}},
		{name: "pcap ns", format: Pcap, wantNano: true, frames: []frame{
			{ts: t0, data: mkData(61, 1), linkType: raw, digits: 9},
			{ts: t0 + 1, data: mkData(3, 2), linkType: raw, digits: 9},
		}},
		{name: "pcap zero length and before 1970", format: Pcap, wantNano: true, frames: []frame{
			{ts: 5, data: nil, origLen: 0, linkType: eth, digits: 9},
			{ts: 1e9 + 999999999, data: mkData(1, 9), linkType: eth, digits: 9},
		}},
		{name: "pcap mixed link types", format: Pcap, wantErr: true, frames: []frame{
			{ts: t0, data: mkData(60, 1), linkType: eth, digits: 6},
			{ts: t0, data: mkData(60, 1), linkType: raw, digits: 6},
		}},
		{name: "pcapng padding and ns", format: PcapNG, frames: []frame{
			{ts: t0, data: mkData(61, 1), linkType: eth, digits: 9},
			{ts: t0 + 7, data: mkData(62, 2), linkType: eth, digits: 6},
			{ts: t0 + 8, data: mkData(63, 3), origLen: 9000, linkType: eth, digits: 9},
			{ts: t0 + 9, data: mkData(64, 4), linkType: eth, digits: 9},
		}},
		{name: "pcapng several link types", format: PcapNG, frames: []frame{
			{ts: t0, data: mkData(60, 1), linkType: eth, digits: 9},
			{ts: t0 + 1, data: mkData(40, 2), linkType: raw, digits: 9},
			{ts: t0 + 2, data: mkData(44, 3), linkType: uint16(layers.LinkTypeNull), digits: 9},
			{ts: t0 + 3, data: mkData(60, 4), linkType: eth, digits: 9},
			{ts: t0 + 4, data: mkData(41, 5), linkType: raw, digits: 9},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := NewStreamSink(&buf, tt.format.String())
			if err != nil {
				t.Fatal(err)
			}
			err = w.Consume(context.Background(), batchOf(tt.frames))
			if tt.wantErr {
				if !errors.Is(err, ErrLinkType) || !strings.Contains(err.Error(), "--format pcapng") {
					t.Fatalf("Consume error %v, want ErrLinkType suggesting pcapng", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Close(false); err != nil {
				t.Fatal(err)
			}
			if w.Packets() != int64(len(tt.frames)) || w.Bytes() != int64(buf.Len()) {
				t.Errorf("counters %d packets %d bytes; want %d, %d", w.Packets(), w.Bytes(), len(tt.frames), buf.Len())
			}
			if tt.format == Pcap {
				magic := le.Uint32(buf.Bytes())
				if (magic == MagicNano) != tt.wantNano {
					t.Errorf("magic %#x, want nano=%v", magic, tt.wantNano)
				}
			}
			got := readBack(t, tt.format, buf.Bytes())
			if len(got) != len(tt.frames) {
				t.Fatalf("read %d packets, want %d", len(got), len(tt.frames))
			}
			for i, want := range tt.frames {
				g := got[i]
				wantTs := want.ts
				if tt.format == Pcap && !tt.wantNano {
					wantTs -= wantTs % 1000
				}
				ol := want.origLen
				if ol == 0 {
					ol = uint32(len(want.data))
				}
				if g.ts != wantTs || !bytes.Equal(g.data, want.data) || g.origLen != ol || g.linkType != want.linkType {
					t.Errorf("packet %d: ts %d len %d orig %d lt %d; want ts %d len %d orig %d lt %d",
						i, g.ts, len(g.data), g.origLen, g.linkType, wantTs, len(want.data), ol, want.linkType)
				}
			}
		})
	}
}

func TestEncodedSizes(t *testing.T) {
	if n := len(AppendSHB(nil)); n != SHBLen {
		t.Errorf("SHB is %d bytes, want %d", n, SHBLen)
	}
	if n := len(AppendIDB(nil, 1, 0)); n != IDBLen {
		t.Errorf("IDB is %d bytes, want %d", n, IDBLen)
	}
	if n := len(AppendPcapHeader(nil, true, 1, 1)); n != PcapHeaderLen {
		t.Errorf("pcap header is %d bytes", n)
	}
	for capLen := 0; capLen < 9; capLen++ {
		data := make([]byte, capLen)
		if n := len(AppendEPB(nil, 0, 1, data, 1)); n != EPBLen(capLen) || n%4 != 0 {
			t.Errorf("EPB of %d bytes is %d, EPBLen says %d", capLen, n, EPBLen(capLen))
		}
		if n := len(AppendPcapRecord(nil, false, 1, data, 1)); n != PcapRecordLen(capLen) {
			t.Errorf("record of %d bytes is %d", capLen, n)
		}
		s := Stream{Format: PcapNG}
		out, _ := s.Append(nil, &pipeline.CaptureInfo{LinkType: 1}, data)
		if len(out) > s.MaxAppendLen(capLen) {
			t.Errorf("Append wrote %d bytes, MaxAppendLen says %d", len(out), s.MaxAppendLen(capLen))
		}
	}
}

func TestEmptyOutputIsValid(t *testing.T) {
	for _, f := range []Format{Pcap, PcapNG} {
		var buf bytes.Buffer
		w, _ := NewStreamSink(&buf, f.String())
		if err := w.Close(false); err != nil {
			t.Fatal(err)
		}
		if got := readBack(t, f, buf.Bytes()); len(got) != 0 {
			t.Errorf("%v: %d packets in an empty output", f, len(got))
		}
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"": Pcap, "pcap": Pcap, "PCAPNG": PcapNG} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("erf"); err == nil || !strings.Contains(err.Error(), "pcap, pcapng") {
		t.Errorf("ParseFormat(erf) error %v", err)
	}
}

func TestWriterSinkFile(t *testing.T) {
	frames := []frame{
		{ts: t0, data: mkData(60, 1), linkType: eth, digits: 9},
		{ts: t0 + 5, data: mkData(70, 2), linkType: eth, digits: 9},
	}
	tests := []struct {
		name     string
		format   string
		frames   []frame
		aborted  bool
		wantFile bool
		wantErr  bool
	}{
		{name: "pcap committed", format: "pcap", frames: frames, wantFile: true},
		{name: "pcapng committed", format: "pcapng", frames: frames, wantFile: true},
		{name: "aborted run leaves nothing", format: "pcap", frames: frames, aborted: true},
		{name: "link type error leaves nothing", format: "pcap", wantErr: true, frames: append([]frame{{ts: 1, data: mkData(20, 1), linkType: raw}}, frames...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out."+tt.format)
			w, err := NewWriterSink(path, tt.format, Options{BufferSize: 64})
			if err != nil {
				t.Fatal(err)
			}
			err = w.Consume(context.Background(), batchOf(tt.frames))
			if (err != nil) != tt.wantErr {
				t.Fatalf("Consume: %v", err)
			}
			if err := w.Close(tt.aborted || tt.wantErr); err != nil {
				t.Fatal(err)
			}
			ents, _ := os.ReadDir(dir)
			if !tt.wantFile {
				if len(ents) != 0 {
					t.Fatalf("left %v", ents)
				}
				return
			}
			if len(ents) != 1 {
				t.Fatalf("directory holds %v", ents)
			}
			rawFile, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, _ := ParseFormat(tt.format)
			got := readBack(t, f, rawFile)
			if len(got) != len(tt.frames) || got[1].ts != t0+5 || !bytes.Equal(got[1].data, tt.frames[1].data) {
				t.Errorf("read back %d packets: %+v", len(got), got)
			}
		})
	}
}

// FuzzStreamRoundTrip encodes packets cut from the fuzz input in both
// formats and checks that pcapgo reads back exactly what went in.
func FuzzStreamRoundTrip(f *testing.F) {
	f.Add([]byte{3, 1, 2, 3, 0, 9, 200, 1, 2, 3, 4, 5, 6, 7, 8, 9}, int64(t0), uint16(1))
	f.Add([]byte{}, int64(0), uint16(101))
	f.Fuzz(func(t *testing.T, in []byte, ts int64, lt uint16) {
		// pcap seconds are an unsigned 32-bit field: keep within 1970..2106.
		if ts < 0 {
			ts = -ts
		}
		ts %= (1 << 32) * 1e9
		var frames []frame
		for len(in) > 0 && len(frames) < 50 {
			n := int(in[0])
			in = in[1:]
			if n > len(in) {
				n = len(in)
			}
			frames = append(frames, frame{ts: ts + int64(len(frames)), data: in[:n], origLen: uint32(n) + uint32(len(frames)), linkType: lt, digits: 9})
			in = in[n:]
		}
		for _, format := range []Format{Pcap, PcapNG} {
			var buf bytes.Buffer
			w, _ := NewStreamSink(&buf, format.String())
			if err := w.Consume(context.Background(), batchOf(frames)); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(false); err != nil {
				t.Fatal(err)
			}
			got := readBack(t, format, buf.Bytes())
			if len(got) != len(frames) {
				t.Fatalf("%v: %d packets back, want %d", format, len(got), len(frames))
			}
			for i := range got {
				if got[i].ts != frames[i].ts || !bytes.Equal(got[i].data, frames[i].data) || got[i].origLen != frames[i].origLen {
					t.Fatalf("%v packet %d differs: %+v vs %+v", format, i, got[i], frames[i])
				}
			}
		}
	})
}

func BenchmarkEncode(b *testing.B) {
	data := mkData(1400, 1)
	for _, tt := range []struct {
		name string
		enc  func(dst []byte, ts int64) []byte
	}{
		{"pcap", func(dst []byte, ts int64) []byte { return AppendPcapRecord(dst, true, ts, data, 1400) }},
		{"pcapng", func(dst []byte, ts int64) []byte { return AppendEPB(dst, 0, ts, data, 1400) }},
	} {
		b.Run(tt.name, func(b *testing.B) {
			buf := make([]byte, 0, 4096)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				buf = tt.enc(buf[:0], int64(i))
			}
		})
	}
}

func BenchmarkWriterSink(b *testing.B) {
	batch := pipeline.NewBatch(1024, 1<<20)
	for i := 0; i < 1024; i++ {
		batch.AddCopy(pipeline.CaptureInfo{Timestamp: t0 + int64(i), OrigLen: 600, LinkType: eth, TsDigits: 9}, mkData(600, byte(i)))
	}
	for _, format := range []string{"pcap", "pcapng"} {
		b.Run(format, func(b *testing.B) {
			w, _ := NewStreamSink(io.Discard, format)
			b.SetBytes(1024 * 600)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := w.Consume(context.Background(), batch); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
