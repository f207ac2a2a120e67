package testcap

import (
	"errors"
	"io"
	"os"
	"testing"

	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
)

// Frame is one frame of a capture: what the file says about it and a copy
// of its captured bytes.
type Frame struct {
	pipeline.CaptureInfo
	// Data is the captured bytes (CapLen of them), owned by the caller.
	Data []byte
}

// Read returns every frame of the capture at path (pcap or pcapng, plain,
// gzip or zstd), failing the test when the file cannot be opened or is
// damaged anywhere.
func Read(tb testing.TB, path string) []Frame {
	tb.Helper()
	frames, err := ReadPartial(tb, path)
	if err != nil {
		tb.Fatalf("%s: after %d frames: %v", path, len(frames), err)
	}
	return frames
}

// ReadPartial returns the frames of the capture at path up to the first
// damage, and that damage (nil when the file ends cleanly). It fails the
// test only when the file cannot be opened.
func ReadPartial(tb testing.TB, path string) ([]Frame, error) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r, err := input.NewReader(f)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []Frame
	b := pipeline.NewBatch(1024, 4<<20)
	flush := func() {
		for i := range b.Packets {
			out = append(out, Frame{CaptureInfo: b.Packets[i].CaptureInfo, Data: append([]byte(nil), b.Data(i)...)})
		}
		b.Reset()
	}
	for {
		err := r.ReadPacket(b, 0)
		switch {
		case err == nil:
		case errors.Is(err, input.ErrBatchFull) && b.Len() > 0:
			flush()
		case errors.Is(err, io.EOF):
			flush()
			return out, nil
		default:
			flush()
			return out, err
		}
	}
}
