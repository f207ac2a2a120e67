package split

import (
	"fmt"
	"os"
	"runtime"
	"sync"
)

// writeQueue is the number of flushed buffers that may wait for the writer:
// at most writeQueue*FlushChunk bytes (16 MiB) are in flight.
const writeQueue = 256

// writerCount is the number of writer goroutines: two when the process may
// run two goroutines at once. The writes are most of a split's work (kernel
// time in ext4's buffered write path), and a second writer lets the
// kernel work on two files at once; more did not help on two cores.
func writerCount() int { return min(runtime.GOMAXPROCS(0), 2) }

// writer returns the writer of flow idx: a flow always goes to the same
// one, so its file's records stay in order.
func (s *Sink) writer(idx int32) *writer { return &s.writers[int(idx)%len(s.writers)] }

// writeJob is one flushed buffer to append to one flow file.
type writeJob struct {
	flow   int32
	create bool   // the file's first write: create (truncate) it
	path   string // the file's .partial path
	buf    []byte
}

// writer appends flushed buffers to the flow files on its own goroutine, so
// that the system calls (open, write, close) of one flush overlap the
// encoding of the next packets. It owns an open-file LRU for its share of
// the flows; jobs are written in the order they were queued, so each file's
// records stay in order.
// After the first error later jobs are dropped (their buffers recycled) and
// the error is reported by err.
type writer struct {
	jobs chan writeJob
	done chan struct{}
	pool *bufPool

	// Owned by the writer goroutine until done is closed.
	files   openFiles
	slotOf  []int32 // open slot of each flow, -1 when closed
	written []int64 // bytes written to each flow's file
	opens   int64

	mu       sync.Mutex
	firstErr error
}

// start launches the writer goroutine.
func (w *writer) start(maxOpen int, pool *bufPool) {
	w.jobs = make(chan writeJob, writeQueue)
	w.done = make(chan struct{})
	w.pool = pool
	w.files.init(maxOpen)
	go w.run()
}

func (w *writer) run() {
	defer close(w.done)
	for j := range w.jobs {
		if w.err() == nil {
			if err := w.write(j); err != nil {
				w.fail(err)
			}
		}
		w.pool.put(j.buf)
	}
	if err := w.closeAll(); err != nil {
		w.fail(err)
	}
}

// queue hands one buffer to the writer; it blocks while writeQueue jobs wait.
func (w *writer) queue(j writeJob) { w.jobs <- j }

// finish waits until every queued job is written and every file closed,
// and returns the first error. The writer cannot be used afterwards.
func (w *writer) finish() error {
	close(w.jobs)
	<-w.done
	return w.err()
}

func (w *writer) fail(err error) {
	w.mu.Lock()
	if w.firstErr == nil {
		w.firstErr = err
	}
	w.mu.Unlock()
}

// err returns the first write error, if any.
func (w *writer) err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.firstErr
}

// bytesWritten returns the size of flow idx's file; valid after finish.
func (w *writer) bytesWritten(idx int) int64 {
	if idx < len(w.written) {
		return w.written[idx]
	}
	return 0
}

// write appends one job's buffer to its file.
func (w *writer) write(j writeJob) error {
	for int(j.flow) >= len(w.slotOf) {
		w.slotOf = append(w.slotOf, -1)
		w.written = append(w.written, 0)
	}
	file, err := w.open(j)
	if err != nil {
		return err
	}
	n, err := file.Write(j.buf)
	w.written[j.flow] += int64(n)
	if err != nil {
		return fmt.Errorf("split: writing %s: %w", file.Name(), err)
	}
	return nil
}

// open returns the open file of the job's flow, opening it (and closing the
// least recently used file when at the limit).
func (w *writer) open(j writeJob) (outFile, error) {
	o := &w.files
	if slot := w.slotOf[j.flow]; slot >= 0 {
		if o.head != slot {
			o.unlink(slot)
			o.pushHead(slot)
		}
		return o.slots[slot].f, nil
	}
	if o.n >= o.max {
		if err := w.closeSlot(o.tail); err != nil {
			return outFile{}, err
		}
	}
	flags := os.O_WRONLY | os.O_APPEND
	if j.create {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	file, err := openOut(j.path, flags)
	if err != nil {
		return outFile{}, fmt.Errorf("split: %w", err)
	}
	w.opens++
	var i int32
	if n := len(o.free); n > 0 {
		i = o.free[n-1]
		o.free = o.free[:n-1]
	} else {
		o.slots = append(o.slots, openSlot{})
		i = int32(len(o.slots) - 1)
	}
	o.slots[i] = openSlot{f: file, flow: j.flow, prev: -1, next: -1}
	o.pushHead(i)
	o.n++
	w.slotOf[j.flow] = i
	return file, nil
}

// closeSlot closes the file in slot i.
func (w *writer) closeSlot(i int32) error {
	o := &w.files
	sl := &o.slots[i]
	err := sl.f.Close()
	w.slotOf[sl.flow] = -1
	name := sl.f.Name()
	o.unlink(i)
	o.slots[i] = openSlot{}
	o.free = append(o.free, i)
	o.n--
	if err != nil {
		return fmt.Errorf("split: closing %s: %w", name, err)
	}
	return nil
}

// closeAll closes every open file, returning the first error.
func (w *writer) closeAll() error {
	var first error
	for w.files.tail >= 0 {
		if err := w.closeSlot(w.files.tail); err != nil && first == nil {
			first = err
		}
	}
	return first
}
