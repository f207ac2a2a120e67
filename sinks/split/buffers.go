package split

import "sync"

// Buffer size classes: a flow's buffer starts small and moves up a class as
// it grows, so millions of small flows cost little and large flows do not
// copy often. A flow is flushed before its buffer would pass FlushChunk, so
// the largest class is FlushChunk; a single record larger than that gets an
// exact, unpooled buffer.
var classes = [...]int{256, 1 << 10, 4 << 10, 16 << 10, FlushChunk}

// bufPool recycles flow buffers: the sink takes them, the writer gives them
// back, so it is safe for concurrent use.
type bufPool struct {
	mu        sync.Mutex
	free      [len(classes)][][]byte
	freeBytes int64
	maxFree   int64
}

// get returns an empty buffer with room for at least n bytes.
func (p *bufPool) get(n int) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, c := range classes {
		if c < n {
			continue
		}
		if l := len(p.free[i]); l > 0 {
			b := p.free[i][l-1]
			p.free[i] = p.free[i][:l-1]
			p.freeBytes -= int64(cap(b))
			return b[:0]
		}
		return make([]byte, 0, c)
	}
	return make([]byte, 0, n)
}

// put gives a buffer back for reuse (dropped when the pool holds enough).
func (p *bufPool) put(b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if b == nil || p.freeBytes+int64(cap(b)) > p.maxFree {
		return
	}
	for i, c := range classes {
		if cap(b) == c {
			p.free[i] = append(p.free[i], b[:0])
			p.freeBytes += int64(c)
			return
		}
	}
}

// grow returns b with room for n more bytes, moving it to a larger buffer
// from the pool when needed.
func (p *bufPool) grow(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	nb := p.get(len(b) + n)
	nb = append(nb, b...)
	p.put(b)
	return nb
}
