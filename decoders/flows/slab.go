package flows

// slabShift and slabChunk size the chunks of a slab: 512 flows (about 340 KB)
// each.
const (
	slabShift = 9
	slabChunk = 1 << slabShift
)

// slab holds the flow states by index in chunks of fixed size. Growing it
// adds a chunk and never moves the flows already held: a flat slice of
// flows (hundreds of bytes each) would be copied, and its old arrays left
// to the collector, every time it doubled.
type slab struct {
	chunks []*[slabChunk]flow
	n      int32
}

// at returns flow i, which grow must have made.
func (s *slab) at(i int32) *flow { return &s.chunks[i>>slabShift][i&(slabChunk-1)] }

// grow adds a zero flow and returns its index.
func (s *slab) grow() int32 {
	if int(s.n) == len(s.chunks)*slabChunk {
		s.chunks = append(s.chunks, new([slabChunk]flow))
	}
	s.n++
	return s.n - 1
}
