package seids

import "io"

// outChunk is about how much output is written at once.
const outChunk = 64 << 10

// output buffers the report for Options.Out, like a bufio.Writer whose
// buffer message lines are appended to directly (a bufio.Writer would
// take each line through a Write call): lines go to buf, which is written
// once it holds outChunk bytes, whole lines at a time. Errors are sticky.
type output struct {
	w   io.Writer
	buf []byte
	err error
}

// newOutput returns an output to w with an empty buffer.
func newOutput(w io.Writer) *output {
	return &output{w: w, buf: make([]byte, 0, outChunk+4<<10)}
}

// Write appends p to the buffer.
func (o *output) Write(p []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	o.buf = append(o.buf, p...)
	return len(p), o.filled()
}

// WriteString appends s to the buffer.
func (o *output) WriteString(s string) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	o.buf = append(o.buf, s...)
	return len(s), o.filled()
}

// filled writes the buffer out once it holds outChunk bytes; callers that
// appended to buf directly call it after each line.
func (o *output) filled() error {
	if len(o.buf) < outChunk && o.err == nil {
		return nil
	}
	return o.Flush()
}

// Flush writes the buffer out.
func (o *output) Flush() error {
	if o.err == nil && len(o.buf) > 0 {
		var n int
		n, o.err = o.w.Write(o.buf)
		if o.err == nil && n < len(o.buf) {
			o.err = io.ErrShortWrite
		}
	}
	o.buf = o.buf[:0]
	return o.err
}
