package seids

import (
	"net/netip"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/pipeline"
)

// prepared is what the sink needs of one packet of a batch: the digest
// the Correlator reads, and the packet's line formatted but for its
// session (line[start:mid] + session + line[mid:end] of the table).
//
// Rows hold no pointers, so that the GC does not scan the tables nor the
// workers' writes pay write barriers, and they are small: the ordering
// goroutine reads the rows another core wrote, digest first, and the sink
// reads them again, the fewer cache lines the better.
type prepared struct {
	// dig is read here on the worker, so that the ordering goroutine and
	// the sink do not touch the packets (large, scattered structs); its
	// Time is the packet's.
	dig pfcp.Digest

	// Set by correlate: the message's Ref, its session (0: none or not
	// yet), whether it is an establishment request waiting for its
	// response, and the earlier requests its response decided
	// (decided[dec0:dec1] of the table, given session).
	ref        uint64
	session    int32
	dec0, dec1 int32
	pending    bool

	pfcp  bool // a PFCP datagram with a readable payload: it has a line
	input pipeline.InputID

	start, mid, end int32
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

// firstLineGuess is about the longest usual message line (a JSON line
// with one F-SEID and a cause is about 330 bytes, a text line 220).
const firstLineGuess = 384

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
	} else if pr.lastLines == 0 && cap(t.lines) == 0 {
		// The first batch: room for lines of a usual length, rather
		// than growing from nothing, which copies the lines many times
		// over into fresh memory. (Room not written to costs address
		// space only.)
		t.lines = make([]byte, 0, n*firstLineGuess)
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
		dig := &row.dig
		dig.Set(s)
		dig.Src = pfcp.EndpointOf(netip.AddrPortFrom(d.IP.Src, d.IP.SrcPort))
		dig.Dst = pfcp.EndpointOf(netip.AddrPortFrom(d.IP.Dst, d.IP.DstPort))
		dig.Time = p.Timestamp
		row.pfcp, row.input = true, p.Input
		row.ref, row.session, row.pending, row.dec0, row.dec1 = 0, 0, false, 0, 0
		row.start = int32(len(t.lines))
		var mid int
		t.lines, mid = pr.fmt.appendLine(t.lines, &pr.rec, pr.name(p.Input))
		row.mid, row.end = int32(mid), int32(len(t.lines))
	}
	pr.lastLines = len(t.lines)
}

// prepareSessions fills t for batch b in sessions mode: the Summary of
// every PFCP datagram, in full (the session table reads its details),
// and its digest for the Correlator.
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
		p := &b.Packets[i]
		payload, ok := pfcpPayload(b, p)
		row := &t.rows[i]
		*row = prepared{pfcp: ok}
		if ok {
			s, d := &t.sums[i], &p.Decoded
			pfcp.Summarize(payload, s)
			// The digest the Correlator reads, made here on the worker.
			row.dig.Set(s)
			row.dig.Src = pfcp.EndpointOf(netip.AddrPortFrom(d.IP.Src, d.IP.SrcPort))
			row.dig.Dst = pfcp.EndpointOf(netip.AddrPortFrom(d.IP.Dst, d.IP.DstPort))
			row.dig.Time = p.Timestamp
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
