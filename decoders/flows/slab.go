package flows

import "github.com/pcapflow/pcapflow/internal/prefault"

// slabShift and slabChunk size the chunks of a slab: 512 flows (about 36 KB
// of hot states and links and 300 KB of the rest) each.
const (
	slabShift = 9
	slabChunk = 1 << slabShift
)

// hotState is the part of a flow that every packet reads to find it and
// check its timeouts: one cache line, so that the lookup touches one line
// per flow, in arrays small enough to stay in cache.
type hotState struct {
	k       key
	last    int64  // latest packet time
	id      uint64 // 0 while the slot is free
	hash    uint32 // k's hash, for removing the index entry
	class   uint8
	origIsA bool
}

// link is a flow's place in its recency list: the slots of its
// neighbours, -1 at the ends. Links lie apart from the flows so that
// moving a flow to the head, which rewrites two or three other flows'
// links, touches 8-byte entries of a small array.
type link struct{ prev, next int32 }

// chunk holds slabChunk flows: their hot states, links and the rest, each
// kind together.
type chunk struct {
	hot   [slabChunk]hotState
	links [slabChunk]link
	cold  [slabChunk]flow
}

// slab holds the flow states by index in chunks of fixed size. Growing it
// adds a chunk and never moves the flows already held: a flat slice of
// flows (hundreds of bytes each) would be copied, and its old arrays left
// to the collector, every time it doubled.
type slab struct {
	chunks []*chunk
	n      int32
}

// at returns flow i, which grow must have made.
func (s *slab) at(i int32) *flow { return &s.chunks[i>>slabShift].cold[i&(slabChunk-1)] }

// hot returns the hot state of flow i, which grow must have made.
func (s *slab) hot(i int32) *hotState { return &s.chunks[i>>slabShift].hot[i&(slabChunk-1)] }

// link returns the recency list link of flow i, which grow must have made.
func (s *slab) link(i int32) *link { return &s.chunks[i>>slabShift].links[i&(slabChunk-1)] }

// grow adds a zero flow and returns its index.
func (s *slab) grow() int32 {
	if int(s.n) == len(s.chunks)*slabChunk {
		c := new(chunk)
		prefault.Pages(c)
		s.chunks = append(s.chunks, c)
	}
	s.n++
	return s.n - 1
}
