// Package prefault maps the pages of freshly allocated memory writable up
// front.
//
// Memory fresh from the operating system is zero and Go does not clear it
// again, so its pages are first mapped when the program touches them. A
// first touch that reads (a lookup, or the garbage collector's write
// barrier, which reads a pointer slot before writing it) maps the shared
// zero page; the write that follows faults again and, because the process
// runs on several cores, makes the kernel flush the other cores' TLBs with
// an interrupt (perf: flush_tlb_mm_range under do_wp_page, ~2.7% of a
// Parquet export's CPU). Writing one byte of each page first makes the
// first fault map a writable page of its own.
package prefault

import (
	"os"
	"unsafe"
)

// pageSize is the size of a memory page.
var pageSize = os.Getpagesize()

// Pages writes a zero byte into every page of *p, which must be zero (as
// new memory is): the value does not change, so no write barrier is
// needed even where *p holds pointers.
func Pages[T any](p *T) {
	touch(unsafe.Pointer(p), int(unsafe.Sizeof(*p)))
}

// Slice is Pages for the elements of s, which must be zero.
func Slice[T any](s []T) {
	if len(s) > 0 {
		touch(unsafe.Pointer(&s[0]), len(s)*int(unsafe.Sizeof(s[0])))
	}
}

// touch writes a zero byte into every page of the n bytes at p.
func touch(p unsafe.Pointer, n int) {
	if n == 0 {
		return
	}
	b := unsafe.Slice((*byte)(p), n)
	for i := 0; i < n; i += pageSize {
		b[i] = 0
	}
	b[n-1] = 0
}
