// Package httpx finds HTTP/1.x exchanges in reassembled TCP streams: it
// parses requests and responses (Content-Length and chunked bodies, bodies
// that end with the connection, HEAD and 1xx/204/304 responses without
// body), pairs each response with the oldest unanswered request of its
// connection (keep-alive and pipelining), times them from packet
// timestamps, and can save bodies under safe file names.
//
// Bytes missing from the capture inside a body are counted, not invented;
// a gap inside headers stops parsing that direction until a chunk starts
// with a new message.
//
// Most TCP traffic is not HTTP. A connection seen from its SYN whose client
// stream does not begin like a request is given up, as Zeek's protocol
// detection does, and so is its server stream when that does not begin
// like a response: the reassembler stops buffering and delivering their
// bytes (tcpreasm.Conn.Ignore), and no parser state is ever made for them.
package httpx
