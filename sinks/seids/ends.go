package seids

import (
	"sync"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
)

// sessionEnd is a session whose row the Correlate side has nothing more
// to add to: the Correlator dropped it (Linger after its deletion) while
// reading message ref, and packets and bytes are its final G-PDU count.
// The sink writes the row once it has read message ref and folded the
// session's exchanges still open then.
type sessionEnd struct {
	ref            uint64
	ss             pfcp.Session
	packets, bytes int64
}

// endQueue hands sessionEnds from the goroutine that correlates (the
// Correlate stage) to the sink, in capture order.
type endQueue struct {
	mu  sync.Mutex
	buf []sessionEnd
}

// push queues e.
func (q *endQueue) push(e sessionEnd) {
	q.mu.Lock()
	q.buf = append(q.buf, e)
	q.mu.Unlock()
}

// take moves the ends of messages up to ref (the last one the sink is
// about to read) to the end of dst and returns it.
func (q *endQueue) take(ref uint64, dst []sessionEnd) []sessionEnd {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for n < len(q.buf) && q.buf[n].ref <= ref {
		n++
	}
	if n == 0 {
		return dst
	}
	dst = append(dst, q.buf[:n]...)
	k := copy(q.buf, q.buf[n:])
	clear(q.buf[k:])
	q.buf = q.buf[:k]
	return dst
}
