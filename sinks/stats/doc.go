// Package stats is the one-pass statistics sink behind "pcapflow stats": per
// input and in total, what capinfos and tshark's summaries tell, from packets
// the decode stage has already parsed.
//
// Per input it counts packets, captured and on-the-wire bytes, link types,
// first and last timestamps, duration and average rates, the snap length the
// file header declares and the packets it cut, decode problems (malformed
// headers, headers cut by the snap length, unknown link types), a protocol
// hierarchy built from the decoder's layer bits and well-known ports
// (eth:vlan:ipv4:udp:gtp-u:ipv4:tcp …), and TCP analysis counts from a
// decoders/flows table (retransmissions, out-of-order segments, duplicate
// ACKs, zero windows, keep-alives, connection states). In total it adds the
// top talkers and conversations.
//
// Every figure comes from packet data only, never the wall clock. Each input
// has its own accumulators and flow table, and the total is a sum over inputs
// sorted deterministically, so the report depends only on each input's
// packets in order: inputs may be read in parallel (input.Options.Jobs) and
// the report stays byte-identical from run to run. A consequence is that a
// TCP connection that continues from one file into the next is analysed as
// two (a conversation still adds up across files in the total, because
// conversations are keyed by their address and port tuple).
//
// The per-packet path does not allocate: a protocol path is a fixed-size
// array used as a map key, and the flow table allocates only for new flows.
package stats
