package follow

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/pcapflow/pcapflow/decoders/tcpreasm"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Options configure a Sink.
type Options struct {
	// Format is raw, hex, ascii or json (default raw).
	Format string
	// Dir, when set, receives one file per non-empty direction of each
	// selected connection; otherwise the streams go to Out.
	Dir string
	// Out receives the streams when Dir is empty (nil: streams are not
	// written, for a timeline alone).
	Out io.Writer
	// Select picks connections; none means all.
	Select []Selector
	// Timeline, when not nil, receives each selected connection's summary
	// and timeline when it ends.
	Timeline io.Writer
	// Reassembly tunes the reassembler (its Handler is set by the sink).
	Reassembly tcpreasm.Options
	// MaxOpen caps the files open at once in Dir (default 64).
	MaxOpen int
	// RawGaps says what the raw format writes for a hole between segments:
	// GapsMarker (default) is tshark's follow: a hole the peer acknowledged
	// becomes the text "[N bytes missing in capture file]" and a NUL byte,
	// and a hole never acknowledged ends the direction's output (tshark
	// waits for the missing bytes and never writes what follows them; the
	// Summary counts those bytes as Withheld). GapsSkip writes every
	// delivered byte and nothing for holes. Bytes cut by the snap length
	// are never marked in raw (tshark neither).
	RawGaps string
}

// Raw gap modes.
const (
	GapsMarker = "marker"
	GapsSkip   = "skip"
)

// Summary counts what a run wrote.
type Summary struct {
	Connections    uint64 `json:"connections"`
	Selected       uint64 `json:"selected"`
	Files          uint64 `json:"files"`
	BytesC2S       uint64 `json:"bytes_c2s"`
	BytesS2C       uint64 `json:"bytes_s2c"`
	Gaps           uint64 `json:"gaps"`
	GapBytes       uint64 `json:"gap_bytes"`
	TruncatedBytes uint64 `json:"truncated_bytes"`
	Retransmitted  uint64 `json:"retransmitted_bytes"`
	Conflicts      uint64 `json:"conflicts"`
	// Withheld counts bytes the raw format did not write because they
	// follow a hole never acknowledged (RawGaps GapsMarker).
	Withheld   uint64 `json:"withheld_bytes"`
	PeakMemory int64  `json:"peak_reassembly_memory"`
	Evicted    uint64 `json:"evicted"`
}

// Sink reassembles the TCP connections of the batches it reads and writes
// the selected ones.
type Sink struct {
	opts Options
	asm  *tcpreasm.Assembler
	dw   *dirWriter
	buf  []byte
	sum  Summary
	err  error
}

// connOut is a selected connection's output state (Conn.User).
type connOut struct {
	names [2]string
	// stopped marks a direction whose raw output ended at a hole never
	// acknowledged (tshark's follow).
	stopped [2]bool
	// wrote marks a direction that has a file in Dir.
	wrote [2]bool
}

// New returns a follow sink.
func New(opts Options) (*Sink, error) {
	if opts.Format == "" {
		opts.Format = FormatRaw
	}
	switch opts.Format {
	case FormatRaw, FormatHex, FormatASCII, FormatJSON:
	default:
		return nil, fmt.Errorf("follow: unknown format %q (want raw, hex, ascii or json)", opts.Format)
	}
	switch opts.RawGaps {
	case "":
		opts.RawGaps = GapsMarker
	case GapsMarker, GapsSkip:
	default:
		return nil, fmt.Errorf("follow: unknown raw gap mode %q (want marker or skip)", opts.RawGaps)
	}
	s := &Sink{opts: opts}
	if opts.Dir != "" {
		dw, err := newDirWriter(opts.Dir, opts.MaxOpen)
		if err != nil {
			return nil, err
		}
		s.dw = dw
	}
	ro := opts.Reassembly
	ro.Handler = (*handler)(s)
	ro.Timeline = ro.Timeline || opts.Timeline != nil
	s.asm = tcpreasm.New(ro)
	return s, nil
}

// Name implements pipeline.Sink.
func (s *Sink) Name() string { return "follow" }

// Consume implements pipeline.Sink.
func (s *Sink) Consume(_ context.Context, b *pipeline.Batch) error {
	for i := range b.Packets {
		p := &b.Packets[i]
		s.asm.Observe(p, b.Bytes(p))
		if s.err != nil {
			return s.err
		}
	}
	return nil
}

