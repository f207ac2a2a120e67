package input

import (
	"context"
	"io"
	"os"
)

// cancelChunk is the size of one read of a cancelReader.
const cancelChunk = 256 << 10

// cancelReader reads a stream that may block indefinitely (stdin fed by a
// live capture, a FIFO) on its own goroutine, so that a read waiting on an
// idle pipe ends when ctx is cancelled (Ctrl-C) instead of holding the run
// until more data or EOF comes. The goroutine reads ahead by at most two
// chunks; once ctx is cancelled it is left blocked in its read and ends
// with the stream (or the process).
type cancelReader struct {
	ctx  context.Context
	full chan cancelRead
	free chan []byte
	cur  []byte // unread rest of the current chunk
	buf  []byte // the current chunk, to give back
	err  error  // sticky: the stream's error or EOF
}

type cancelRead struct {
	b   []byte
	err error
}

// newCancelReader starts reading r in the background.
func newCancelReader(ctx context.Context, r io.Reader) *cancelReader {
	c := &cancelReader{ctx: ctx, full: make(chan cancelRead, 2), free: make(chan []byte, 3)}
	for range 3 {
		c.free <- make([]byte, cancelChunk)
	}
	go c.run(r)
	return c
}

func (c *cancelReader) run(r io.Reader) {
	for {
		var b []byte
		select {
		case b = <-c.free:
		case <-c.ctx.Done():
			return
		}
		n, err := r.Read(b)
		select {
		case c.full <- cancelRead{b[:n], err}:
		case <-c.ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}

// Read returns buffered bytes, waiting for the next chunk or ctx.
func (c *cancelReader) Read(p []byte) (int, error) {
	for len(c.cur) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		if c.buf != nil {
			c.free <- c.buf[:cap(c.buf)]
			c.buf = nil
		}
		select {
		case r := <-c.full:
			c.cur, c.buf, c.err = r.b, r.b, r.err
		case <-c.ctx.Done():
			return 0, context.Cause(c.ctx)
		}
	}
	n := copy(p, c.cur)
	c.cur = c.cur[n:]
	return n, nil
}

// mayBlock reports whether reads of r can wait indefinitely: anything but
// a regular file (pipes, FIFOs, terminals, sockets) or an in-memory reader.
func mayBlock(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err != nil || !fi.Mode().IsRegular()
}
