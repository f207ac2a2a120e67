package prefault

import (
	"testing"
	"unsafe"
)

// TestPagesKeepsZero checks that Pages leaves new values zero, whatever
// their size against the page size, pointers included.
func TestPagesKeepsZero(t *testing.T) {
	type withPointers struct {
		p    *int
		s    string
		tail [3 << 12]byte
	}
	check := func(name string, b []byte) {
		for i, x := range b {
			if x != 0 {
				t.Fatalf("%s: byte %d is %d", name, i, x)
			}
		}
	}
	small := new([7]byte)
	Pages(small)
	check("7 bytes", small[:])
	big := new([5*4096 + 1]byte)
	Pages(big)
	check("5 pages and a byte", big[:])
	wp := new(withPointers)
	Pages(wp)
	if wp.p != nil || wp.s != "" {
		t.Fatal("pointers changed")
	}
	check("struct", unsafe.Slice((*byte)(unsafe.Pointer(wp)), unsafe.Sizeof(*wp)))
	Pages(new(struct{}))
	s := make([]uint32, 3000)
	Slice(s)
	Slice(s[:0])
	check("slice", unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), 4*len(s)))
}
