// Package pfcp decodes PFCP, the Packet Forwarding Control Protocol of
// 3GPP TS 29.244, spoken on UDP port 8805 between a control-plane function
// (SMF, SGW-C, PGW-C) and a user-plane function (UPF, SGW-U, PGW-U) over the
// N4, Sxa and Sxb interfaces.
//
// Decoding is hand-written over a []byte and never allocates on the heap:
// every value returned is either a plain value or a sub-slice of the input.
//
//   - ParseHeader reads one message header (version 1; the FO, MP and S flags;
//     message priority; message type; length; SEID when S=1; the 3-octet
//     sequence number). Messages walks the messages of one datagram, which
//     may hold several when the FO (follow-on) flag is set.
//   - IEIterator walks a message body's information elements lazily, in the
//     style of netlink's AttributeDecoder: a sticky error and the byte offset
//     where decoding stopped. Grouped IEs are walked the same way through
//     IE.Group. Vendor IEs (type 32768 and above) carry a 2-octet enterprise
//     id before their value; they, and every IE type this package does not
//     know, are kept raw and never cause an error.
//   - Typed accessors on IE (FSEID, NodeID, Cause, FTEID, UEIPAddress, ...)
//     return (value, ok) for the IEs analysis needs.
//   - Summarize fills a fixed-size Summary for the pipeline's decode stage
//     and the seids command, in one scan of the datagram (grouped IEs lie
//     inside their parent's value, so a stack of group ends replaces the
//     iterators); SummarizeTop skips the details a message listing does
//     not print.
//
// Malformed input is reported through Error values (small constants that
// can be returned as an error without allocating) plus an offset; decoding
// never panics.
//
// # Session correlation
//
// PFCP sessions cannot be grouped by header SEID alone, because each end
// chooses its own SEID and a message always carries the SEID of its
// receiver:
//
//  1. A Session Establishment Request (type 50) from the CP node to the UP
//     node carries header SEID 0 and the CP's F-SEID in an IE.
//  2. The Session Establishment Response (51) carries header SEID = CP SEID
//     and, when the session was accepted, the UP's F-SEID in an IE. It is
//     matched to its request by sequence number and peer addresses.
//  3. From then on, every session message (52-57) from CP to UP carries the
//     UP SEID in its header, and every one from UP to CP carries the CP SEID,
//     so the header SEID differs by direction. Both directions are one
//     session, keyed by the node addresses as well as the SEIDs, because
//     different associations reuse the same SEID numbers.
//  4. A response with header SEID 0 (a rejection sent before any SEID was
//     known) is matched to its request by sequence number and peer.
//     A repeated request (retransmission) belongs to the same session.
//
// Correlator implements this rule over a stream of messages in capture order.
// Add returns each message's session at once, except for establishment
// requests, whose session Decided reports when their response arrives.
// AddDigest does the same for a Digest: the 72 pointer-free bytes of a
// datagram that correlation reads, which a caller can fill on other
// goroutines (Digest.Set) and hand over in capture order.
// NewCorrelator remembers everything (SessionOf answers for any message);
// NewCorrelatorWith can forget finished exchanges and deleted sessions
// after a packet-time delay, so that a long capture is correlated in
// memory bounded by its live sessions.
//
// The Correlator's speed is memory latency: each message looks up a
// session among thousands, chosen by the traffic, not by locality. Its
// indexes therefore hold 8-byte entries (a key's hash and a slot number;
// the key is compared in the slot) in open-addressing tables that never
// keep tombstones, a session's per-message state fills one cache line,
// and freed slots are reused oldest first, so that sessions opened one
// after another sit side by side, as their later messages arrive.
package pfcp
