// Package tcpreasm reassembles the two byte streams of every TCP connection
// from decoded packets seen in capture order.
//
// An Assembler keeps a table of connections keyed by their address and port
// pair. Each direction delivers its bytes in sequence order to a Handler,
// exactly once: the first copy of a byte wins, later copies (retransmissions,
// overlapping segments) are compared with what was delivered when it is still
// remembered, and differing bytes are counted as conflicts. Out-of-order
// segments wait in a buffer until the hole before them is filled; a hole that
// the peer acknowledged (the receiver had the bytes, the capture missed them),
// or that is still open when the connection ends or its buffer is full, is
// reported as a gap of its size — bytes are never invented. Segments cut by
// the capture's snap length deliver what was captured and a gap for the rest.
//
// Connections follow the SYN/FIN/RST lifecycle: a new SYN on a closed tuple,
// or a SYN with a new initial sequence number from the same side, starts a
// new connection (port reuse), numbered like tshark's tcp.stream. A
// connection first seen mid-stream starts each direction at its first
// segment. Connections end after an idle timeout measured in packet time
// (never the wall clock), when the table is full (least recently active
// first), or at Flush. Memory is bounded per direction (buffered
// out-of-order bytes) and in total; over the total bound, the least recently
// active connections give up their buffers first (their holes become gaps).
//
// A packet's segment is its outer TCP header or, in a GTP-U G-PDU, the
// tunnelled one; connections are keyed by the TCP tuple alone, so a UE's
// connection seen inside the tunnel (S1-U, N3) and outside it (SGi, N6) is
// one connection, numbered like tshark's tcp.stream. IPv4 and IPv6
// fragments that split a segment (its own IP packet, the outer datagram of
// a large G-PDU, or the tunnelled packet itself) are put back together
// first, within fixed bounds (64 packets waiting, 64 fragments each, 30 s
// of packet time).
//
// A handler that does not want a direction's bytes (a protocol it does not
// parse) calls Conn.Ignore: the direction's payload is then neither
// buffered nor delivered, while the connection is still tracked and
// numbered as before, so that traffic of no interest costs a table lookup
// per packet. Once both directions are ignored and nothing is buffered,
// the connection is lean: its packets only count segments and follow the
// lifecycle (flags, handshake, closing, SYNs of a reused tuple), and most
// read one cache line of its state. A caller that knows each packet's flow
// saves the lookup's index read with ObserveHinted.
//
// A hole that the peer never acknowledged is reported with Chunk.Unacked:
// tshark's follow stops at such a hole, and sinks/follow's raw format does
// the same.
//
// The in-order path allocates nothing per packet; buffered segments use
// recycled buffers.
package tcpreasm
