package seids

import (
	"net/netip"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/pipeline"
)

// prepared is what the sink needs of one packet of a batch: the fields
// the Correlator reads, and the packet's line formatted but for its
// session (line[start:mid] + session + line[mid:end] of the table).
//
// Rows hold no pointers (addresses are endpoints, not netip values), so
// that the GC does not scan the tables nor the workers' writes pay write
// barriers, and the fields correlate reads come first: the ordering
// goroutine reads rows another core wrote, the fewer cache lines the
// better.
type prepared struct {
	// src, dst, time and input are the packet's, for the Correlator and
	// the sink: read here on the worker, so that the ordering goroutine
	// and the sink do not touch the packets (large, scattered structs).
	src, dst endpoint
	time     int64
	header   pfcp.Header
	cpSEID   uint64 // with hasCP
	messages int
	pfcp     bool // a PFCP datagram with a readable payload: it has a line
	headerOK bool
	hasCP    bool
	hasCause bool
	cause    pfcp.Cause
	input    pipeline.InputID

	// Set by correlate: the message's Ref, its session (0: none or not
	// yet), whether it is an establishment request waiting for its
	// response, and the earlier requests its response decided
	// (decided[dec0:dec1] of the table, given session).
	pending    bool
	ref        uint64
	session    int
	dec0, dec1 int

	start, mid, end int
}

// endpoint is an address and port, as netip.AddrPort but without its
// pointer. Addresses decoded from packets have no zone, which is all
// that is lost.
type endpoint struct {
	addr [16]byte
	port uint16
	kind uint8 // 0: invalid, 4: IPv4, 6: IPv6
}

// endpointOf returns a and port as an endpoint.
func endpointOf(a netip.Addr, port uint16) endpoint {
	e := endpoint{addr: a.As16(), port: port}
	switch {
	case a.Is4():
		e.kind = 4
	case a.IsValid():
		e.kind = 6
	}
	return e
}

// addrPort returns e as a netip.AddrPort.
func (e *endpoint) addrPort() netip.AddrPort {
	switch e.kind {
	case 4:
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte(e.addr[12:])), e.port)
	case 6:
		return netip.AddrPortFrom(netip.AddrFrom16(e.addr), e.port)
	}
	return netip.AddrPortFrom(netip.Addr{}, e.port)
}

// lineTable holds the prepared packets of one batch, by packet index.
type lineTable struct {
	rows  []prepared
	lines []byte
	// correlated says the rows' sessions are set; decided holds the
	// Refs the rows' responses decided.
	correlated bool
	decided    []uint64
	// sums holds the PFCP rows' Summaries in sessions mode (no lines).
	sums []pfcp.Summary
	// queued counts the sink's queued lines in lines; held says the
	// sink keeps the table for them (see Sink.hold).
	queued int
	held   bool
}

// preparer summarizes PFCP packets and formats their lines. The seids
// Stage runs one per worker, in parallel; the sink runs its own when a
// batch comes without a table.
type preparer struct {
	fmt    *formatter
	inputs *pipeline.Inputs
	sum    pfcp.Summary
	rec    record
	// lastInput and lastName cache the input name of the last packet.
	lastInput pipeline.InputID
	lastName  string
	named     bool
	// lastLines is the length of the last batch's lines.
	lastLines int
}

func newPreparer(format uint8, inputs *pipeline.Inputs) *preparer {
	return &preparer{fmt: newFormatter(format), inputs: inputs}
}

// prepare fills t for batch b.
func (pr *preparer) prepare(b *pipeline.Batch, t *lineTable) {
	n := len(b.Packets)
	if cap(t.rows) < n {
		t.rows = make([]prepared, n)
	}
	t.rows, t.lines, t.correlated, t.decided = t.rows[:n], t.lines[:0], false, t.decided[:0]
	// Size the text from the last batch's (and a quarter more), so that
	// a recycled table's buffer is not grown by doubling, copying the
	// lines each time, batch after batch of the run.
	if cap(t.lines) < pr.lastLines {
		t.lines = make([]byte, 0, pr.lastLines+pr.lastLines/4)
	}
	for i := range b.Packets {
		p := &b.Packets[i]
		row := &t.rows[i]
		row.pfcp = false
		payload, ok := pfcpPayload(b, p)
		if !ok {
			continue
		}
		s, d := &pr.sum, &p.Decoded
		pfcp.SummarizeTop(payload, s)
		pr.rec.set(0, p, s)
		// Field by field: a composite literal would be built and then
		// copied whole, with write barriers for the addresses.
		row.pfcp, row.headerOK, row.header, row.messages = true, s.HeaderOK, s.Header, s.Messages
		row.cause, row.hasCause, row.hasCP, row.cpSEID = s.Cause, s.HasCause, false, 0
		row.src, row.dst = endpointOf(d.IP.Src, d.IP.SrcPort), endpointOf(d.IP.Dst, d.IP.DstPort)
		row.time, row.input = p.Timestamp, p.Input
		row.ref, row.session, row.pending, row.dec0, row.dec1 = 0, 0, false, 0, 0
		if s.NumFSEIDs > 0 {
			row.hasCP, row.cpSEID = true, s.FSEIDs[0].SEID
		}
		row.start = len(t.lines)
		var mid int
		t.lines, mid = pr.fmt.appendLine(t.lines, &pr.rec, pr.name(p.Input))
		row.mid, row.end = mid, len(t.lines)
	}
	pr.lastLines = len(t.lines)
}

// prepareSessions fills t for batch b in sessions mode: the Summary of
// every PFCP datagram, in full (the session table reads its details).
func (pr *preparer) prepareSessions(b *pipeline.Batch, t *lineTable) {
	n := len(b.Packets)
	if cap(t.rows) < n {
		t.rows = make([]prepared, n)
	}
	if cap(t.sums) < n {
		t.sums = make([]pfcp.Summary, n)
	}
	t.rows, t.sums, t.lines, t.correlated, t.decided = t.rows[:n], t.sums[:n], t.lines[:0], false, t.decided[:0]
	for i := range b.Packets {
		payload, ok := pfcpPayload(b, &b.Packets[i])
		t.rows[i] = prepared{pfcp: ok}
		if ok {
			pfcp.Summarize(payload, &t.sums[i])
		}
	}
}

// name returns the name of input id.
func (pr *preparer) name(id pipeline.InputID) string {
	if pr.inputs == nil {
		return ""
	}
	if !pr.named || id != pr.lastInput {
		pr.lastInput, pr.lastName, pr.named = id, pr.inputs.Name(id), true
	}
	return pr.lastName
}

// pfcpPayload returns p's PFCP datagram, if the decode stage found one.
func pfcpPayload(b *pipeline.Batch, p *pipeline.Packet) ([]byte, bool) {
	d := &p.Decoded
	if !d.Layers.Has(pipeline.LayerPFCP) {
		return nil, false
	}
	data := b.Bytes(p)
	start, end := int(d.PayloadOffset), int(d.PayloadOffset)+int(d.PayloadLen)
	if end > len(data) || start > end {
		return nil, false
	}
	return data[start:end], true
}

// summary fills s with the fields of row the Correlator reads; the others
// keep stale values the Correlator does not look at.
func (row *prepared) summary(s *pfcp.Summary) {
	s.HeaderOK, s.Header, s.Messages, s.Cause, s.HasCause = row.headerOK, row.header, row.messages, row.cause, row.hasCause
	s.NumFSEIDs = 0
	if row.hasCP {
		s.NumFSEIDs, s.FSEIDs[0].SEID = 1, row.cpSEID
	}
}
