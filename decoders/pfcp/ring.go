package pfcp

// ring is a FIFO of fixed-size chunks. Growing adds a chunk and never
// copies the elements; a chunk emptied at the front is kept for reuse at
// the back, so a queue whose length stays level stops allocating, and its
// memory is that of the most elements it ever held.
type ring[T any] struct {
	// chunks[(first+i)&(len(chunks)-1)] is the i-th chunk in use, n of
	// them; len(chunks) is 0 or a power of two.
	chunks   []*[ringChunk]T
	first, n int
	// head is the front element's index in the first chunk; size counts
	// the elements.
	head, size int
	// spare holds emptied chunks.
	spare []*[ringChunk]T
}

// ringChunk is the number of elements per chunk.
const ringChunk = 512

func (q *ring[T]) len() int { return q.size }

func (q *ring[T]) push(v T) {
	pos := q.head + q.size
	if pos == q.n*ringChunk {
		q.addChunk()
	}
	q.chunks[(q.first+pos/ringChunk)&(len(q.chunks)-1)][pos%ringChunk] = v
	q.size++
}

// addChunk appends a chunk, a spare one if there is one.
func (q *ring[T]) addChunk() {
	if q.n == len(q.chunks) {
		nc := make([]*[ringChunk]T, max(4, 2*len(q.chunks)))
		for i := range q.n {
			nc[i] = q.chunks[(q.first+i)&(len(q.chunks)-1)]
		}
		q.chunks, q.first = nc, 0
	}
	var c *[ringChunk]T
	if k := len(q.spare); k > 0 {
		c, q.spare = q.spare[k-1], q.spare[:k-1]
	} else {
		c = new([ringChunk]T)
	}
	q.chunks[(q.first+q.n)&(len(q.chunks)-1)] = c
	q.n++
}

// front returns the oldest element; the ring must not be empty.
func (q *ring[T]) front() T { return q.chunks[q.first][q.head] }

// pop drops the oldest element; the ring must not be empty.
func (q *ring[T]) pop() {
	q.size--
	q.head++
	if q.head == ringChunk || q.size == 0 {
		// The first chunk is used up (or the ring is empty: start it
		// over at its first chunk's beginning).
		if q.head == ringChunk {
			q.spare = append(q.spare, q.chunks[q.first])
			q.chunks[q.first] = nil
			q.first = (q.first + 1) & (len(q.chunks) - 1)
			q.n--
		}
		q.head = 0
	}
}