// Close implements pipeline.Sink: it ends every connection and, unless
// aborted, moves the files into place.
func (s *Sink) Close(aborted bool) error {
	if !aborted {
		s.asm.Flush()
	}
	st := s.asm.Stats()
	s.sum.PeakMemory, s.sum.Evicted = st.PeakMemory, st.Evicted
	var err error
	if s.dw != nil {
		err = s.dw.finish(!aborted && s.err == nil)
	}
	return errors.Join(s.err, err)
}

// Summary returns the run's counts (after Close).
func (s *Sink) Summary() Summary { return s.sum }

// Stats returns the reassembler's counters.
func (s *Sink) Stats() tcpreasm.Stats { return s.asm.Stats() }

// handler is the Sink's face as a tcpreasm.Handler.
type handler Sink

func (s *handler) selected(c *tcpreasm.Conn) bool {
	if len(s.opts.Select) == 0 {
		return true
	}
	for _, sel := range s.opts.Select {
		if sel.Match(c) {
			return true
		}
	}
	return false
}

// Open implements tcpreasm.Handler.
func (s *handler) Open(c *tcpreasm.Conn) {
	s.sum.Connections++
	if !s.selected(c) {
		return
	}
	s.sum.Selected++
	o := &connOut{}
	if s.dw != nil {
		for d := tcpreasm.ClientToServer; d <= tcpreasm.ServerToClient; d++ {
			o.names[d] = fileName(c, d, s.opts.Format)
		}
	}
	c.User = o
}

// Data implements tcpreasm.Handler.
func (s *handler) Data(c *tcpreasm.Conn, d tcpreasm.Dir, data []byte, at tcpreasm.Chunk) {
	o, ok := c.User.(*connOut)
	if !ok {
		return
	}
	if o.stopped[d] {
		s.sum.Withheld += uint64(len(data))
		return
	}
	b := s.buf[:0]
	switch s.opts.Format {
	case FormatRaw:
		b = append(b, data...)
	case FormatHex:
		b = appendHeader(b, c, d, at, "data")
		b = appendHex(b, data, at.Offset)
	case FormatASCII:
		b = appendHeader(b, c, d, at, "data")
		b = appendASCII(b, data)
	case FormatJSON:
		b = appendJSONChunk(b, c, d, at, data, 0)
	}
	s.buf = b
	s.emit(o, d, b)
}

// Gap implements tcpreasm.Handler.
func (s *handler) Gap(c *tcpreasm.Conn, d tcpreasm.Dir, n uint64, at tcpreasm.Chunk) {
	o, ok := c.User.(*connOut)
	if !ok {
		return
	}
	b := s.buf[:0]
	switch s.opts.Format {
	case FormatRaw:
		if o.stopped[d] || at.Truncated || s.opts.RawGaps == GapsSkip {
			return
		}
		if at.Unacked {
			o.stopped[d] = true
			return
		}
		b = fmt.Appendf(b, "[%d bytes missing in capture file]\x00", n)
	case FormatHex, FormatASCII:
		b = appendHeader(b, c, d, at, fmt.Sprintf("[gap: %d bytes missing from the capture]", n))
	case FormatJSON:
		b = appendJSONChunk(b, c, d, at, nil, n)
	}
	s.buf = b
	s.emit(o, d, b)
}

func (s *handler) emit(o *connOut, d tcpreasm.Dir, b []byte) {
	if s.err != nil || len(b) == 0 {
		return
	}
	switch {
	case s.dw != nil:
		o.wrote[d] = true
		s.err = s.dw.write(o.names[d], b)
	case s.opts.Out != nil:
		_, s.err = s.opts.Out.Write(b)
	}
}

// Close implements tcpreasm.Handler: the connection ended.
func (s *handler) Close(c *tcpreasm.Conn) {
	o, ok := c.User.(*connOut)
	if !ok {
		return
	}
	st := &c.Stats
	s.sum.BytesC2S += st[0].Bytes
	s.sum.BytesS2C += st[1].Bytes
	for d := range st {
		s.sum.Gaps += st[d].Gaps
		s.sum.GapBytes += st[d].GapBytes
		s.sum.TruncatedBytes += st[d].TruncatedBytes
		s.sum.Retransmitted += st[d].Retransmitted
		s.sum.Conflicts += st[d].Conflicts
		if o.wrote[d] {
			s.sum.Files++
		}
		if s.dw != nil && s.err == nil {
			s.err = s.dw.done(o.names[d])
		}
	}
	if s.opts.Timeline != nil && s.err == nil {
		s.buf = AppendTimeline(s.buf[:0], c)
		_, s.err = s.opts.Timeline.Write(s.buf)
	}
}
