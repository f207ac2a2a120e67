package seids

import (
	"net/netip"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/pipeline"
)

// prepared is what the sink needs of one packet of a batch: the fields
// the Correlator reads, and the packet's line formatted but for its
// session (line[start:mid] + session + line[mid:end] of the table).
type prepared struct {
	pfcp     bool // a PFCP datagram with a readable payload: it has a line
	headerOK bool
	header   pfcp.Header
	messages int
	cpSEID   pfcp.OptSEID
	cause    pfcp.Cause
	hasCause bool

	start, mid, end int

	// src, dst, time and input are the packet's, for the Correlator and
	// the sink: read here on the worker, so that the ordering goroutine
	// and the sink do not touch the packets (large, scattered structs).
	src, dst netip.AddrPort
	time     int64
	input    pipeline.InputID

	// Set by correlate: the message's Ref, its session (0: none or not
	// yet), whether it is an establishment request waiting for its
	// response, and the earlier requests its response decided
	// (decided[dec0:dec1] of the table, given session).
	ref        uint64
	session    int
	pending    bool
	dec0, dec1 int
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
}

// preparer summarizes PFCP packets and formats their lines. The seids
// Stage runs one per worker, in parallel; the sink runs its own when a
// batch comes without a table.
type preparer struct {
	fmt    formatter
	inputs *pipeline.Inputs
	sum    pfcp.Summary
	rec    record
	// lastInput and lastName cache the input name of the last packet.
	lastInput pipeline.InputID
	lastName  string
	named     bool
}

func newPreparer(format uint8, inputs *pipeline.Inputs) *preparer {
	return &preparer{fmt: formatter{format: format}, inputs: inputs}
}

// prepare fills t for batch b.
func (pr *preparer) prepare(b *pipeline.Batch, t *lineTable) {
	n := len(b.Packets)
	if cap(t.rows) < n {
		t.rows = make([]prepared, n)
	}
	t.rows, t.lines, t.correlated, t.decided = t.rows[:n], t.lines[:0], false, t.decided[:0]
	for i := range b.Packets {
		p := &b.Packets[i]
		row := &t.rows[i]
		row.pfcp = false
		payload, ok := pfcpPayload(b, p)
		if !ok {
			continue
		}
		s := &pr.sum
		pfcp.SummarizeTop(payload, s)
		pr.rec.set(0, p, s)
		*row = prepared{pfcp: true, headerOK: s.HeaderOK, header: s.Header, messages: s.Messages,
			cause: s.Cause, hasCause: s.HasCause, src: pr.rec.src, dst: pr.rec.dst, time: p.Timestamp, input: p.Input}
		if s.NumFSEIDs > 0 {
			row.cpSEID = pfcp.OptSEID{SEID: s.FSEIDs[0].SEID, Valid: true}
		}
		row.start = len(t.lines)
		var mid int
		t.lines, mid = pr.fmt.appendLine(t.lines, &pr.rec, pr.name(p.Input))
		row.mid, row.end = mid, len(t.lines)
	}
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
	if row.cpSEID.Valid {
		s.NumFSEIDs, s.FSEIDs[0].SEID = 1, row.cpSEID.SEID
	}
}
