package input

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/pipeline"
)

// FuzzReader feeds arbitrary bytes to NewReader and ReadPacket: the read
// loop must end, never panic, number frames 1, 2, 3… and place every record
// after the previous one.
func FuzzReader(f *testing.F) {
	corpus.Seed(func(b []byte) { f.Add(b) }, 64<<10)
	for _, tc := range append(pcapCases(), pcapngCases()...) {
		f.Add(tc.in)
	}
	f.Add(gzipped(f, pcapCases()[0].in))
	f.Add(zstded(f, pcapngCases()[0].in))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := NewReader(bytes.NewReader(data))
		if err != nil {
			var d *pipeline.Damage
			if !errors.As(err, &d) || d.Frame != 1 || d.Offset != 0 {
				t.Fatalf("NewReader error %v is not damage at frame 1 offset 0", err)
			}
			return
		}
		defer rd.Close()
		b := pipeline.NewBatch(4, 4096)
		var frame uint64
		lastOff := int64(-1)
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
				frame = p.Frame
				lastOff = p.Offset
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
				if d.Frame <= frame || d.Offset <= lastOff {
					t.Fatalf("damage %v after frame %d at offset %d", d, frame, lastOff)
				}
				if again := rd.ReadPacket(b, 1); again != err {
					t.Fatalf("read after damage returned %v", again)
				}
				return
			}
		}
	})
}
