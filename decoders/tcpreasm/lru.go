package tcpreasm

// Connections sit on doubly linked lists (open, closed), most recently
// active at the head, so that expiry and eviction take them from the
// tails. Every packet moves its connection to the head, which rewrites
// the links of up to three other connections; the links live in one dense
// array beside the slab (8 bytes a connection), not in the connections'
// 832-byte states, so that this touches a few bytes in the caches instead
// of three random connections.

// list is one list's ends (slab slots, -1 when empty).
type list struct{ head, tail int32 }

// link is a slot's neighbours on its list (-1: none).
type link struct{ prev, next int32 }

// unlink takes slot i off its list.
func (a *Assembler) unlink(i int32) {
	l := &a.lists[a.slab.at(i).list]
	k := &a.links[i]
	if k.prev >= 0 {
		a.links[k.prev].next = k.next
	} else {
		l.head = k.next
	}
	if k.next >= 0 {
		a.links[k.next].prev = k.prev
	} else {
		l.tail = k.prev
		a.expireAt = noExpireBound
	}
	*k = link{-1, -1}
}

// push puts slot i at the head of list which.
func (a *Assembler) push(i int32, which uint8) {
	a.slab.at(i).list = which
	l := &a.lists[which]
	a.links[i] = link{-1, l.head}
	if l.head >= 0 {
		a.links[l.head].prev = i
	}
	l.head = i
	if l.tail < 0 {
		l.tail = i
		a.expireAt = noExpireBound
	}
}

// touch makes i the most recently active connection of its list: unlink
// and push fused, as this runs for every packet.
func (a *Assembler) touch(i int32) {
	l := &a.lists[a.slab.at(i).list]
	if l.head == i {
		return
	}
	// Not the head: it has a predecessor, and the list stays non-empty.
	k := &a.links[i]
	a.links[k.prev].next = k.next
	if k.next >= 0 {
		a.links[k.next].prev = k.prev
	} else {
		l.tail = k.prev
		a.expireAt = noExpireBound
	}
	a.links[l.head].prev = i
	*k = link{-1, l.head}
	l.head = i
}

// moveList moves slot i to the head of list which.
func (a *Assembler) moveList(i int32, which uint8) {
	a.unlink(i)
	a.push(i, which)
}
