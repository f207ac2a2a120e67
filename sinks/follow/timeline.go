package follow

import (
	"fmt"
	"time"

	"github.com/pcapflow/pcapflow/decoders/tcpreasm"
)

// AppendTimeline appends a human-readable account of connection c: its
// endpoints and duration, the handshake RTT, each direction's bytes, gaps,
// retransmissions and peak bytes in flight, then the timeline's events with
// their offset from the first packet.
func AppendTimeline(b []byte, c *tcpreasm.Conn) []byte {
	b = fmt.Appendf(b, "stream %d  %s > %s  %s  %s .. %s (%s), ended: %s\n", c.ID, c.Client, c.Server,
		handshake(c), stamp(c.First), stamp(c.Last), time.Duration(c.Last-c.First), c.EndReason)
	for d := tcpreasm.ClientToServer; d <= tcpreasm.ServerToClient; d++ {
		st := &c.Stats[d]
		b = fmt.Appendf(b, "  %s: %d segments, %d bytes", d, st.Segments, st.Bytes)
		if st.Gaps > 0 {
			b = fmt.Appendf(b, ", %d gaps (%d bytes missing", st.Gaps, st.GapBytes)
			if st.TruncatedBytes > 0 {
				b = fmt.Appendf(b, ", %d cut by snaplen", st.TruncatedBytes)
			}
			b = append(b, ')')
		}
		if st.RetransSegments+st.Overlaps > 0 {
			b = fmt.Appendf(b, ", %d bytes resent (%d whole segments, %d overlaps)", st.Retransmitted, st.RetransSegments, st.Overlaps)
		}
		if st.Conflicts > 0 {
			b = fmt.Appendf(b, ", %d CONFLICTING copies (first copy kept)", st.Conflicts)
		}
		if st.OutOfOrder > 0 {
			b = fmt.Appendf(b, ", %d out of order", st.OutOfOrder)
		}
		if st.ZeroWindows > 0 {
			b = fmt.Appendf(b, ", %d zero windows", st.ZeroWindows)
		}
		b = fmt.Appendf(b, ", max in flight %d\n", c.Timeline.MaxInFlight[d])
	}
	for _, e := range c.Timeline.Events {
		b = fmt.Appendf(b, "  +%-12s %-14s %s", offset(e.Time-c.First), e.Kind, e.Dir)
		if e.Duration > 0 {
			b = fmt.Appendf(b, " for %s", time.Duration(e.Duration))
		}
		if e.Note != "" {
			b = fmt.Appendf(b, ": %s", e.Note)
		}
		b = append(b, '\n')
	}
	if c.Timeline.Dropped > 0 {
		b = fmt.Appendf(b, "  (%d more events not kept)\n", c.Timeline.Dropped)
	}
	return b
}

func handshake(c *tcpreasm.Conn) string {
	if rtt := c.HandshakeRTT(); rtt >= 0 {
		return "handshake RTT " + time.Duration(rtt).String()
	}
	return "no handshake seen"
}

func stamp(ns int64) string { return time.Unix(0, ns).UTC().Format("2006-01-02T15:04:05.000000Z") }

func offset(ns int64) string { return fmt.Sprintf("%.6fs", float64(ns)/1e9) }
