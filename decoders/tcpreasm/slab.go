package tcpreasm

import "github.com/pcapflow/pcapflow/internal/prefault"

// connShift and connChunk size the chunks of a connSlab: 256 connections
// (about 210 KB) each.
const (
	connShift = 8
	connChunk = 1 << connShift
)

// connSlab holds the connection states by index in fixed-size chunks.
// Adding a chunk leaves the connections already held where they are: one
// flat slice of connections (over 800 bytes each) was copied whole, and its
// old array left to the collector, at every doubling — tens of megabytes
// per run on a capture with tens of thousands of connections open at once.
type connSlab struct {
	chunks []*[connChunk]conn
	n      int32
}

// at returns connection i, which grow must have made.
func (s *connSlab) at(i int32) *conn { return &s.chunks[i>>connShift][i&(connChunk-1)] }

// grow adds a zero connection and returns its index.
func (s *connSlab) grow() int32 {
	if int(s.n) == len(s.chunks)*connChunk {
		c := new([connChunk]conn)
		prefault.Pages(c)
		s.chunks = append(s.chunks, c)
	}
	s.n++
	return s.n - 1
}
