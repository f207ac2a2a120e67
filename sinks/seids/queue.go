package seids

import "github.com/pcapflow/pcapflow/pipeline"

// queued is a message line waiting for its session to be decided, or for
// the lines before it. Its text, but for the session, is
// t.lines[start:mid] + session + t.lines[mid:end]: the line stays where
// the Stage formatted it, in its batch's table, which the sink keeps
// until the line is written (see Sink.hold).
type queued struct {
	ref     uint64
	ts      int64
	input   pipeline.InputID
	pending bool
	session int

	t               *lineTable
	start, mid, end int
}

// queue is a FIFO of lines in capture order: a ring of entries that grows
// by doubling and never shrinks.
type queue struct {
	buf        []queued
	head, size int
}

func (q *queue) len() int { return q.size }

// push appends the line t.lines[start:end] (the session goes at mid),
// counted in t.queued, and returns its entry.
func (q *queue) push(t *lineTable, start, mid, end int) *queued {
	if q.size == len(q.buf) {
		n := max(64, 2*len(q.buf))
		nb := make([]queued, n)
		for i := 0; i < q.size; i++ {
			nb[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = nb, 0
	}
	r := &q.buf[(q.head+q.size)%len(q.buf)]
	q.size++
	r.t, r.start, r.mid, r.end = t, start, mid, end
	t.queued++
	return r
}

// front returns the oldest entry; the queue must not be empty.
func (q *queue) front() *queued { return &q.buf[q.head] }

// at returns the i-th oldest entry; i must be below len.
func (q *queue) at(i int) *queued { return &q.buf[(q.head+i)%len(q.buf)] }

// pop drops the oldest entry and returns its table, whose count of
// queued lines it decrements.
func (q *queue) pop() *lineTable {
	r := &q.buf[q.head]
	t := r.t
	r.t = nil
	t.queued--
	q.head = (q.head + 1) % len(q.buf)
	q.size--
	return t
}
