package flowkey

import "net/netip"

// tuple is a canonical bidirectional transport tuple: (a, aPort) is the
// lower endpoint.
type tuple struct {
	a, b         netip.Addr
	aPort, bPort uint16
	proto        uint8
}

// Client roles recorded for a connection.
const (
	roleUnknown uint8 = iota
	roleAClient
	roleBClient
)

// conn is what the Keyer remembers about one TCP tuple.
type conn struct {
	t          tuple
	lastTs     int64
	synSeq     uint32
	gen        uint32
	prev, next int32 // recency list, most recent at head
	synSeen    bool
	synFromA   bool // the last SYN came from side a
	closed     bool // a FIN or RST was seen since the last SYN
	role       uint8
}

// connTable holds TCP tuple state in a slab with a recency list, so idle
// entries are expired in O(1) per packet by packet time and the table never
// holds more than max entries.
type connTable struct {
	m          map[tuple]int32
	slab       []conn
	free       []int32
	head, tail int32
	idle       int64 // ns
	max        int
}

func newConnTable(idle int64, max int) *connTable {
	return &connTable{m: make(map[tuple]int32), head: -1, tail: -1, idle: idle, max: max}
}

// get returns the state of t, creating it (zeroed) when absent, after
// expiring entries idle for longer than the timeout at time ts.
func (c *connTable) get(t tuple, ts int64) *conn {
	c.expire(ts)
	if i, ok := c.m[t]; ok {
		e := &c.slab[i]
		if ts > e.lastTs {
			e.lastTs = ts
		}
		c.moveToHead(i)
		return e
	}
	if len(c.m) >= c.max && c.tail >= 0 {
		c.remove(c.tail)
	}
	var i int32
	if n := len(c.free); n > 0 {
		i = c.free[n-1]
		c.free = c.free[:n-1]
	} else {
		c.slab = append(c.slab, conn{})
		i = int32(len(c.slab) - 1)
	}
	c.slab[i] = conn{t: t, lastTs: ts, prev: -1, next: -1}
	c.m[t] = i
	c.pushHead(i)
	return &c.slab[i]
}

// len returns the number of tuples remembered.
func (c *connTable) len() int { return len(c.m) }

func (c *connTable) expire(now int64) {
	for c.tail >= 0 && now-c.slab[c.tail].lastTs > c.idle {
		c.remove(c.tail)
	}
}

func (c *connTable) remove(i int32) {
	c.unlink(i)
	delete(c.m, c.slab[i].t)
	c.slab[i] = conn{}
	c.free = append(c.free, i)
}

func (c *connTable) unlink(i int32) {
	e := &c.slab[i]
	if e.prev >= 0 {
		c.slab[e.prev].next = e.next
	} else {
		c.head = e.next
	}
	if e.next >= 0 {
		c.slab[e.next].prev = e.prev
	} else {
		c.tail = e.prev
	}
	e.prev, e.next = -1, -1
}

func (c *connTable) pushHead(i int32) {
	e := &c.slab[i]
	e.prev = -1
	e.next = c.head
	if c.head >= 0 {
		c.slab[c.head].prev = i
	}
	c.head = i
	if c.tail < 0 {
		c.tail = i
	}
}

func (c *connTable) moveToHead(i int32) {
	if c.head == i {
		return
	}
	c.unlink(i)
	c.pushHead(i)
}
