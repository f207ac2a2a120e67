package traceroute

import (
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"
)

// ProtoName returns "icmp" or "udp" for a probe protocol.
func ProtoName(proto uint8) string {
	switch proto {
	case ProtoICMP, ProtoICMPv6:
		return "icmp"
	case ProtoUDP:
		return "udp"
	}
	return fmt.Sprintf("proto %d", proto)
}

// FormatHop renders one hop as traceroute prints it: the hop number, then
// each probe's RTT, preceded by the answering address whenever it changes;
// "*" for a probe without an answer; "!N" (network), "!H" (host), "!X"
// (prohibited) or "!<code>" after an unreachable answer.
func FormatHop(h Hop) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%2d ", h.TTL)
	var last netip.Addr
	for _, p := range h.Probes {
		if p.Kind == NotAnswer {
			sb.WriteString(" *")
			continue
		}
		if p.From != last {
			fmt.Fprintf(&sb, "  %s", p.From)
			last = p.From
		}
		fmt.Fprintf(&sb, "  %.3f ms", float64(p.RTT)/float64(time.Millisecond))
		if p.Kind == Unreachable {
			sb.WriteString(" " + unreachableMark(p.Code))
		}
	}
	return sb.String()
}

func unreachableMark(code uint8) string {
	switch code {
	case 0:
		return "!N"
	case 1:
		return "!H"
	case 9, 10, 13:
		return "!X"
	}
	return fmt.Sprintf("!%d", code)
}

// WriteText prints a path: a heading line, then one line per hop.
func WriteText(w io.Writer, p Path) error {
	state := "not reached"
	if p.Reached {
		state = "reached"
	}
	if _, err := fmt.Fprintf(w, "traceroute from %s to %s (%s): %d hops, %s\n", p.Src, p.Dst, ProtoName(p.Proto), len(p.Hops), state); err != nil {
		return err
	}
	for _, h := range p.Hops {
		if _, err := fmt.Fprintln(w, FormatHop(h)); err != nil {
			return err
		}
	}
	return nil
}
