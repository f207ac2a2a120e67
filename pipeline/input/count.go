package input

import (
	"io"
	"sync/atomic"
)

// countingReader adds the bytes read from r to n. It sits under the bufio
// buffer, so it is called once per chunk, not per packet.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n.Add(int64(k))
	return k, err
}
