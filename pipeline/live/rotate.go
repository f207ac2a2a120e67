package live

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/sinks/pcapout"
)

// Rotation says when a RotatingWriter starts its next file. Zero fields
// never rotate.
type Rotation struct {
	// Every starts a new file when a packet's timestamp is this many ns or
	// more after the current file's first packet.
	Every int64
	// Bytes starts a new file when the current one holds this many bytes.
	Bytes int64
}

// RotatingWriter is a pipeline.Sink writing a capture that is cut into
// numbered files (NAME-000001.pcap, NAME-000002.pcap, …) by time or size.
// Each file is complete and valid on its own: it is written under a
// temporary name and renamed when finished. Without rotation it writes
// exactly the path it was given.
type RotatingWriter struct {
	path, format string
	rot          Rotation
	opts         pcapout.Options
	cur          *pcapout.WriterSink
	curFirst     int64
	curBytes     int64
	n            int
	files        []string
	scratch      *pipeline.Batch
}

// NewRotatingWriter returns a sink writing path in format "pcap" or
// "pcapng", rotated by rot.
func NewRotatingWriter(path, format string, rot Rotation, opts pcapout.Options) (*RotatingWriter, error) {
	if _, err := pcapout.ParseFormat(format); err != nil {
		return nil, err
	}
	if rot.Every < 0 || rot.Bytes < 0 {
		return nil, errors.New("rotation interval and size must not be negative")
	}
	w := &RotatingWriter{path: path, format: format, rot: rot, opts: opts}
	if rot.Every > 0 || rot.Bytes > 0 {
		w.scratch = pipeline.NewBatch(1024, 1<<20)
	}
	return w, w.open()
}

// Name returns "capture writer PATH".
func (w *RotatingWriter) Name() string { return "capture writer " + w.path }

// Files returns the files finished so far, in order, then the current one.
func (w *RotatingWriter) Files() []string { return append([]string(nil), w.files...) }

// fileName returns the name of file number n (from 1).
func (w *RotatingWriter) fileName(n int) string {
	if w.scratch == nil {
		return w.path
	}
	ext := filepath.Ext(w.path)
	return fmt.Sprintf("%s-%06d%s", strings.TrimSuffix(w.path, ext), n, ext)
}

func (w *RotatingWriter) open() error {
	w.n++
	name := w.fileName(w.n)
	s, err := pcapout.NewWriterSink(name, w.format, w.opts)
	if err != nil {
		return err
	}
	w.cur, w.curFirst, w.curBytes = s, 0, 0
	w.files = append(w.files, name)
	return nil
}

// Consume writes b, rotating between packets when due.
func (w *RotatingWriter) Consume(ctx context.Context, b *pipeline.Batch) error {
	if w.scratch == nil {
		return w.cur.Consume(ctx, b)
	}
	w.scratch.Reset()
	for i := range b.Packets {
		p := &b.Packets[i]
		due := w.curBytes > 0 && ((w.rot.Every > 0 && p.Timestamp-w.curFirst >= w.rot.Every) ||
			(w.rot.Bytes > 0 && w.curBytes+int64(pcapout.PcapRecordLen(int(p.CapLen))) > w.rot.Bytes))
		if due {
			if err := w.cur.Consume(ctx, w.scratch); err != nil {
				return err
			}
			w.scratch.Reset()
			if err := w.cur.Close(false); err != nil {
				return err
			}
			if err := w.open(); err != nil {
				return err
			}
		}
		if w.curBytes == 0 {
			w.curFirst = p.Timestamp
		}
		w.curBytes += int64(pcapout.PcapRecordLen(int(p.CapLen)))
		if w.scratch.Full(int(p.CapLen)) {
			if err := w.cur.Consume(ctx, w.scratch); err != nil {
				return err
			}
			w.scratch.Reset()
		}
		pk := w.scratch.Add(p.CaptureInfo, int(p.CapLen))
		copy(pk, b.Bytes(p))
		w.scratch.Packets[len(w.scratch.Packets)-1].Decoded = p.Decoded
	}
	return w.cur.Consume(ctx, w.scratch)
}

// Close finishes the current file (removing it when aborted).
func (w *RotatingWriter) Close(aborted bool) error {
	return w.cur.Close(aborted)
}
