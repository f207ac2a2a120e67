package tcpreasm

import (
	"math"

	"github.com/pcapflow/pcapflow/pipeline"
)

// leanSegment applies one segment sent in direction dir to c, a lean
// connection: the handler ignores both directions, nothing is buffered and
// no timeline is kept (conn.lean; none of these can change back). Of what
// segment does, only what can still be seen is left: the segment, flag,
// zero-window and handshake counters, the closing of the connection, and
// the SYN's sequence number that tells a reused tuple. The rest of the
// direction's state (next sequence number, acknowledgement, window,
// highest sequence number sent) only serves to reassemble bytes or the
// timeline, so it is left as it was.
//
// A segment that changes nothing but its direction's segment count (no
// SYN, FIN or RST, a non-zero window, not the ACK completing the
// handshake) is counted in conn.leanSegs, in the connection's first cache
// line, which also holds its key and Last: such a packet reads no other
// line of the connection's state. The counts go into Conn.Stats before
// anything else counts or the handler sees them (foldSegments); the
// handler sees a lean connection only in Close.
func (a *Assembler) leanSegment(c *conn, dir Dir, v *view, now int64) {
	fl := v.flags
	if fl&(pipeline.TCPSyn|pipeline.TCPFin|pipeline.TCPRst) == 0 && v.win != 0 &&
		!(c.lean&leanAckWait != 0 && dir == ClientToServer && fl&pipeline.TCPAck != 0) && c.leanSegs[dir] < math.MaxUint16 {
		c.leanSegs[dir]++
		return
	}
	c.foldSegments()
	countFlags(c, dir, v, now)
	if fl&pipeline.TCPSyn != 0 {
		h := &c.h[dir]
		h.synSeen, h.isn = true, v.seq
	}
	a.closing(c, dir, fl&pipeline.TCPFin != 0)
	c.lean = leanState(c)
}

// Bits of conn.lean.
const (
	leanOn      = 1 << iota // segments go through leanSegment
	leanAckWait             // SynAckTime is set and AckTime is not
)

// leanState returns conn.lean for c, which takes the lean path.
func leanState(c *conn) uint8 {
	if c.SynAckTime != 0 && c.AckTime == 0 {
		return leanOn | leanAckWait
	}
	return leanOn
}

// foldSegments adds the segments counted in c.leanSegs to c.Stats.
func (c *conn) foldSegments() {
	for d := range c.leanSegs {
		c.Stats[d].Segments += uint64(c.leanSegs[d])
		c.leanSegs[d] = 0
	}
}

// countFlags counts segment v, sent in direction dir of c at now: the
// direction's segment, flag and zero-window counters and the connection's
// handshake times.
func countFlags(c *conn, dir Dir, v *view, now int64) {
	fl := v.flags
	st := &c.Stats[dir]
	st.Segments++
	syn, fin, rst := fl&pipeline.TCPSyn != 0, fl&pipeline.TCPFin != 0, fl&pipeline.TCPRst != 0
	ack := fl&pipeline.TCPAck != 0
	switch {
	case syn && !ack:
		st.SYN = true
		if c.SynTime == 0 {
			c.SynTime = now
		}
	case syn && ack:
		st.SYN = true
		if c.SynAckTime == 0 && c.SynTime != 0 {
			c.SynAckTime = now
		}
	case ack && dir == ClientToServer && c.SynAckTime != 0 && c.AckTime == 0:
		c.AckTime = now
	}
	if fin {
		st.FIN = true
	}
	if rst {
		st.RST = true
		c.closed = true
	}
	if v.win == 0 && !syn && !fin && !rst {
		st.ZeroWindows++
	}
}

// closing closes c once both sides sent a FIN (fin: the segment just
// counted, of direction dir, carries one) and moves a closed connection to
// the closed list.
func (a *Assembler) closing(c *conn, dir Dir, fin bool) {
	if fin && c.Stats[1-dir].FIN {
		c.closed = true
	}
	if c.closed && c.list != listClosed {
		a.moveList(a.cur, listClosed)
	}
}
