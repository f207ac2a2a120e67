package generators

import (
	"encoding/binary"
)

// Expectation is what a correct analysis of a generator's output must find.
// It is JSON-serialisable for CI pipelines that check their own detections.
// Packet counters are computed by parsing the generated frames; flow-level
// counters come from the generator's own bookkeeping.
type Expectation struct {
	// Generator is the generator's name ("synflood", "mix"...).
	Generator string `json:"generator"`
	// Packets and Bytes are the frames and captured bytes produced.
	Packets int64 `json:"packets"`
	Bytes   int64 `json:"bytes"`
	// FirstNs and LastNs are the first and last timestamps (ns since epoch).
	FirstNs int64 `json:"first_ns"`
	LastNs  int64 `json:"last_ns"`

	// Per-packet layer counts.
	IPv4   int64 `json:"ipv4"`
	IPv6   int64 `json:"ipv6"`
	VLAN   int64 `json:"vlan"`
	TCP    int64 `json:"tcp"`
	UDP    int64 `json:"udp"`
	ICMP   int64 `json:"icmp"` // ICMP and ICMPv6
	SYN    int64 `json:"syn"`  // SYN without ACK
	SYNACK int64 `json:"syn_ack"`
	FIN    int64 `json:"fin"`
	RST    int64 `json:"rst"`
	// Fragments counts the frames that are IP fragments; only the first
	// fragment of a datagram counts in TCP, UDP or ICMP.
	Fragments int64 `json:"ip_fragments,omitempty"`

	// Flows is the number of distinct bidirectional 5-tuples (protocol,
	// addresses, ports; ICMP has ports 0).
	Flows int64 `json:"flows"`
	// Connections counts TCP connections opened (SYNs of distinct
	// handshakes), UDP and ICMP exchanges; a 5-tuple reused later counts again.
	Connections int64 `json:"connections"`
	// IPPairs is the number of distinct unordered address pairs.
	IPPairs int64 `json:"ip_pairs"`
	// DistinctSources is the number of distinct source addresses of
	// packets sent by initiators (SYN senders, clients, probers).
	DistinctSources int64 `json:"distinct_sources"`
	// HalfOpen counts TCP 5-tuples that saw a SYN but never a SYN-ACK.
	HalfOpen int64 `json:"half_open"`
	// Retransmissions counts TCP segments sent again (same sequence range).
	Retransmissions int64 `json:"retransmissions"`
	// Lost counts frames the generator modelled as lost before the capture
	// point (they are not in the output).
	Lost int64 `json:"lost"`
	// Sessions counts completed application exchanges (HTTP GET/response,
	// traceroutes).
	Sessions int64 `json:"sessions"`

	// Traceroute counts.
	Hops            int   `json:"hops,omitempty"`
	Probes          int64 `json:"probes,omitempty"`
	TimeExceeded    int64 `json:"time_exceeded,omitempty"`
	EchoReplies     int64 `json:"echo_replies,omitempty"`
	PortUnreachable int64 `json:"port_unreachable,omitempty"`

	// Warnings are the generator's configuration warnings.
	Warnings []string `json:"warnings,omitempty"`
}

// tally adds one frame's per-packet counts to e. It parses only what the
// generators produce and ignores anything else.
func (e *Expectation) tally(f []byte, ts int64) {
	if e.Packets == 0 {
		e.FirstNs = ts
	}
	e.LastNs = ts
	e.Packets++
	e.Bytes += int64(len(f))
	if len(f) < 14 {
		return
	}
	et := binary.BigEndian.Uint16(f[12:])
	off := 14
	if et == etherTypeVLAN && len(f) >= 18 {
		e.VLAN++
		et = binary.BigEndian.Uint16(f[16:])
		off = 18
	}
	var proto uint8
	switch {
	case et == etherTypeIPv4 && len(f) >= off+20:
		e.IPv4++
		proto = f[off+9]
		if fo := binary.BigEndian.Uint16(f[off+6:]); fo&0x3fff != 0 {
			e.Fragments++
			if fo&0x1fff != 0 {
				return
			}
		}
		off += int(f[off]&0x0f) * 4
	case et == etherTypeIPv6 && len(f) >= off+40:
		e.IPv6++
		proto = f[off+6]
		off += 40
		if proto == 44 && len(f) >= off+fragHeaderLen {
			e.Fragments++
			if binary.BigEndian.Uint16(f[off+2:])&^7 != 0 {
				return
			}
			proto = f[off]
			off += fragHeaderLen
		}
	default:
		return
	}
	switch proto {
	case protoTCP:
		e.TCP++
		if len(f) < off+14 {
			return
		}
		fl := f[off+13]
		switch {
		case fl&(tcpSyn|tcpAck) == tcpSyn:
			e.SYN++
		case fl&(tcpSyn|tcpAck) == tcpSyn|tcpAck:
			e.SYNACK++
		}
		if fl&tcpFin != 0 {
			e.FIN++
		}
		if fl&tcpRst != 0 {
			e.RST++
		}
	case protoUDP:
		e.UDP++
	case protoICMP, protoICMPv6:
		e.ICMP++
	}
}

// dryRun runs a frame source to its end into a scratch buffer and tallies
// every frame.
func dryRun(name string, src frameSource) Expectation {
	e := Expectation{Generator: name}
	buf := make([]byte, 64<<10)
	for {
		n, ts, ok := src.next()
		if !ok {
			return e
		}
		if n > len(buf) {
			buf = make([]byte, n)
		}
		src.fill(buf[:n])
		e.tally(buf[:n], ts)
	}
}
