package seids

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// spillBuf is the size of the buffer a run is written or read through.
const spillBuf = 64 << 10

// spill is the temporary file the text table's rows go to once they no
// longer fit in memory: sorted runs one after another, each a sequence
// of records (key and text length as uvarints, then the text). The file
// is unlinked as soon as it is made (where the system allows it), so it
// leaves nothing behind whatever happens to the process.
type spill struct {
	f    *os.File
	dir  string
	name string // the file's name when unlinking it failed; removed on release
	bw   *bufio.Writer
	size int64 // bytes written
	runs []span
	// start is where the run being written starts.
	start int64
	rec   [2 * binary.MaxVarintLen64]byte
}

// span is a run's place in the file.
type span struct{ off, n int64 }

// createTemp makes the spill file in os.TempDir (TMPDIR on Unix).
func createTemp() (*os.File, error) { return os.CreateTemp("", "pcapflow-seids-*") }

// newSpill makes a spill file with create (createTemp when nil).
func newSpill(create func() (*os.File, error)) (*spill, error) {
	if create == nil {
		create = createTemp
	}
	f, err := create()
	if err != nil {
		return nil, fmt.Errorf("session table: temporary file in %s: %w", os.TempDir(), err)
	}
	sp := &spill{f: f, dir: filepath.Dir(f.Name()), bw: bufio.NewWriterSize(f, spillBuf)}
	if os.Remove(f.Name()) != nil {
		sp.name = f.Name()
	}
	return sp, nil
}

// fail returns err naming the file's directory.
func (sp *spill) fail(err error) error {
	return fmt.Errorf("session table: temporary file in %s: %w", sp.dir, err)
}

// add appends a record to the run being written.
func (sp *spill) add(key uint64, line []byte) error {
	b := binary.AppendUvarint(sp.rec[:0], key)
	b = binary.AppendUvarint(b, uint64(len(line)))
	if _, err := sp.bw.Write(b); err != nil {
		return sp.fail(err)
	}
	if _, err := sp.bw.Write(line); err != nil {
		return sp.fail(err)
	}
	sp.size += int64(len(b) + len(line))
	return nil
}

// endRun ends the run being written: its records are on disk and the
// next ones start a new run.
func (sp *spill) endRun() error {
	if err := sp.bw.Flush(); err != nil {
		return sp.fail(err)
	}
	if sp.size > sp.start {
		sp.runs = append(sp.runs, span{sp.start, sp.size - sp.start})
	}
	sp.start = sp.size
	return nil
}

// cursor returns a reader of run i.
func (sp *spill) cursor(i int) *cursor {
	r := sp.runs[i]
	return &cursor{sp: sp, r: bufio.NewReaderSize(io.NewSectionReader(sp.f, r.off, r.n), spillBuf), left: r.n}
}

// release closes the file (and removes it if it still has a name).
func (sp *spill) release() {
	if sp == nil || sp.f == nil {
		return
	}
	sp.f.Close()
	if sp.name != "" {
		os.Remove(sp.name)
	}
	sp.f = nil
}

// cursor walks one sorted sequence of rows: a run of a spill file, or
// the rows held in memory (r nil). key and line are the current row's.
type cursor struct {
	key  uint64
	line []byte
	// A run: its reader, the bytes left in it and the current row's
	// text (line points into buf).
	sp   *spill
	r    *bufio.Reader
	left int64
	buf  []byte
	// The rows in memory: their writer and the rows not read yet.
	x    *textSessions
	rows []textRow
}

// next moves to the next row; it returns false at the end.
func (c *cursor) next() (bool, error) {
	if c.r == nil {
		if len(c.rows) == 0 {
			return false, nil
		}
		r := c.rows[0]
		c.rows = c.rows[1:]
		c.key, c.line = r.key, c.x.text(r)
		return true, nil
	}
	if c.left == 0 {
		return false, nil
	}
	key, err := binary.ReadUvarint(c.r)
	if err != nil {
		return false, c.sp.fail(unexpected(err))
	}
	n, err := binary.ReadUvarint(c.r)
	if err != nil {
		return false, c.sp.fail(unexpected(err))
	}
	c.left -= int64(uvarintLen(key) + uvarintLen(n))
	if n > uint64(c.left) {
		return false, c.sp.fail(errors.New("corrupt run"))
	}
	if uint64(cap(c.buf)) < n {
		c.buf = make([]byte, n)
	}
	c.buf = c.buf[:n]
	if _, err := io.ReadFull(c.r, c.buf); err != nil {
		return false, c.sp.fail(unexpected(err))
	}
	c.left -= int64(n)
	c.key, c.line = key, c.buf
	return true, nil
}

// unexpected turns the end of a file inside a run into an error.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// uvarintLen is the length of v as a uvarint.
func uvarintLen(v uint64) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}

// cursorHeap orders cursors by their row's key, then by their order in
// the table (ord): runs in the order they were written, the rows in
// memory last, so equal keys keep the order they arrived in.
type cursorHeap struct {
	cs  []*cursor
	ord []int
}

func (h *cursorHeap) Len() int { return len(h.cs) }
func (h *cursorHeap) Less(i, j int) bool {
	a, b := h.cs[i], h.cs[j]
	if a.key != b.key {
		return a.key < b.key
	}
	return h.ord[i] < h.ord[j]
}
func (h *cursorHeap) Swap(i, j int) {
	h.cs[i], h.cs[j] = h.cs[j], h.cs[i]
	h.ord[i], h.ord[j] = h.ord[j], h.ord[i]
}
func (h *cursorHeap) Push(any) {} // unused: the heap only shrinks
func (h *cursorHeap) Pop() any {
	n := len(h.cs) - 1
	h.cs, h.ord = h.cs[:n], h.ord[:n]
	return nil
}

// merge calls emit with the rows of cs, in the order given by their
// keys, ties going to the earlier cursor.
func merge(cs []*cursor, emit func(key uint64, line []byte) error) error {
	h := &cursorHeap{}
	for i, c := range cs {
		ok, err := c.next()
		if err != nil {
			return err
		}
		if ok {
			h.cs = append(h.cs, c)
			h.ord = append(h.ord, i)
		}
	}
	heap.Init(h)
	for h.Len() > 0 {
		c := h.cs[0]
		if err := emit(c.key, c.line); err != nil {
			return err
		}
		ok, err := c.next()
		if err != nil {
			return err
		}
		if ok {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
	}
	return nil
}

// compact merges sp's runs, fanIn at a time in the order they were
// written, into the runs of a new spill file until at most fanIn are
// left, and returns the file holding them; sp is released.
func compact(sp *spill, fanIn int, create func() (*os.File, error)) (*spill, error) {
	for len(sp.runs) > fanIn {
		next, err := newSpill(create)
		if err != nil {
			sp.release()
			return nil, err
		}
		for i := 0; i < len(sp.runs) && err == nil; i += fanIn {
			cs := make([]*cursor, 0, fanIn)
			for j := i; j < min(i+fanIn, len(sp.runs)); j++ {
				cs = append(cs, sp.cursor(j))
			}
			if err = merge(cs, next.add); err == nil {
				err = next.endRun()
			}
		}
		sp.release()
		if err != nil {
			next.release()
			return nil, err
		}
		sp = next
	}
	return sp, nil
}
