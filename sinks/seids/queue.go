package seids

import "github.com/pcapflow/pcapflow/pipeline"

// queued is a message line waiting for its session to be decided, or for
// the lines before it. Its text, but for the session, is
// queue.text[start:mid] + session + queue.text[mid:end].
type queued struct {
	ref     uint64
	ts      int64
	input   pipeline.InputID
	pending bool
	session int

	start, mid, end int
}

// queue is a FIFO of lines in capture order: a ring of entries that grows
// by doubling and never shrinks, and their text back to back in one
// buffer, compacted when its dead front is large.
type queue struct {
	buf        []queued
	head, size int
	text       []byte
}

func (q *queue) len() int { return q.size }

// push appends a line with text prefix + session + suffix (pending: the
// session is not decided yet) and returns its entry.
func (q *queue) push(prefix, suffix []byte) *queued {
	if q.size == len(q.buf) {
		n := max(64, 2*len(q.buf))
		nb := make([]queued, n)
		for i := 0; i < q.size; i++ {
			nb[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = nb, 0
	}
	q.compact()
	r := &q.buf[(q.head+q.size)%len(q.buf)]
	q.size++
	r.start = len(q.text)
	q.text = append(q.text, prefix...)
	r.mid = len(q.text)
	q.text = append(q.text, suffix...)
	r.end = len(q.text)
	return r
}

// compact drops the text of lines already popped: all of it when the
// queue is empty, else by moving the live text to the front once the dead
// part is more than half the buffer.
func (q *queue) compact() {
	if q.size == 0 {
		q.text = q.text[:0]
		return
	}
	dead := q.front().start
	if dead < 64<<10 || dead < len(q.text)/2 {
		return
	}
	q.text = q.text[:copy(q.text, q.text[dead:])]
	for i := 0; i < q.size; i++ {
		r := q.at(i)
		r.start, r.mid, r.end = r.start-dead, r.mid-dead, r.end-dead
	}
}

// front returns the oldest entry; the queue must not be empty.
func (q *queue) front() *queued { return &q.buf[q.head] }

// at returns the i-th oldest entry; i must be below len.
func (q *queue) at(i int) *queued { return &q.buf[(q.head+i)%len(q.buf)] }

// pop drops the oldest entry.
func (q *queue) pop() {
	q.head = (q.head + 1) % len(q.buf)
	q.size--
}
