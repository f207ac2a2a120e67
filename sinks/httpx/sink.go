package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/pcapflow/pcapflow/decoders/tcpreasm"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Exchange is a request and the response that answered it; either may be
// nil (a request never answered, a response whose request the capture
// lacks).
type Exchange struct {
	// Stream is the connection's number (tshark's tcp.stream).
	Stream uint64
	// Index numbers the exchanges of a connection from 0.
	Index          int
	Client, Server netip.AddrPort
	Request        *Message
	Response       *Message
	// RequestBody and ResponseBody are the paths the bodies were saved to
	// with --extract, or "".
	RequestBody, ResponseBody string
	// Tag is what Options.Tag returned when the connection opened (nil
	// without Options.Tag).
	Tag any
}

// Options configure a Sink.
type Options struct {
	// Emit receives each exchange when its response ends (or its
	// connection does). The Exchange is only valid during the call.
	Emit func(*Exchange) error
	// ExtractDir, when set, receives every non-empty, complete body.
	ExtractDir string
	// MaxBody caps the bytes of one body kept for extraction (default
	// 64 MiB); longer bodies are not saved.
	MaxBody int
	// Reassembly tunes the reassembler (its Handler is set by the sink).
	Reassembly tcpreasm.Options
	// Tag, when set, is called as each connection opens (during the
	// Observe of its first packet); its result is handed out with every
	// exchange of the connection (Exchange.Tag). A caller that drives the
	// sink packet by packet uses it to attach its own context, such as the
	// packet's flow id.
	Tag func(c *tcpreasm.Conn) any
}

// Counts are a run's totals.
type Counts struct {
	Connections uint64 `json:"http_connections"`
	Requests    uint64 `json:"requests"`
	Responses   uint64 `json:"responses"`
	Exchanges   uint64 `json:"exchanges"`
	Incomplete  uint64 `json:"incomplete_messages"`
	Extracted   uint64 `json:"extracted_bodies"`
}

// Sink reassembles TCP connections and reports their HTTP exchanges.
type Sink struct {
	opts   Options
	asm    *tcpreasm.Assembler
	counts Counts
	err    error
}

// New returns an HTTP sink.
func New(opts Options) (*Sink, error) {
	if opts.Emit == nil {
		return nil, errors.New("httpx: Emit must be set")
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 64 << 20
	}
	if opts.ExtractDir != "" {
		if err := os.MkdirAll(opts.ExtractDir, 0o755); err != nil {
			return nil, err
		}
	}
	s := &Sink{opts: opts}
	ro := opts.Reassembly
	ro.Handler = (*handler)(s)
	s.asm = tcpreasm.New(ro)
	return s, nil
}

// Name implements pipeline.Sink.
func (s *Sink) Name() string { return "http" }

// Consume implements pipeline.Sink.
func (s *Sink) Consume(_ context.Context, b *pipeline.Batch) error {
	for i := range b.Packets {
		p := &b.Packets[i]
		if err := s.Observe(p, b.Bytes(p)); err != nil {
			return err
		}
	}
	return nil
}

// Observe adds one packet (with its captured bytes) to the reassembly, for
// callers that see packets one at a time; it returns the first error an
// Emit or extraction met.
func (s *Sink) Observe(p *pipeline.Packet, data []byte) error {
	s.asm.Observe(p, data)
	return s.err
}

// Touch is tcpreasm.Assembler.Touch: it loads the connection hint names,
// ahead of an ObserveHinted with it.
func (s *Sink) Touch(hint *tcpreasm.Hint) uint64 { return s.asm.Touch(hint) }

// ObserveHinted is Observe with a hint the caller keeps per flow (see
// tcpreasm.Assembler.ObserveHinted): the same result, found faster.
func (s *Sink) ObserveHinted(p *pipeline.Packet, data []byte, hint *tcpreasm.Hint) error {
	s.asm.ObserveHinted(p, data, hint)
	return s.err
}

// Close implements pipeline.Sink.
func (s *Sink) Close(aborted bool) error {
	if !aborted {
		s.asm.Flush()
	}
	return s.err
}

// Counts returns the run's totals.
func (s *Sink) Counts() Counts { return s.counts }

// Stats returns the reassembler's counters.
func (s *Sink) Stats() tcpreasm.Stats { return s.asm.Stats() }

// handler is the Sink's face as a tcpreasm.Handler.
type handler Sink

// conn is one connection's HTTP state. It is made when the connection's
// first bytes (or gap) arrive; until then Conn.User holds the tag.
type conn struct {
	s       *handler
	p       [2]parser
	pending []*Message // requests waiting for their response
	bodies  []string   // saved request bodies, parallel to pending
	index   int
	seen    bool
	dead    bool
	id      uint64
	client  netip.AddrPort
	server  netip.AddrPort
	tag     any
}

// Open implements tcpreasm.Handler. It only takes the tag: most TCP
// connections carry no HTTP, and their state is never made.
func (s *handler) Open(c *tcpreasm.Conn) {
	if s.opts.Tag != nil {
		c.User = s.opts.Tag(c)
	}
}

