package pcapout

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/sinks/atomicfile"
)

// DefaultBufferSize is the write buffer of a WriterSink.
const DefaultBufferSize = 1 << 20

// Options tune a WriterSink. The zero value picks defaults.
type Options struct {
	// BufferSize is the size of the write buffer (default 1 MiB).
	BufferSize int
	// Sync fsyncs the file before renaming it into place.
	Sync bool
	// Inputs, when set, names the input file in errors.
	Inputs *pipeline.Inputs
}

// WriterSink writes every packet of a run, in order, to one capture: the
// original captured bytes, original length, link type and timestamp (ns
// kept in pcapng, and in pcap when the first packet's input had ns
// precision). An empty run produces a valid empty capture (pcap: Ethernet,
// µs). A pcap output meeting a second link type stops the run with an error
// suggesting pcapng, so no packet is silently lost or mislabelled; a file
// output is then removed by Close(true).
type WriterSink struct {
	name    string
	stream  Stream
	bw      *bufio.Writer
	file    *atomicfile.File // nil for a stream
	inputs  *pipeline.Inputs
	scratch []byte
	packets int64
	bytes   int64
	err     error
}

// NewWriterSink creates the capture file path (written under a temporary
// name and renamed by Close) in format "pcap" or "pcapng".
func NewWriterSink(path string, format string, opts Options) (*WriterSink, error) {
	f, err := ParseFormat(format)
	if err != nil {
		return nil, err
	}
	af, err := atomicfile.Create(path)
	if err != nil {
		return nil, err
	}
	af.SetSync(opts.Sync)
	w := newSink(path, f, af, opts)
	w.file = af
	return w, nil
}

// NewStreamSink writes the capture to w (for "-", standard output). Close
// flushes it but does not close w.
func NewStreamSink(w io.Writer, format string) (*WriterSink, error) {
	f, err := ParseFormat(format)
	if err != nil {
		return nil, err
	}
	return newSink("-", f, w, Options{}), nil
}

func newSink(name string, f Format, w io.Writer, opts Options) *WriterSink {
	size := opts.BufferSize
	if size <= 0 {
		size = DefaultBufferSize
	}
	return &WriterSink{name: name, stream: Stream{Format: f}, bw: bufio.NewWriterSize(w, size), inputs: opts.Inputs}
}

// Name returns "pcap writer NAME".
func (w *WriterSink) Name() string { return "pcap writer " + w.name }

// Packets returns the number of packets written.
func (w *WriterSink) Packets() int64 { return w.packets }

// Bytes returns the number of bytes of output produced (headers included).
func (w *WriterSink) Bytes() int64 { return w.bytes }

// Consume encodes every packet of b.
func (w *WriterSink) Consume(_ context.Context, b *pipeline.Batch) error {
	if w.err != nil {
		return w.err
	}
	for i := range b.Packets {
		p := &b.Packets[i]
		data := b.Bytes(p)
		need := w.stream.MaxAppendLen(len(data))
		if w.bw.Available() < need && w.bw.Buffered() > 0 {
			if err := w.bw.Flush(); err != nil {
				w.err = fmt.Errorf("%s: %w", w.name, err)
				return w.err
			}
		}
		// Encode straight into the bufio buffer; a record larger than the
		// whole buffer goes through a scratch slice kept for reuse.
		buf := w.bw.AvailableBuffer()
		if cap(buf) < need {
			if cap(w.scratch) < need {
				w.scratch = make([]byte, 0, need)
			}
			buf = w.scratch[:0]
		}
		out, err := w.stream.Append(buf, &p.CaptureInfo, data)
		if err != nil {
			w.err = w.linkTypeError(p)
			return w.err
		}
		n, err := w.bw.Write(out)
		w.bytes += int64(n)
		if err != nil {
			w.err = fmt.Errorf("%s: %w", w.name, err)
			return w.err
		}
		w.packets++
	}
	return nil
}

func (w *WriterSink) linkTypeError(p *pipeline.Packet) error {
	in := ""
	if w.inputs != nil {
		in = " of " + w.inputs.Name(p.Input)
	}
	return fmt.Errorf("%s: frame %d%s has link type %d but the pcap output was started with link type %d (%w); use --format pcapng to keep every link type",
		w.name, p.Frame, in, p.LinkType, w.stream.LinkType(), ErrLinkType)
}

// Close flushes the output. For a file it renames it into place, or with
// aborted removes it.
func (w *WriterSink) Close(aborted bool) error {
	if w.file != nil && (aborted || w.err != nil) {
		return w.file.Abort()
	}
	if !w.stream.Started() {
		out := w.stream.AppendHeader(w.bw.AvailableBuffer(), false, 1)
		n, _ := w.bw.Write(out)
		w.bytes += int64(n)
	}
	err := w.bw.Flush()
	if w.file == nil {
		return err
	}
	if err != nil {
		return errors.Join(fmt.Errorf("%s: %w", w.name, err), w.file.Abort())
	}
	if err := w.file.Commit(); err != nil {
		return fmt.Errorf("%s: %w", w.name, err)
	}
	return nil
}
