package split

import (
	"cmp"
	"path/filepath"
	"slices"
	"strconv"
)

// PartialSuffix ends the name of a flow file until the run completes.
const PartialSuffix = ".partial"

// clampMaxOpen picks the open file limit: n (default DefaultMaxOpen), at
// most the process limit less a reserve for inputs, other sinks and the
// runtime (an eighth of the limit, at least 64), at least 1.
func clampMaxOpen(n int) int {
	if n <= 0 {
		n = DefaultMaxOpen
	}
	if lim := fileLimit(); lim > 0 {
		reserve := max(lim/8, 64)
		avail := uint64(1)
		if lim > reserve {
			avail = lim - reserve
		}
		if uint64(n) > avail {
			n = int(avail)
		}
	}
	return max(n, 1)
}

// openSlot is one open file in the LRU.
type openSlot struct {
	f          outFile
	flow       int32
	prev, next int32
}

// openFiles is an LRU of open files, most recently used at head.
type openFiles struct {
	slots      []openSlot
	free       []int32
	head, tail int32
	max        int
	n          int
}

func (o *openFiles) init(max int) {
	o.max = max
	o.head, o.tail = -1, -1
}

func (o *openFiles) unlink(i int32) {
	s := &o.slots[i]
	if s.prev >= 0 {
		o.slots[s.prev].next = s.next
	} else {
		o.head = s.next
	}
	if s.next >= 0 {
		o.slots[s.next].prev = s.prev
	} else {
		o.tail = s.prev
	}
	s.prev, s.next = -1, -1
}

func (o *openFiles) pushHead(i int32) {
	s := &o.slots[i]
	s.prev, s.next = -1, o.head
	if o.head >= 0 {
		o.slots[o.head].prev = i
	}
	o.head = i
	if o.tail < 0 {
		o.tail = i
	}
}

// baseName returns the final file name of entry idx (no directory).
func (s *Sink) baseName(idx int32) string {
	f := &s.flows[idx]
	name := "other"
	if !f.other {
		name = f.key.FileName()
	}
	if f.ltSuffix {
		name += ".lt" + strconv.Itoa(int(f.linkType))
	}
	return name + s.format.Ext()
}

// partialPath is where entry idx is written during the run: its final name
// in a fresh run's DIR.partial, else NAME.partial in DIR.
func (s *Sink) partialPath(idx int32) string {
	if s.fresh {
		return filepath.Join(s.work, s.baseName(idx))
	}
	return filepath.Join(s.work, s.baseName(idx)+PartialSuffix)
}

// flush hands entry idx's buffer to the writer.
func (s *Sink) flush(idx int32) error {
	f := &s.flows[idx]
	if len(f.buf) == 0 {
		return nil
	}
	w := s.writer(idx)
	if err := w.err(); err != nil {
		return err
	}
	j := writeJob{flow: idx, create: !f.created, path: s.partialPath(idx), buf: f.buf}
	f.created = true
	s.buffered -= int64(cap(f.buf))
	f.buf = nil
	s.sum.Flushes++
	w.queue(j)
	return nil
}

// flushSome flushes the largest buffers until at most half the budget is used.
func (s *Sink) flushSome() error {
	s.compactDirty()
	slices.SortFunc(s.dirty, func(a, b int32) int {
		if c := cmp.Compare(len(s.flows[b].buf), len(s.flows[a].buf)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	target := s.opts.BufferBytes / 2
	for _, idx := range s.dirty {
		if s.buffered <= target {
			break
		}
		if err := s.flush(idx); err != nil {
			return err
		}
	}
	s.compactDirty()
	return nil
}

// compactDirty drops entries whose buffer is empty from the dirty list.
func (s *Sink) compactDirty() {
	kept := s.dirty[:0]
	for _, idx := range s.dirty {
		if len(s.flows[idx].buf) > 0 {
			kept = append(kept, idx)
		} else {
			s.flows[idx].dirty = false
		}
	}
	s.dirty = kept
}

// flushAll writes every buffer.
func (s *Sink) flushAll() error {
	s.compactDirty()
	for _, idx := range s.dirty {
		if err := s.flush(idx); err != nil {
			return err
		}
	}
	s.compactDirty()
	return nil
}
