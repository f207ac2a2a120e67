package split

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// PartialSuffix ends the name of a flow file until the run completes.
const PartialSuffix = ".partial"

// clampMaxOpen picks the open file limit: n (default DefaultMaxOpen), at
// most half the process limit, at least 1.
func clampMaxOpen(n int) int {
	if n <= 0 {
		n = DefaultMaxOpen
	}
	if lim := fileLimit(); lim > 0 && uint64(n) > lim/2 {
		n = int(lim / 2)
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

func (s *Sink) partialPath(idx int32) string {
	return filepath.Join(s.opts.Dir, s.baseName(idx)+PartialSuffix)
}

// open returns the open file of entry idx, opening it (and closing the
// least recently used file when at the limit).
func (s *Sink) open(idx int32) (outFile, error) {
	o := &s.files
	f := &s.flows[idx]
	if f.slot >= 0 {
		if o.head != f.slot {
			o.unlink(f.slot)
			o.pushHead(f.slot)
		}
		return o.slots[f.slot].f, nil
	}
	if o.n >= o.max {
		if err := s.closeSlot(o.tail); err != nil {
			return outFile{}, err
		}
	}
	path := s.partialPath(idx)
	flags := os.O_WRONLY | os.O_APPEND
	if !f.created {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	file, err := openOut(path, flags)
	if err != nil {
		return outFile{}, fmt.Errorf("split: %w", err)
	}
	f.created = true
	s.sum.Opens++
	var i int32
	if n := len(o.free); n > 0 {
		i = o.free[n-1]
		o.free = o.free[:n-1]
	} else {
		o.slots = append(o.slots, openSlot{})
		i = int32(len(o.slots) - 1)
	}
	o.slots[i] = openSlot{f: file, flow: idx, prev: -1, next: -1}
	o.pushHead(i)
	o.n++
	f.slot = i
	return file, nil
}

// closeSlot closes the file in slot i.
func (s *Sink) closeSlot(i int32) error {
	o := &s.files
	sl := &o.slots[i]
	err := sl.f.Close()
	s.flows[sl.flow].slot = -1
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
func (s *Sink) closeAll() error {
	var first error
	for s.files.tail >= 0 {
		if err := s.closeSlot(s.files.tail); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// flush writes entry idx's buffer to its file.
func (s *Sink) flush(idx int32) error {
	f := &s.flows[idx]
	if len(f.buf) == 0 {
		return nil
	}
	file, err := s.open(idx)
	if err != nil {
		return err
	}
	f = &s.flows[idx]
	n, err := file.Write(f.buf)
	f.written += int64(n)
	if err != nil {
		return fmt.Errorf("split: writing %s: %w", file.Name(), err)
	}
	s.sum.Flushes++
	s.buffered -= int64(cap(f.buf))
	s.pool.put(f.buf)
	f.buf = nil
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