// state returns c's HTTP state, making it on first use.
func (s *handler) state(c *tcpreasm.Conn) *conn {
	if hc, ok := c.User.(*conn); ok {
		return hc
	}
	hc := &conn{s: s, id: c.ID, client: c.Client, server: c.Server, tag: c.User}
	for d := range hc.p {
		p := &hc.p[d]
		p.hc = hc
		p.request = d == int(tcpreasm.ClientToServer)
		p.keepBody = s.opts.ExtractDir != ""
		p.bodyCap = s.opts.MaxBody
	}
	c.User = hc
	return hc
}

// Data implements tcpreasm.Handler.
//
// A connection whose client stream, seen from its SYN, does not begin
// like a request is taken as not HTTP, as Zeek's protocol detection does:
// the reassembler is told to ignore the client's bytes from then on, and
// the server's too when they then begin (seen from the SYN+ACK) unlike a
// response. Their bytes are neither buffered nor parsed, so a later
// segment of such a stream that happens to start like a message is no
// longer looked at. Streams first seen mid-way or after a gap, and server
// streams that start before the client's, are parsed as before.
func (s *handler) Data(c *tcpreasm.Conn, d tcpreasm.Dir, data []byte, at tcpreasm.Chunk) {
	hc, ok := c.User.(*conn)
	if (d == tcpreasm.ClientToServer || c.Ignored(tcpreasm.ClientToServer)) &&
		at.Offset == 0 && c.Stats[d].SYN && (!ok || hc.p[d].fresh()) && notHTTP(data, d == tcpreasm.ClientToServer) {
		c.Ignore(d)
		return
	}
	if !ok {
		hc = s.state(c)
	}
	if hc.dead {
		return
	}
	hc.p[d].feed(data, at)
	if hc.dead {
		// Switched to another protocol: nothing more to parse.
		c.Ignore(tcpreasm.ClientToServer)
		c.Ignore(tcpreasm.ServerToClient)
	}
}

// Gap implements tcpreasm.Handler.
func (s *handler) Gap(c *tcpreasm.Conn, d tcpreasm.Dir, n uint64, at tcpreasm.Chunk) {
	if hc := s.state(c); !hc.dead {
		hc.p[d].gap(n, at)
	}
}

// Close implements tcpreasm.Handler.
func (s *handler) Close(c *tcpreasm.Conn) {
	hc, ok := c.User.(*conn)
	if !ok {
		return
	}
	hc.p[0].end()
	hc.p[1].end()
	for len(hc.pending) > 0 {
		s.emit(hc, nil, "")
	}
	if hc.seen {
		s.counts.Connections++
	}
}

// head decides whether message m has a body.
func (s *handler) head(hc *conn, p *parser, m *Message) bool {
	hc.seen = true
	if p.request {
		return true
	}
	switch {
	case m.Status < 200 || m.Status == 204 || m.Status == 304:
		return false
	case len(hc.pending) > 0 && hc.pending[0].Method == "HEAD":
		return false
	}
	return true
}

// done takes a finished message.
func (s *handler) done(hc *conn, p *parser, m *Message) {
	if !m.Complete {
		s.counts.Incomplete++
	}
	if m.Version == "" {
		return // cut before its first line was read: nothing to report
	}
	if p.request {
		s.counts.Requests++
		path := ""
		if m.Complete && len(p.body) > 0 && !p.bodyCut && m.Missing == 0 {
			path = s.save(hc, hc.index+len(hc.pending), "request", m.URI, p.body)
		}
		hc.pending = append(hc.pending, m)
		hc.bodies = append(hc.bodies, path)
		return
	}
	if m.Status == 101 {
		// The connection switched to another protocol.
		hc.dead = true
	} else if m.Status >= 100 && m.Status < 200 {
		return // an interim response: the request still waits
	}
	s.counts.Responses++
	path := ""
	if m.Complete && len(p.body) > 0 && !p.bodyCut && m.Missing == 0 {
		uri := ""
		if len(hc.pending) > 0 {
			uri = hc.pending[0].URI
		}
		path = s.save(hc, hc.index, "response", uri, p.body)
	}
	s.emit(hc, m, path)
}

// emit pairs the oldest pending request with response resp (nil at the
// end of the connection) and hands the exchange out.
func (s *handler) emit(hc *conn, resp *Message, respBody string) {
	x := Exchange{Stream: hc.id, Index: hc.index, Client: hc.client, Server: hc.server, Response: resp, ResponseBody: respBody, Tag: hc.tag}
	if len(hc.pending) > 0 {
		x.Request, x.RequestBody = hc.pending[0], hc.bodies[0]
		hc.pending[0] = nil
		hc.pending, hc.bodies = hc.pending[1:], hc.bodies[1:]
	}
	hc.index++
	s.counts.Exchanges++
	if s.err == nil {
		s.err = s.opts.Emit(&x)
	}
}

// save writes a body into the extract directory under a safe name.
func (s *handler) save(hc *conn, index int, what, uri string, body []byte) string {
	if s.opts.ExtractDir == "" || s.err != nil {
		return ""
	}
	name := fmt.Sprintf("%06d-%03d-%s-%s", hc.id, index, what, SafeName(uri))
	path := filepath.Join(s.opts.ExtractDir, name)
	if err := os.WriteFile(path, body, 0o644); err != nil {
		s.err = err
		return ""
	}
	s.counts.Extracted++
	return path
}
