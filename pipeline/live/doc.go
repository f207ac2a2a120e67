// Package live captures from and transmits to network interfaces with
// Linux AF_PACKET sockets, as a pipeline.Source (Source) and a
// pipeline.Sink (Transmit). It is pure Go (golang.org/x/sys/unix, no cgo)
// and Linux only: on other systems Open returns ErrNotSupported.
//
// A Handle is one packet socket bound to one interface. Reads go through
// the Go network poller (no thread blocked per interface, prompt
// cancellation by deadline); each frame is received with recvmsg straight
// from the kernel with its kernel timestamp (SO_TIMESTAMPNS), its length on
// the wire (MSG_TRUNC) and its packet type, with no heap allocation per
// packet.
//
// The Source reads several handles at once and tags every packet with the
// index of the handle it came from in CaptureInfo.Interface, so one graph
// can serve a bridge or a router: a forwarding stage rewrites Interface to
// the egress port and Transmit sends each packet out of that port.
//
// A Source ends (returns nil, so every sink is closed as complete) when its
// Stop context is done, after Duration, or when Stop is called (by a Limit
// stage after N packets): a Ctrl-C during a capture leaves valid, complete
// output files when the graph runs under a context that Ctrl-C does not
// cancel. Kernel drop counts (PACKET_STATISTICS) are available from
// Handle.Stats. RotatingWriter cuts a capture file by time or size.
package live
