package generators

// payloadPool is a block of seeded random bytes that generators copy packet
// payloads from, with prefix sums of its 16-bit words so the checksum of any
// even-aligned slice costs O(1) instead of a pass over the bytes.
type payloadPool struct {
	data   []byte
	prefix []uint64 // prefix[i] is the sum of the first i words
}

func newPayloadPool(size int, r *rng) *payloadPool {
	p := &payloadPool{data: make([]byte, size), prefix: make([]uint64, size/2+1)}
	for i := 0; i+8 <= size; i += 8 {
		v := r.uint64()
		for j := range 8 {
			p.data[i+j] = byte(v >> (8 * j))
		}
	}
	for i := 0; i < size/2; i++ {
		p.prefix[i+1] = p.prefix[i] + uint64(p.data[2*i])<<8 + uint64(p.data[2*i+1])
	}
	return p
}

// offset picks a random even offset with room for n bytes.
func (p *payloadPool) offset(r *rng, n int) int {
	return r.intn((len(p.data)-n)/2+1) * 2
}

// sum returns the unfolded word sum of data[off:off+n]; off must be even.
func (p *payloadPool) sum(off, n int) uint64 {
	s := p.prefix[(off+n)/2] - p.prefix[off/2]
	if n&1 == 1 {
		s += uint64(p.data[off+n-1]) << 8
	}
	return s
}
