package parquet

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pcapflow/pcapflow/sinks/atomicfile"
)

// encoderQueue is the number of full records that may wait for an
// encoder. With one record being filled and one being encoded, a file holds
// at most encoderQueue+2 records in memory.
const encoderQueue = 1

// encoder writes the records of one Parquet file on its own goroutine, so
// that Parquet encoding and compression overlap the reading, decoding and
// row building of the next packets (and use another core) instead of
// running after them. Records pass through a bounded queue: a producer
// faster than the encoder blocks, which bounds memory.
//
// Records are written into buffered row groups (see recordWriter): a row
// group takes several records and is closed when it holds its maximum
// number of rows.
type encoder struct {
	path    string
	af      *atomicfile.File
	rw      recordWriter
	q       chan queued
	done    chan struct{}
	closed  bool         // q closed (producer side only)
	aborted atomic.Bool  // skip the remaining work; the file is removed
	pending atomic.Int32 // records sent and not yet written
	mu      sync.Mutex
	err     error // first error, guarded by mu
}

func newEncoder(path string, af *atomicfile.File, rw recordWriter) *encoder {
	e := &encoder{path: path, af: af, rw: rw,
		q: make(chan queued, encoderQueue), done: make(chan struct{})}
	go e.run()
	return e
}

// run writes every queued record, then the footer. After a failure it
// keeps receiving (and releasing) records so that the producer never
// blocks; the error is reported by send and wait.
func (e *encoder) run() {
	defer close(e.done)
	for r := range e.q {
		if e.error() == nil && !e.aborted.Load() {
			if err := e.rw.write(r.rec, r.dicts); err != nil {
				e.setErr(err)
			}
		}
		r.rec.Release()
		e.pending.Add(-1)
	}
	// Close also frees the writer's buffers when the run failed or was
	// aborted; the footer it writes then goes into a file that is removed.
	if err := e.rw.close(); err != nil && !e.aborted.Load() {
		e.setErr(err)
	}
}

func (e *encoder) setErr(err error) {
	e.mu.Lock()
	if e.err == nil {
		e.err = fmt.Errorf("parquet: %s: %w", e.path, err)
	}
	e.mu.Unlock()
}

func (e *encoder) error() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.err
}

// queued is a record waiting for the encoder, with the dictionaries of
// its dictionary columns.
type queued struct {
	rec   arrow.RecordBatch
	dicts []dictSnap
}

// send hands rec, whose dictionary columns point into dicts, to the
// encoder, which releases it. It blocks while the queue is full and
// returns the encoder's first error, if any.
func (e *encoder) send(rec arrow.RecordBatch, dicts []dictSnap) error {
	if err := e.error(); err != nil {
		rec.Release()
		return err
	}
	e.pending.Add(1)
	e.q <- queued{rec, dicts}
	return nil
}

// close tells the encoder that no record follows: it writes the footer
// once the queue is drained. It does not wait (see wait).
func (e *encoder) close() {
	if !e.closed {
		e.closed = true
		close(e.q)
	}
}

// wait closes the queue, waits until the footer is written and returns the
// first error.
func (e *encoder) wait() error {
	e.close()
	<-e.done
	return e.error()
}

// abort drops the records still queued and waits for the encoder to stop.
func (e *encoder) abort() {
	e.aborted.Store(true)
	e.close()
	<-e.done
}
