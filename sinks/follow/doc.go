// Package follow writes the reassembled byte streams of TCP connections, as
// tshark's "follow tcp" and tcpflow do: raw bytes, a hex dump, printable
// text, or JSON lines, either to one writer or to one file per direction of
// each connection in a directory. Gaps (bytes the capture does not hold) are
// marked in the hex, text and JSON forms and left out of the raw form; a
// per-connection timeline (handshake RTT, bytes in flight, retransmission
// episodes, stalls, zero windows) can be printed when each connection ends.
package follow
