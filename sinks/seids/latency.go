package seids

import (
	"slices"
	"time"

	"github.com/pcapflow/pcapflow/internal/chunked"
)

// maxLatencies bounds the latencies a session keeps for its median (the
// first ones folded in); its minimum and maximum see all of them.
const maxLatencies = 4096

// latBlock holds latencies of one session, linked to the next block.
type latBlock struct {
	v    [7]int64
	n    uint8
	next int32 // index+1 of the next block, 0: none
}

// latList is a session's chain of latency blocks (indexes+1, 0: none).
type latList struct{ head, tail int32 }

// latArena holds every session's latencies in 64-byte blocks: a session
// with few exchanges takes one block, and a long one grows by blocks,
// never copying.
type latArena struct {
	blocks chunked.Array[latBlock]
	free   int32 // index+1 of the first free block, linked through next
}

func (a *latArena) block(i int32) *latBlock { return a.blocks.At(int(i - 1)) }

// add appends d to l.
func (a *latArena) add(l *latList, d time.Duration) {
	if l.tail == 0 || a.block(l.tail).n == uint8(len(latBlock{}.v)) {
		i := a.free
		if i != 0 {
			a.free = a.block(i).next
			*a.block(i) = latBlock{}
		} else {
			i = int32(a.blocks.Add() + 1)
		}
		if l.tail == 0 {
			l.head = i
		} else {
			a.block(l.tail).next = i
		}
		l.tail = i
	}
	b := a.block(l.tail)
	b.v[b.n] = int64(d)
	b.n++
}

// release frees l's blocks.
func (a *latArena) release(l *latList) {
	if l.head != 0 {
		a.block(l.tail).next = a.free
		a.free = l.head
	}
	*l = latList{}
}

// median returns the median of l's latencies (the lower middle for an
// even count), using scratch as space.
func (a *latArena) median(l latList, scratch []int64) (time.Duration, []int64) {
	scratch = scratch[:0]
	for i := l.head; i != 0; {
		b := a.block(i)
		scratch = append(scratch, b.v[:b.n]...)
		i = b.next
	}
	if len(scratch) == 0 {
		return 0, scratch
	}
	slices.Sort(scratch)
	return time.Duration(scratch[(len(scratch)-1)/2]), scratch
}
