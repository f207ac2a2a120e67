// Package flows turns decoded packets, seen in capture order, into one
// Record per bidirectional flow, modelled on Zeek's conn.log: originator and
// responder endpoints, packet and byte counts per direction, Zeek's
// conn_state and history letters, the Community ID, a service guess, and TCP
// analysis counters close to tshark's tcp.analysis flags.
//
// # Flows
//
// A flow is keyed by the outer IP tuple (addresses, protocol, ports; ICMP
// types and codes stand in for ports the way Community ID and Zeek map them),
// ordered canonically so both directions meet. A TCP tuple starts a new flow
// (a new generation) when a SYN without ACK arrives after the flow saw a FIN
// or RST, or when the same side sends a SYN with a new initial sequence
// number. Flows end when idle for longer than their protocol's inactivity
// timeout (packet time, never the wall clock), when an optional active
// timeout is reached, when the table is full (the least recently seen flow is
// evicted), or at Flush. Tunnelled traffic is attributed to its outer tuple
// (and, with ObserveInner, to a flow of its own).
//
// # Fragments
//
// A fragmented IP datagram is one packet of its flow, as tshark and Zeek
// count it after reassembly: every fragment is attributed to the flow of the
// first one (which carries the ports), and the datagram is counted, with the
// frame bytes of all its fragments, its reassembled IP length and its whole
// transport payload, when its last missing fragment arrives. A TCP segment
// is analysed then, at its full length. A datagram that never becomes whole
// (a fragment lost, or not captured) adds nothing to its flow's counters;
// Table.Fragments counts it. A fragment of a datagram already whole
// (captured twice, or sent again) adds its frame bytes to the flow, and no
// packet, for FragmentTimeout after. Fragments that arrive before the first
// fragment of their datagram wait in it, in no flow (Observe returns id 0):
// the first fragment brings them into its flow, and a datagram whose first
// fragment never comes is counted nowhere, as Zeek does. A packet carried by a G-PDU in outer
// fragments is counted in its own flow (ObserveInner) when the outer
// datagram is whole.
//
// # Originator
//
// The originator is the sender of the first packet, except that, like Zeek,
// a flow whose first packet is a SYN+ACK, or (without a SYN) goes from a
// well-known service port to a port that is not one, is flipped and its
// history starts with '^'.
//
// # History and conn_state
//
// History letters follow Zeek: upper case for the originator, lower case
// for the responder; s SYN, h SYN+ACK, a pure ACK, d payload, f FIN, r RST,
// q SYN with FIN or RST, i FIN with RST, t retransmitted payload, w zero
// window. Each letter is recorded once per direction, except t and w, which
// are recorded again when their count reaches 10, 100, 1000... conn_state is
// derived from a per-endpoint state machine after Zeek's TCP analyzer
// (inactive, SYN sent, SYN+ACK sent, partial, established, closed, reset).
//
// # TCP analysis
//
// Per direction, the table keeps the next expected sequence number, the last
// acknowledgement and window, and flags segments after tshark's rules:
// retransmission (including fast and spurious ones, as tshark's
// tcp.analysis.retransmission filter counts them), out-of-order (within the
// handshake RTT, or 3 ms when unknown), duplicate ACK, zero window and
// keep-alive. Differences from tshark: no reassembly-based checks, no window
// scaling (the zero-window test uses the raw field, as tshark does), no
// lost-segment, window-full or ACKed-unseen analysis; tshark's stream
// numbering can differ on odd port reuse.
//
// # Timeline
//
// Each TCP record also carries a Timeline: the most bytes in flight per
// side, retransmission episodes, stalls and their total time, zero-window
// events, and the holes in each side's sequence space that no segment
// filled (gaps). The definitions are those of decoders/tcpreasm's
// per-connection timeline, computed here from sequence and acknowledgement
// numbers alone, with fixed-size state and no allocation.
//
// # Batches
//
// A caller holding a batch of packets may give it to Table.Prepare before
// observing its packets in order: Prepare computes their flow keys and
// loads the table's index entries and flow states for the whole batch at
// once, so that their cache misses overlap. The results are the same with
// or without it.
package flows
