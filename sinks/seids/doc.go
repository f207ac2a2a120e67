// Package seids is the report sink of `pcapflow seids`: one line per PFCP
// datagram (text, JSON lines or CSV), or with Options.Sessions one row per
// PFCP session, written when the session ends, and per node pair, written
// when the run closes.
//
// The sink reads packets in capture order. For each packet the decode stage
// marked LayerPFCP it re-parses the UDP payload with pfcp.SummarizeTop (in
// sessions mode pfcp.Summarize) and feeds pfcp's Correlator, which groups
// both directions of a session (the header SEID differs by direction)
// under one session id.
//
// # Speed
//
// The work is spread over three kinds of goroutine, as the command wires
// it:
//
//   - Sink.Stage, a parallel stage on the decode workers, summarizes each
//     PFCP datagram and formats its whole line but for the session id into
//     a side table, by batch (in sessions mode it keeps the Summaries);
//   - Sink.Correlate, an ordered stage on the graph's ordering goroutine,
//     feeds the Correlator in capture order and records each row's session
//     (in sessions mode it also follows the GTP-U endpoints and counts the
//     G-PDUs);
//   - the sink splices the session ids into the lines and writes them (in
//     sessions mode it collects the session table's detail), while the
//     ordering goroutine correlates the next batch.
//
// Without the stages the sink does all of it, with the same output. Lines
// are appended into reused buffers (no fmt, no allocation per line; the
// date and time are formatted once per second of capture, endpoints,
// addresses and type and cause columns once per value), and a line that
// must wait for its session waits in its batch's table, not copied.
// In the message report the Correlator keeps no per-message state: an
// exchange is forgotten Options.Timeout after its request if unanswered,
// and Options.Linger (default 10 s) after its response; a deleted session
// is forgotten Options.Linger after its deletion, so that memory follows
// the number of live sessions, not the length of the capture. The session
// table (Options.Sessions) does the same: its Correlator waits
// Options.Timeout for an establishment's response and drops a deleted
// session Options.Linger after its deletion, and the session's row is
// written then, once the exchanges it owns have ended and the endpoint
// table's sessions linked to it hold no GTP-U endpoint (its G-PDU count
// is final), after which every record of it is dropped. JSON and CSV rows
// thus come in the order sessions end; the sessions left at the end of
// the run follow by id, then the establishments never answered and the
// node pairs. The text table, which aligns its columns over all rows,
// notes each column's widest cell as rows come and keeps up to
// textSpillLimit bytes of rows' text, writing sorted runs to an unlinked
// temporary file beyond that, merged by id at the end. A session's
// record is fixed-size (its values, up to 8 of each kind, and the
// latencies for its median, up to 4096, in shared chunked arenas whose
// freed items are reused); each message updates its session's record as
// it is read and is not kept. Exchanges are held only while waiting for
// their answer (Options.Timeout after the last copy of the request) or
// Options.Linger after it, to recognise retransmissions, and all end
// where packet time steps back by more than the shorter of the two (a
// capture read after another, whose time starts over); an establishment
// request waits, in a record of its own, until its response gives it a
// session (if none ever does, it is an incomplete row). Heartbeats and
// modifications, however many, add no memory.
//
// The Correlate side (Correlator, endpoint table, G-PDU counts) runs a
// batch ahead of the sink side (tracker, rows): a session that ends
// there is handed over (endQueue) with the Ref of the message at which
// it ended, and the sink takes it up after reading that message.
//
// # Deciding session ids
//
// The Correlator numbers a session when its Session Establishment Response
// arrives, so the request (and its retransmissions) cannot be labelled when
// it is read. Message lines are therefore queued in capture order and the
// queue is written up to the first establishment request still waiting for
// its response. A request is given up on, and written with no session, once
// a packet more than Options.Timeout younger (packet time, never the wall
// clock; default 60 s) has been read, or when more than Options.MaxPending
// lines (default 65536) wait behind it: a response arriving later still
// creates its session, but the request's line has already been written
// with session "-". Every other message is decided when it is read.
//
// A datagram holding several messages (FO flag) is one line, describing the
// first message, with "messages" saying how many there were; such datagrams
// take part in no session. PFCP quoted inside ICMP errors is not PFCP on the
// wire and is not reported.
package seids
