package flows

// list is one timeout class's recency list of flows (slots), most recently
// seen at the head, and the class's idle timeout. tailLast is the tail's
// latest packet time, kept here so that the idle check every packet makes
// reads no flow.
type list struct {
	head, tail int32
	tailLast   int64
	idle       int64
}

func (t *Table) unlink(i int32) {
	n := t.slab.link(i)
	l := &t.lists[t.slab.hot(i).class]
	if n.prev >= 0 {
		t.slab.link(n.prev).next = n.next
	} else {
		l.head = n.next
	}
	if n.next >= 0 {
		t.slab.link(n.next).prev = n.prev
	} else {
		l.tail = n.prev
		if n.prev >= 0 {
			l.tailLast = t.slab.hot(n.prev).last
		}
	}
	n.prev, n.next = -1, -1
}

// pushHead puts flow i, of class c, at the head of its list.
func (t *Table) pushHead(i int32, c uint8) {
	n := t.slab.link(i)
	l := &t.lists[c]
	n.prev, n.next = -1, l.head
	if l.head >= 0 {
		t.slab.link(l.head).prev = i
	}
	l.head = i
	if l.tail < 0 {
		l.tail = i
		l.tailLast = t.slab.hot(i).last
	}
}

// touch moves flow i, of class c and latest packet time last, to the head
// of its list.
func (t *Table) touch(i int32, c uint8, last int64) {
	l := &t.lists[c]
	if l.head != i {
		t.unlink(i)
		t.pushHead(i, c)
	}
	if l.tail == i {
		l.tailLast = last
	}
}

// expire ends the flows idle for longer than their timeout at time now.
func (t *Table) expire(now int64) {
	for c := range t.lists {
		if l := &t.lists[c]; l.tail >= 0 && now-l.tailLast > l.idle {
			t.expireClass(l, now)
		}
	}
}

// expireClass ends the flows of list l idle at time now, oldest first.
func (t *Table) expireClass(l *list, now int64) {
	for l.tail >= 0 && now-l.tailLast > l.idle {
		t.finish(l.tail, EndIdle)
	}
}

// evictOldest ends the least recently seen flow.
func (t *Table) evictOldest() {
	best := -1
	for c := range t.lists {
		if l := &t.lists[c]; l.tail >= 0 && (best < 0 || l.tailLast < t.lists[best].tailLast) {
			best = c
		}
	}
	if best >= 0 {
		t.finish(t.lists[best].tail, EndEvicted)
	}
}
