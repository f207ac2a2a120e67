package seids

// queue is a FIFO of records in capture order, a ring buffer that grows
// by doubling and never shrinks.
type queue struct {
	buf        []record
	head, size int
}

func (q *queue) len() int { return q.size }

// push returns the slot for a new record at the tail.
func (q *queue) push() *record {
	if q.size == len(q.buf) {
		n := max(64, 2*len(q.buf))
		nb := make([]record, n)
		for i := 0; i < q.size; i++ {
			nb[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = nb, 0
	}
	r := &q.buf[(q.head+q.size)%len(q.buf)]
	q.size++
	return r
}

// front returns the oldest record; the queue must not be empty.
func (q *queue) front() *record { return &q.buf[q.head] }

// pop drops the oldest record.
func (q *queue) pop() {
	q.head = (q.head + 1) % len(q.buf)
	q.size--
}
