package input

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/pipeline"
)

// FuzzReader feeds arbitrary bytes to NewReader and ReadPacket, with and
// without resync: the read loop must end, never panic, number frames 1,
// 2, 3… and place every record after the previous one; after damage it
// read on from, the next record or damage is where the damage says.
func FuzzReader(f *testing.F) {
	corpus.Seed(func(b []byte) { f.Add(b) }, 64<<10)
	for _, tc := range append(pcapCases(), pcapngCases()...) {
		f.Add(tc.in)
	}
	f.Add(gzipped(f, pcapCases()[0].in))
	f.Add(zstded(f, pcapngCases()[0].in))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, false)
		// Resync reads a damaged input to its end in one call, which
		// for a small compressed input can be gigabytes: it is fuzzed
		// on uncompressed ones (it reads what the decompressor gives).
		if len(data) >= 2 && !(data[0] == 0x1f && data[1] == 0x8b) && !bytes.HasPrefix(data, []byte{0x28, 0xb5, 0x2f, 0xfd}) {
			fuzzRead(t, data, true)
		}
	})
}

// fuzzRead is one pass of FuzzReader.
func fuzzRead(t *testing.T, data []byte, resync bool) {
	rd, err := NewReader(bytes.NewReader(data))
	if err != nil {
		var d *pipeline.Damage
		if !errors.As(err, &d) || d.Frame != 1 || d.Offset != 0 {
			t.Fatalf("NewReader error %v is not damage at frame 1 offset 0", err)
		}
		return
	}
	defer rd.Close()
	rd.SetResync(resync)
	b := pipeline.NewBatch(4, 4096)
	var frame uint64
	lastOff := int64(-1)
	resumeAt := int64(-1) // where the last damage read on from
	// Decompression can multiply the input; stop (successfully) after
	// a bound that still proves progress.
	for calls := 0; calls < 1<<16; calls++ {
		err := rd.ReadPacket(b, 1)
		switch {
		case err == nil:
			p := &b.Packets[b.Len()-1]
			// Frame numbers increase; pcapng custom blocks take numbers
			// of their own (as in Wireshark), so they may skip.
			if p.Frame <= frame || p.Offset <= lastOff || int(p.CapLen) != len(b.Data(b.Len()-1)) || p.Input != 1 {
				t.Fatalf("packet %+v after frame %d offset %d", p.CaptureInfo, frame, lastOff)
			}
			if resumeAt >= 0 && p.Offset != resumeAt {
				t.Fatalf("packet at offset %d after damage that read on from %d", p.Offset, resumeAt)
			}
			frame, lastOff, resumeAt = p.Frame, p.Offset, -1
		case errors.Is(err, ErrBatchFull):
			if b.Len() == 0 {
				t.Fatal("ErrBatchFull on an empty batch")
			}
			b.Reset()
		case err == io.EOF:
			return
		default:
			var d *pipeline.Damage
			if !errors.As(err, &d) {
				t.Fatalf("error %v is not damage", err)
			}
			if d.Frame <= frame || d.Offset <= lastOff || resumeAt >= 0 && d.Offset != resumeAt {
				t.Fatalf("damage %v after frame %d at offset %d (read on from %d)", d, frame, lastOff, resumeAt)
			}
			if d.Skipped > 0 {
				if !resync {
					t.Fatalf("damage %v read on without resync", d)
				}
				lastOff, resumeAt = d.Offset, d.Offset+d.Skipped
				continue
			}
			if again := rd.ReadPacket(b, 1); again != err {
				t.Fatalf("read after damage returned %v", again)
			}
			return
		}
	}
}
