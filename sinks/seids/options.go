package seids

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Options configure a Sink.
type Options struct {
	// Format is "text" (aligned columns; the default), "json" (one JSON
	// object per line) or "csv" (a header row, then one row per line).
	Format string
	// Sessions writes the session table (and node-pair table) instead
	// of one line per message: a deleted session's row when it ends
	// (Linger after its deletion), the others' at Close.
	Sessions bool
	// Inputs names the files frames come from; nil leaves names empty.
	Inputs *pipeline.Inputs
	// Out receives the report.
	Out io.Writer
	// Timeout and MaxPending bound how long an establishment request's line
	// waits for its response (see the package documentation); zero picks
	// 60 s and 65536. In the session table, a request unanswered Timeout
	// after its last copy is counted unanswered and forgotten, and Timeout
	// is the Correlator's Window: an establishment response later than
	// that opens no session.
	Timeout    time.Duration
	MaxPending int
	// Linger is how long, in packet time, a deleted session (and a decided
	// establishment exchange) is remembered after its response: a message
	// with a deleted session's SEID later than that gets no session. Zero
	// picks 10 s. It bounds the memory of the message report and of the
	// session table (Sessions), which writes a deleted session's row then
	// and forgets the session; the session table also remembers an
	// answered exchange Linger after its response: a request with its
	// sequence number within that time is a retransmission, later a new
	// exchange.
	Linger time.Duration
}

// Output formats.
const (
	FormatText = "text"
	FormatJSON = "json"
	FormatCSV  = "csv"
)

// Sink is the seids report, a pipeline.Sink. Its methods are called by one
// goroutine; the Correlate stage, on another, hands it ended sessions
// through an endQueue.
type Sink struct {
	opts   Options
	w      *output
	format uint8
	corr   *pfcp.Correlator
	ref    uint64
	queue  queue
	// pr prepares the batches that come without a Stage's side table
	// (into own in sessions mode, else into a table from tables); tables
	// holds the Stage's side tables. held counts the tables kept for
	// queued lines, spill is the open spill table (see hold).
	pr     *preparer
	own    lineTable
	tables tables
	held   int
	spill  *lineTable
	// opr prepares for the Correlate stage the batches that come
	// without a table.
	opr *preparer
	// headerDone says the CSV header (or text title) was written; lastInput
	// is the input of the last text line, to mark where files change.
	headerDone bool
	lastInput  pipeline.InputID
	anyLine    bool
	names      map[pipeline.InputID]string
	sess       *tracker
	tun        *tunnels
	closed     bool
	// ends carries the sessions that ended from the Correlate side to
	// the sink; pendEnds[endHead:] are the ones taken and not tracked
	// yet. sw and rb write the session table's rows.
	ends     endQueue
	pendEnds []sessionEnd
	endHead  int
	sw       sessionWriter
	rb       *rowBuilder
	// addrs caches node addresses as text for the session table.
	addrs map[netip.Addr]string
}

const (
	fmtText uint8 = iota
	fmtJSON
	fmtCSV
)

// New returns a Sink writing to opts.Out.
func New(opts Options) (*Sink, error) {
	if opts.Out == nil {
		return nil, errors.New("seids: no output writer")
	}
	s := &Sink{opts: opts, names: map[pipeline.InputID]string{}}
	switch opts.Format {
	case "", FormatText:
		s.format = fmtText
	case FormatJSON:
		s.format = fmtJSON
	case FormatCSV:
		s.format = fmtCSV
	default:
		return nil, fmt.Errorf("seids: unknown format %q (want text, json or csv)", opts.Format)
	}
	if opts.Timeout < 0 || opts.MaxPending < 0 || opts.Linger < 0 {
		return nil, errors.New("seids: timeout, max pending and linger must not be negative")
	}
	if s.opts.Linger == 0 {
		s.opts.Linger = 10 * time.Second
	}
	if s.opts.Timeout == 0 {
		s.opts.Timeout = 60 * time.Second
	}
	if s.opts.MaxPending == 0 {
		s.opts.MaxPending = 1 << 16
	}
	s.w = newOutput(opts.Out)
	s.pr = newPreparer(s.format, opts.Inputs)
	if opts.Sessions {
		// The tracker records what each session's row needs as messages
		// arrive, from Add's results and Decided, so the Correlator
		// keeps no per-message record (Forget). It waits Timeout for an
		// establishment's response and drops a deleted session Linger
		// after its deletion (Dropped hands it over): its row is then
		// written, once its exchanges are folded and its GTP-U count is
		// final, and every record of it forgotten. The tracker matches
		// requests and responses itself, forgetting an exchange Timeout
		// after its last request when unanswered, Linger after its
		// response.
		s.sess, s.tun = newTracker(s.opts.Timeout, s.opts.Linger), newTunnels(&s.ends)
		s.corr = pfcp.NewCorrelatorWith(pfcp.CorrelatorOptions{Window: s.opts.Timeout, Linger: s.opts.Linger,
			Forget: true, SkipTransactions: true, ReportDropped: true})
	} else {
		// Lines are written as soon as their session is decided: the
		// Correlator forgets exchanges older than the line timeout.
		s.corr = pfcp.NewCorrelatorWith(pfcp.CorrelatorOptions{Window: s.opts.Timeout, Linger: s.opts.Linger,
			Forget: true, SkipTransactions: true})
	}
	return s, nil
}

// Name returns "seids".
func (s *Sink) Name() string { return "seids" }

// inputName returns the name of input id, cached.
func (s *Sink) inputName(id pipeline.InputID) string {
	if n, ok := s.names[id]; ok {
		return n
	}
	n := ""
	if s.opts.Inputs != nil {
		n = s.opts.Inputs.Name(id)
	}
	s.names[id] = n
	return n
}
