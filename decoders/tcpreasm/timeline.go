package tcpreasm

import (
	"fmt"
	"sort"

	"github.com/pcapflow/pcapflow/pipeline"
)

// Event kinds of a Timeline.
const (
	EventHandshake  = "handshake"      // the three-way handshake completed
	EventRetransmit = "retransmission" // an episode of resent segments
	EventStall      = "stall"          // no packet for longer than the stall threshold
	EventZeroWindow = "zero-window"    // a side advertised a zero window
	EventWindowOpen = "window-open"    // ...and later a non-zero one again
	EventFIN        = "fin"
	EventRST        = "rst"
)

// Event is one entry of a connection's timeline.
type Event struct {
	// Time is when the event started (ns since the Unix epoch).
	Time int64
	// Kind is one of the Event* constants.
	Kind string
	// Dir is the direction the event concerns (the sender of the
	// retransmissions, zero window, FIN or RST; the side that resumed a stall).
	Dir Dir
	// Duration is how long it lasted (ns): the handshake RTT, the stall, the
	// retransmission episode, the zero window.
	Duration int64
	// Segments and Bytes count what was resent (retransmission), or
	// Bytes holds the bytes in flight (stall).
	Segments, Bytes uint64
	// Note explains the event in words (who waited for whom).
	Note string
}

// Timeline is what happened on a connection, in time order.
type Timeline struct {
	Events []Event
	// Dropped counts events beyond Options.MaxTimeline.
	Dropped uint64
	// MaxInFlight is the most unacknowledged bytes seen per direction.
	MaxInFlight [2]uint64
	// Stalls counts stalls; StallTime sums their durations (ns).
	Stalls    uint64
	StallTime int64
	// RetransEpisodes counts retransmission episodes per direction.
	RetransEpisodes [2]uint64
}

// tlState is what the timeline builder remembers between packets.
type tlState struct {
	last      int64
	handshake bool
	ep        [2]episode
	zero      [2]int64 // start of a zero window, 0 when open
}

type episode struct {
	start, last     int64
	segments, bytes uint64
}

func (t *Timeline) add(e Event, max int) {
	if len(t.Events) >= max {
		t.Dropped++
		return
	}
	t.Events = append(t.Events, e)
}

// inFlight returns the bytes dir sent that the peer has not acknowledged.
func (c *conn) inFlight(dir Dir) uint64 {
	h, peer := &c.h[dir], &c.h[1-dir]
	if !h.maxKnown || !peer.ackSeen || !seqGT(h.maxEnd, peer.ack) {
		return 0
	}
	return uint64(h.maxEnd - peer.ack)
}

func (d Dir) side() string {
	if d == ServerToClient {
		return "server"
	}
	return "client"
}

// stallThreshold is the idle time that counts as a stall: four handshake
// RTTs, at least 200ms.
func stallThreshold(c *conn) int64 {
	th := int64(defaultStallMin)
	if rtt := c.HandshakeRTT(); rtt > 0 && defaultStallRTTTimes*rtt > th {
		th = defaultStallRTTTimes * rtt
	}
	return th
}

// observe adds the events one segment causes (after reassembly saw it).
func (t *tlState) observe(c *conn, dir Dir, now int64, v *view, length uint32, retrans bool, max int) {
	tl := &c.Timeline
	fl := v.flags
	if !t.handshake && c.AckTime != 0 {
		t.handshake = true
		tl.add(Event{Time: c.SynTime, Kind: EventHandshake, Dir: ClientToServer, Duration: c.AckTime - c.SynTime,
			Note: fmt.Sprintf("SYN to SYN+ACK %s, SYN+ACK to ACK %s", dur(c.SynAckTime-c.SynTime), dur(c.AckTime-c.SynAckTime))}, max)
	}
	if t.last != 0 && now-t.last > stallThreshold(c) {
		gap := now - t.last
		tl.Stalls++
		tl.StallTime += gap
		own, other := c.inFlight(dir), c.inFlight(1-dir)
		var note string
		switch {
		case own > 0 && retrans:
			note = fmt.Sprintf("%s waited for ACKs of %d bytes, then resent (timeout)", dir.side(), own)
		case own > 0:
			note = fmt.Sprintf("%s waited with %d bytes unacknowledged", dir.side(), own)
		case other > 0:
			note = fmt.Sprintf("%s waited for %s to acknowledge %d bytes", (1 - dir).side(), dir.side(), other)
		default:
			note = fmt.Sprintf("nothing in flight: %s waited for %s to send", (1 - dir).side(), dir.side())
		}
		tl.add(Event{Time: t.last, Kind: EventStall, Dir: dir, Duration: gap, Bytes: max64(own, other), Note: note}, max)
	}
	t.last = now
	ep := &t.ep[dir]
	switch {
	case retrans:
		if ep.segments == 0 {
			ep.start = now
		}
		ep.last = now
		ep.segments++
		ep.bytes += uint64(length)
	case length > 0 && ep.segments > 0:
		t.endEpisode(c, dir, max)
	}
	if fl&(pipeline.TCPSyn|pipeline.TCPFin|pipeline.TCPRst) == 0 {
		switch win := v.win; {
		case win == 0 && t.zero[dir] == 0:
			t.zero[dir] = now
			tl.add(Event{Time: now, Kind: EventZeroWindow, Dir: dir,
				Note: fmt.Sprintf("%s's receive buffer full: %s must wait", dir.side(), (1 - dir).side())}, max)
		case win != 0 && t.zero[dir] != 0:
			tl.add(Event{Time: now, Kind: EventWindowOpen, Dir: dir, Duration: now - t.zero[dir]}, max)
			t.zero[dir] = 0
		}
	}
	if fl&pipeline.TCPFin != 0 && !c.Stats[dir].finLogged {
		c.Stats[dir].finLogged = true
		tl.add(Event{Time: now, Kind: EventFIN, Dir: dir}, max)
	}
	if fl&pipeline.TCPRst != 0 {
		tl.add(Event{Time: now, Kind: EventRST, Dir: dir}, max)
	}
	if f := c.inFlight(dir); f > tl.MaxInFlight[dir] {
		tl.MaxInFlight[dir] = f
	}
}

func (t *tlState) endEpisode(c *conn, dir Dir, max int) {
	ep := &t.ep[dir]
	tl := &c.Timeline
	tl.RetransEpisodes[dir]++
	tl.add(Event{Time: ep.start, Kind: EventRetransmit, Dir: dir, Duration: ep.last - ep.start,
		Segments: ep.segments, Bytes: ep.bytes,
		Note: fmt.Sprintf("%s resent %d segments (%d bytes)", dir.side(), ep.segments, ep.bytes)}, max)
	*ep = episode{}
}

// finish closes open episodes when the connection ends and puts the
// events in time order (episodes are recorded when they end).
func (t *tlState) finish(c *conn, max int) {
	for dir := ClientToServer; dir <= ServerToClient; dir++ {
		if t.ep[dir].segments > 0 {
			t.endEpisode(c, dir, max)
		}
	}
	ev := c.Timeline.Events
	sort.SliceStable(ev, func(i, j int) bool { return ev[i].Time < ev[j].Time })
}

func max64(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

// dur formats ns as milliseconds with microsecond precision.
func dur(ns int64) string { return fmt.Sprintf("%.3fms", float64(ns)/1e6) }
