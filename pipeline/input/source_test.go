package input

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pcapflow/pcapflow/pipeline"
)

// recordSink keeps a copy of every packet it consumes.
type recordSink struct {
	mu     sync.Mutex
	pkts   []pkt
	closed int
}

func (s *recordSink) Name() string { return "record" }

func (s *recordSink) Consume(_ context.Context, b *pipeline.Batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range b.Packets {
		s.pkts = append(s.pkts, pkt{ci: b.Packets[i].CaptureInfo, data: bytes.Clone(b.Data(i))})
	}
	return nil
}

func (s *recordSink) Close(bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed++
	return nil
}

// runSource runs src through a real graph with small batches.
func runSource(t *testing.T, src pipeline.Source) (*recordSink, *pipeline.Inputs, error) {
	t.Helper()
	sink := &recordSink{}
	g := &pipeline.Graph{Source: src, Sinks: []pipeline.Sink{sink}, Workers: 2, BatchPackets: 4, BatchBytes: 512}
	_, err := g.Run(context.Background())
	if sink.closed != 1 {
		t.Errorf("sink closed %d times", sink.closed)
	}
	return sink, g.Inputs, err
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// testTree writes a directory of inputs: good pcap, good compressed pcapng,
// a text file and a truncated pcap.
func testTree(t *testing.T) (dir string, pcap, ng []byte) {
	dir = t.TempDir()
	var recs []rec
	for i := range 10 {
		recs = append(recs, rec{sec: uint32(100 + i), data: frame(50+i, byte(i))})
	}
	pcap = pcapFile(le, magicMicro, 0, 1, recs...)
	w := (&ngFile{}).shb(be).idb(113, 0).idb(101, 0)
	for i := range 7 {
		w.epb(uint32(i%2), uint64(200+i)*1e6, frame(40+i, byte(i)), 100)
	}
	ng = w.b
	writeFile(t, filepath.Join(dir, "a.pcap"), pcap)
	writeFile(t, filepath.Join(dir, "b", "c.pcapng.gz"), gzipped(t, ng))
	writeFile(t, filepath.Join(dir, "b", ".hidden"), []byte("skipped"))
	writeFile(t, filepath.Join(dir, "c.txt"), []byte("just text"))
	writeFile(t, filepath.Join(dir, "d.pcap"), pcap[:len(pcap)-5])
	return dir, pcap, ng
}

func TestExpand(t *testing.T) {
	dir, _, _ := testTree(t)
	got, err := Expand([]string{"-", dir, filepath.Join(dir, "a.pcap")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"-", filepath.Join(dir, "a.pcap"), filepath.Join(dir, "b", "c.pcapng.gz"),
		filepath.Join(dir, "c.txt"), filepath.Join(dir, "d.pcap"), filepath.Join(dir, "a.pcap")}
	if !slices.Equal(got, want) {
		t.Errorf("Expand\n got %q\nwant %q", got, want)
	}
	if _, err := Expand([]string{filepath.Join(dir, "missing.pcap")}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing path: err = %v, want not-exist", err)
	}
	if _, err := NewSource([]string{t.TempDir()}, Options{}); err == nil {
		t.Error("NewSource over an empty directory: no error")
	}
}

func TestSource(t *testing.T) {
	dir, pcap, _ := testTree(t)
	src, err := NewSource([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sink, inputs, err := runSource(t, src)
	if err != nil {
		t.Fatal(err)
	}
	all := inputs.All()
	type row struct {
		name, format, comp string
		packets            int64
		links              []uint16
		damage             string
	}
	var got []row
	var total int64
	for _, in := range all {
		r := row{name: filepath.Base(in.Name), format: in.Format, comp: in.Compression, packets: in.Packets, links: in.LinkTypes}
		if in.Damage != nil {
			r.damage = in.Damage.Error()
		}
		got = append(got, r)
		st, err := os.Stat(in.Name)
		if err != nil || st.Size() != in.Size {
			t.Errorf("%s: Size %d, on disk %v (%v)", in.Name, in.Size, st.Size(), err)
		}
		total += in.Size
	}
	want := []row{
		{name: "a.pcap", format: "pcap", packets: 10, links: []uint16{1}},
		{name: "c.pcapng.gz", format: "pcapng", comp: "gzip", packets: 7, links: []uint16{113, 101}},
		{name: "c.txt", damage: "frame 1 at byte offset 0: not a pcap or pcapng file (magic 0x6a757374)"},
		{name: "d.pcap", format: "pcap", packets: 9, links: []uint16{1}, damage: "frame 10 at byte offset 654: truncated packet data"},
	}
	if len(got) != len(want) {
		t.Fatalf("inputs %+v, want %+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.name != w.name || g.format != w.format || g.comp != w.comp || g.packets != w.packets || !slices.Equal(g.links, w.links) || g.damage != w.damage {
			t.Errorf("input %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	if inputs.TotalBytes.Load() != total {
		t.Errorf("TotalBytes %d, want %d", inputs.TotalBytes.Load(), total)
	}
	if rb := inputs.ReadBytes.Load(); rb != total {
		t.Errorf("ReadBytes %d, want %d (every file read to its end)", rb, total)
	}
	if len(sink.pkts) != 26 {
		t.Fatalf("sink got %d packets, want 26", len(sink.pkts))
	}
	// Run order and provenance: input by input, frames counting from 1.
	var lastInput pipeline.InputID
	var lastFrame uint64
	for i, p := range sink.pkts {
		if p.ci.Input != lastInput {
			if p.ci.Input < lastInput || p.ci.Frame != 1 {
				t.Fatalf("packet %d: input %d frame %d after input %d frame %d", i, p.ci.Input, p.ci.Frame, lastInput, lastFrame)
			}
		} else if i > 0 && p.ci.Frame != lastFrame+1 {
			t.Fatalf("packet %d: frame %d after %d", i, p.ci.Frame, lastFrame)
		}
		lastInput, lastFrame = p.ci.Input, p.ci.Frame
	}
	// Bytes really come from the file at the recorded offsets.
	for _, p := range sink.pkts {
		if p.ci.Input == 0 {
			hdr := int(p.ci.Offset)
			if !bytes.Equal(pcap[hdr+16:hdr+16+len(p.data)], p.data) {
				t.Errorf("frame %d: bytes differ from the file at offset %d", p.ci.Frame, p.ci.Offset)
			}
		}
	}
}

func TestSourceStrict(t *testing.T) {
	dir, _, _ := testTree(t)
	bad := filepath.Join(dir, "d.pcap")
	src, err := NewSource([]string{filepath.Join(dir, "a.pcap"), bad, filepath.Join(dir, "a.pcap")}, Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	sink, inputs, err := runSource(t, src)
	var ie *pipeline.InputError
	if !errors.As(err, &ie) || ie.Name != bad {
		t.Fatalf("err = %v, want an InputError for %s", err, bad)
	}
	if msg := err.Error(); !strings.Contains(msg, bad+": frame 10 at byte offset 654") {
		t.Errorf("error %q does not name file, frame and offset", msg)
	}
	if d := inputs.Get(1).Damage; d == nil || d.Frame != 10 {
		t.Errorf("damage not recorded: %v", d)
	}
	if n := len(sink.pkts); n > 19 {
		t.Errorf("sink got %d packets after a strict failure", n)
	}
}

func TestSourceStdin(t *testing.T) {
	_, _, ng := testTree(t)
	src, err := NewSource([]string{"-"}, Options{Stdin: bytes.NewReader(append(zstded(t, ng), 0))})
	if err != nil {
		t.Fatal(err)
	}
	sink, inputs, err := runSource(t, src)
	if err != nil {
		t.Fatal(err)
	}
	in := inputs.Get(0)
	if in.Name != "-" || in.Compression != "zstd" || in.Format != "pcapng" || in.Packets != 7 || len(sink.pkts) != 7 {
		t.Errorf("stdin input %+v, %d packets delivered", in, len(sink.pkts))
	}
	// Trailing garbage after a complete zstd frame is damage, not silence.
	if in.Damage == nil {
		t.Error("garbage after the zstd frame was not reported")
	}
}

func TestSourceCancel(t *testing.T) {
	dir, _, _ := testTree(t)
	src, err := NewSource([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g := &pipeline.Graph{Source: src, Sinks: []pipeline.Sink{&recordSink{}}, BatchPackets: 2}
	if _, err := g.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestSourceReadsOn reads an input with junk between two records and a cut
// last record, alone, beside another with --jobs, and merged: every
// readable record is delivered, both damaged places are recorded, and
// reading is said to have stopped at the last. With Strict the first
// damage ends the run.
func TestSourceReadsOn(t *testing.T) {
	dir := t.TempDir()
	var recs []rec
	for i := range 6 {
		recs = append(recs, rec{sec: 1700000000 + uint32(i), data: frame(40, byte(i))})
	}
	full := pcapFile(le, magicMicro, 65535, 1, recs...)
	at := int64(24 + 2*(16+40)) // the third record
	bad := slices.Concat(full[:at], bytes.Repeat([]byte{0xff}, 9), full[at:len(full)-5])
	writeFile(t, filepath.Join(dir, "bad.pcap"), bad)
	writeFile(t, filepath.Join(dir, "good.pcap"), full)
	paths := []string{filepath.Join(dir, "bad.pcap"), filepath.Join(dir, "good.pcap")}
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"sequential", Options{}},
		{"jobs", Options{Jobs: 2}},
		{"merge", Options{Merge: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := NewSource(paths, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			sink, inputs, err := runSource(t, src)
			if err != nil {
				t.Fatal(err)
			}
			if len(sink.pkts) != 5+6 {
				t.Errorf("%d packets delivered, want 11", len(sink.pkts))
			}
			in := inputs.Get(0)
			if in.Packets != 5 || in.Damages != 2 || in.SkippedBytes != 9 || in.ReadOn() {
				t.Fatalf("input %+v", in)
			}
			text := in.DamageText()
			for _, want := range []string{"frame 3 at byte offset 136", "skipped 9 bytes", "2 damaged places in all", "reading stopped at the last, frame 6 at byte offset"} {
				if !strings.Contains(text, want) {
					t.Errorf("damage %q does not say %q", text, want)
				}
			}
			if inputs.Get(1).Damage != nil {
				t.Errorf("good input damaged: %v", inputs.Get(1).Damage)
			}
		})
	}
	t.Run("strict", func(t *testing.T) {
		src, err := NewSource(paths, Options{Strict: true})
		if err != nil {
			t.Fatal(err)
		}
		sink, inputs, err := runSource(t, src)
		if err == nil || !strings.Contains(err.Error(), "frame 3 at byte offset 136") || strings.Contains(err.Error(), "skipped") {
			t.Fatalf("err = %v, want the first damage, not read on", err)
		}
		if len(sink.pkts) > 2 || inputs.Get(0).Damages != 1 {
			t.Errorf("%d packets, input %+v", len(sink.pkts), inputs.Get(0))
		}
	})
}
