package parquet

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestClassSize(t *testing.T) {
	tests := []struct{ n, want int }{
		{0, 0},
		{100, 100}, // too small to recycle: exact
		{recycleMin - 1, recycleMin - 1},
		{recycleMin, recycleMin},
		{recycleMin + 1, recycleMin + recycleMin/4},
		{5000, 5120},
		{65536, 65536},
		{65537, 65536 + 16384},
		{262148, 262144 + 65536},
		{1 << 20, 1 << 20},
	}
	for _, tt := range tests {
		got := classSize(tt.n)
		if got != tt.want {
			t.Errorf("classSize(%d) = %d, want %d", tt.n, got, tt.want)
		}
		if got < tt.n || (tt.n >= recycleMin && got > tt.n+tt.n/4) {
			t.Errorf("classSize(%d) = %d: outside [n, 1.25n]", tt.n, got)
		}
		if tt.n >= recycleMin && classSize(got) != got {
			t.Errorf("classSize(%d) = %d is not a class of its own", tt.n, got)
		}
	}
}

// TestRecyclerReuses checks that a freed buffer comes back (zeroed) for a
// request of the same class, that reallocation keeps the contents, and that
// release hands every byte back to the underlying allocator.
func TestRecyclerReuses(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := newRecycler(mem)

	a := r.Allocate(10000)
	if len(a) != 10000 {
		t.Fatalf("len %d, want 10000", len(a))
	}
	for i := range a {
		a[i] = 0xff
	}
	first := &a[:cap(a)][0]
	r.Free(a)
	b := r.Allocate(9000) // same class (10240)
	if &b[:cap(b)][0] != first {
		t.Error("a freed buffer of the class was not reused")
	}
	for i, x := range b {
		if x != 0 {
			t.Fatalf("reused buffer not zeroed at %d", i)
		}
	}
	for i := range b {
		b[i] = byte(i)
	}
	c := r.Reallocate(50000, b)
	if len(c) != 50000 {
		t.Fatalf("len %d after Reallocate, want 50000", len(c))
	}
	for i := range 9000 {
		if c[i] != byte(i) {
			t.Fatalf("Reallocate lost byte %d", i)
		}
	}
	for i := 9000; i < len(c); i++ {
		if c[i] != 0 {
			t.Fatalf("Reallocate's new tail not zeroed at %d", i)
		}
	}
	c = r.Reallocate(100, c) // shrinking keeps the buffer
	small := r.Allocate(64)  // below recycleMin: straight through
	r.Free(small)
	r.Free(c)
	r.release()
	if r.held != 0 || len(r.free) != 0 {
		t.Errorf("release kept %d bytes in %d classes", r.held, len(r.free))
	}
}

// TestRecyclerBound checks that the recycler holds at most recycleMax bytes.
func TestRecyclerBound(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := newRecycler(mem)
	const size = 8 << 20
	var bufs [][]byte
	for range recycleMax/size + 3 {
		bufs = append(bufs, r.Allocate(size))
	}
	for _, b := range bufs {
		r.Free(b)
	}
	if r.held > recycleMax {
		t.Errorf("holds %d bytes, bound %d", r.held, recycleMax)
	}
	if int(mem.CurrentAlloc()) != r.held {
		t.Errorf("allocator has %d bytes out, recycler holds %d", mem.CurrentAlloc(), r.held)
	}
	r.release()
}
