package parquet

import (
	"math/bits"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Bounds of a recycler.
const (
	// recycleMin is the smallest buffer kept for reuse; smaller ones go
	// straight to the underlying allocator.
	recycleMin = 4 << 10
	// recycleMax bounds the bytes a recycler holds between a Free and the
	// Allocate that reuses them; beyond it, freed buffers go back to the
	// underlying allocator.
	recycleMax = 64 << 20
)

// recycler is a memory.Allocator that keeps freed buffers and hands them
// out again. The column builders of a file reserve a whole record's buffers
// at a time, and the encoder frees the same sizes once it has written the
// record: with the plain Go allocator every record's buffers were fresh
// memory (zeroed, faulted in by the kernel, then left to the collector),
// several hundred megabytes on a 100 MB capture. Buffers are grouped by
// size class (a quarter of a power of two), so they are reused whatever
// the exact size asked for. Reused buffers are zeroed, as fresh ones are.
// It is safe for concurrent use.
type recycler struct {
	base memory.Allocator
	mu   sync.Mutex
	free map[int][][]byte // by capacity (a class size)
	held int              // bytes in free
}

func newRecycler(base memory.Allocator) *recycler {
	return &recycler{base: base, free: make(map[int][][]byte)}
}

// classSize returns the capacity of the class that holds n bytes: n
// rounded up to a quarter of the power of two below it (so at most 25%
// is wasted), or n itself when it is too small to recycle.
func classSize(n int) int {
	if n < recycleMin {
		return n
	}
	step := 1 << (bits.Len(uint(n-1)) - 3)
	return (n + step - 1) &^ (step - 1)
}

// Allocate returns a zeroed buffer of size bytes.
func (r *recycler) Allocate(size int) []byte {
	c := classSize(size)
	if c < recycleMin {
		return r.base.Allocate(size)
	}
	r.mu.Lock()
	if l := r.free[c]; len(l) > 0 {
		b := l[len(l)-1]
		l[len(l)-1] = nil
		r.free[c] = l[:len(l)-1]
		r.held -= c
		r.mu.Unlock()
		b = b[:size]
		clear(b)
		return b
	}
	r.mu.Unlock()
	return r.base.Allocate(c)[:size]
}

// Reallocate returns a buffer of size bytes that starts with the contents
// of b (which it may return resliced) and frees b when it moves.
func (r *recycler) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) {
		old := len(b)
		b = b[:size]
		if size > old {
			clear(b[old:])
		}
		return b
	}
	nb := r.Allocate(size)
	copy(nb, b)
	r.Free(b)
	return nb
}

// Free takes b back for reuse, or gives it to the underlying allocator.
func (r *recycler) Free(b []byte) {
	c := cap(b)
	b = b[:c]
	if c < recycleMin || classSize(c) != c {
		if c > 0 {
			r.base.Free(b)
		}
		return
	}
	r.mu.Lock()
	if r.held+c <= recycleMax {
		r.free[c] = append(r.free[c], b)
		r.held += c
		b = nil
	}
	r.mu.Unlock()
	if b != nil {
		r.base.Free(b)
	}
}

// release gives every buffer held back to the underlying allocator.
func (r *recycler) release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c, l := range r.free {
		for _, b := range l {
			r.base.Free(b)
		}
		delete(r.free, c)
	}
	r.held = 0
}

var _ memory.Allocator = (*recycler)(nil)
