package tcpreasm

import (
	"net/netip"

	"github.com/pcapflow/pcapflow/pipeline"
)

// Dir is a direction of a connection.
type Dir uint8

// Directions: ClientToServer is from the sender of the connection's first
// packet (tshark's node 0), unless that packet was a SYN+ACK, which marks
// its sender as the server.
const (
	ClientToServer Dir = 0
	ServerToClient Dir = 1
)

// String returns "c2s" or "s2c".
func (d Dir) String() string {
	if d == ServerToClient {
		return "s2c"
	}
	return "c2s"
}

// End reasons of a connection.
const (
	EndIdle    = "idle"    // no packet for the idle timeout
	EndClosed  = "closed"  // FINs or RST seen, then the closed timeout
	EndReuse   = "reuse"   // a new connection took the tuple
	EndEvicted = "evicted" // the table was full
	EndFlush   = "eof"     // still open at the end of the input
)

// DirStats are one direction's counters.
type DirStats struct {
	// Segments is the number of segments sent (any flags).
	Segments uint64
	// SYN, FIN and RST say which control flags this side sent.
	SYN, FIN, RST bool
	finLogged     bool
	// ZeroWindows counts segments advertising a zero window.
	ZeroWindows uint64
	// Bytes is the number of bytes delivered to the handler.
	Bytes uint64
	// Gaps and GapBytes count holes reported (never filled with bytes);
	// TruncatedBytes is the part of GapBytes cut by the snap length.
	Gaps, GapBytes, TruncatedBytes uint64
	// Retransmitted counts payload bytes that arrived again after their
	// first copy; RetransSegments the segments that carried only such bytes.
	Retransmitted, RetransSegments uint64
	// OutOfOrder counts segments that arrived ahead of a hole.
	OutOfOrder uint64
	// Overlaps counts segments that partly covered bytes already seen;
	// Conflicts those whose covered bytes differed from the first copy
	// (compared while the first copy is remembered).
	Overlaps, Conflicts uint64
}

// Conn is a connection as handlers see it. A *Conn is only valid during the
// handler call it is passed to; copy what must outlive it.
type Conn struct {
	// First and Last are the first and last packet timestamps (ns).
	First, Last int64
	// Handshake times (ns, 0 when not seen): SYN, SYN+ACK and the ACK
	// completing the handshake.
	SynTime, SynAckTime, AckTime int64
	// ignored holds the directions the handler wants no bytes of.
	ignored [2]bool
	// Stats holds the counters of each direction, indexed by Dir.
	Stats [2]DirStats
	// ID numbers connections from 0 in order of their first packet, like
	// tshark's tcp.stream.
	ID uint64
	// Client and Server are the endpoints (see Dir).
	Client, Server netip.AddrPort
	// FirstFrame and FirstInput locate the connection's first packet.
	FirstFrame uint64
	FirstInput pipeline.InputID
	// EndReason says why the connection ended (set before Close).
	EndReason string
	// Timeline is filled when Options.Timeline is set.
	Timeline Timeline
	// User is free for the handler (per-connection state).
	User any
}

// Ignore tells the Assembler that the handler wants no more bytes of
// direction d: from the return of the handler call that asks, the
// direction's payload is neither delivered nor buffered (what it has
// buffered is dropped), and no Data or Gap calls come for it. The
// connection is still tracked, numbered and closed as before, and its
// segment, flag and handshake counters go on; the direction's byte, gap,
// retransmission, out-of-order, overlap and conflict counters stop, and
// the timeline no longer sees its retransmissions. A
// handler calls it from Open, Data or Gap, for instance once the first
// bytes show a protocol it does not parse.
func (c *Conn) Ignore(d Dir) { c.ignored[d&1] = true }

// Ignored reports whether the handler asked to ignore direction d.
func (c *Conn) Ignored(d Dir) bool { return c.ignored[d&1] }

// HandshakeRTT returns the time from the SYN to the ACK completing the
// handshake, or -1 when the handshake was not seen.
func (c *Conn) HandshakeRTT() int64 {
	if c.SynTime == 0 || c.AckTime == 0 {
		return -1
	}
	return c.AckTime - c.SynTime
}

// Chunk describes the packet that delivered bytes.
type Chunk struct {
	// Timestamp (ns), Frame and Input of the segment the bytes came from.
	Timestamp int64
	Frame     uint64
	Input     pipeline.InputID
	// Offset is the position of the first byte in the direction's stream,
	// counting delivered bytes and gaps.
	Offset uint64
	// Truncated is set on a gap of bytes the snap length cut from the
	// segment at Frame (otherwise the gap is a hole between segments).
	Truncated bool
	// Unacked is set on a hole between segments that the peer never
	// acknowledged past: it is reported because the connection ended, its
	// buffer was full or memory was shed, and the receiver may never have
	// had those bytes either. tshark's follow stops at such a hole (it
	// writes nothing of the direction after it).
	Unacked bool
}

// Handler receives reassembled streams. Calls for one Assembler come from
// one goroutine, in capture order.
type Handler interface {
	// Open is called when a connection starts.
	Open(c *Conn)
	// Data delivers the next bytes of direction d. data is only valid
	// during the call.
	Data(c *Conn, d Dir, data []byte, at Chunk)
	// Gap reports n bytes of direction d that the capture does not hold.
	Gap(c *Conn, d Dir, n uint64, at Chunk)
	// Close is called once when the connection ends.
	Close(c *Conn)
}
