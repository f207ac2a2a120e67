package tcpreasm

// Buffered segments copy their bytes into buffers taken from per-size-class
// free lists, so that the steady state allocates nothing.

const (
	minClassShift = 8  // 256 bytes
	maxClassShift = 17 // 128 KiB; larger segments get an exact buffer
	numClasses    = maxClassShift - minClassShift + 1
)

// pool recycles buffer memory by power-of-two size class.
type pool struct {
	free [numClasses][][]byte
	// kept counts the bytes sitting in the free lists; at most maxKept.
	kept, maxKept int
}

func classOf(n int) int {
	c := 0
	for (1 << (minClassShift + c)) < n {
		c++
	}
	return c
}

// get returns a buffer of length n.
func (p *pool) get(n int) []byte {
	if n > 1<<maxClassShift {
		return make([]byte, n)
	}
	c := classOf(n)
	if l := len(p.free[c]); l > 0 {
		b := p.free[c][l-1]
		p.free[c] = p.free[c][:l-1]
		p.kept -= cap(b)
		return b[:n]
	}
	return make([]byte, n, 1<<(minClassShift+c))
}

// put gives b back for reuse (dropped when the free lists are full).
func (p *pool) put(b []byte) {
	n := cap(b)
	if n < 1<<minClassShift || n > 1<<maxClassShift || n&(n-1) != 0 || p.kept+n > p.maxKept {
		return
	}
	c := classOf(n)
	p.free[c] = append(p.free[c], b[:0])
	p.kept += n
}
