package parquet

import (
	"github.com/pcapflow/pcapflow/decoders/tcpreasm"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/sinks/httpx"
)

// httpState runs TCP reassembly and the HTTP/1.x parser for the http
// table. It exists only when that table is selected: reassembly keeps
// per-connection buffers (bounded by Options.Reassembly) and costs CPU.
type httpState struct {
	s   *Sink
	hs  *httpx.Sink
	row HTTPExchange
}

// httpConn is what the sink attaches to each reassembled connection.
type httpConn struct {
	flowID     uint64
	sourceFile string
}

func newHTTPState(s *Sink) (*httpState, error) {
	h := &httpState{s: s}
	hs, err := httpx.New(httpx.Options{
		Emit:       h.emit,
		Reassembly: s.o.Reassembly,
		// The connection's first packet is the one being observed: its
		// flow and input are in s.ctx.
		Tag: func(*tcpreasm.Conn) any {
			return &httpConn{flowID: s.ctx.FlowID, sourceFile: s.ctx.SourceFile}
		},
	})
	if err != nil {
		return nil, err
	}
	h.hs = hs
	return h, nil
}

// observe feeds one TCP packet to the reassembler; exchanges that end are
// written before it returns.
func (h *httpState) observe(p *pipeline.Packet, data []byte) error {
	return h.hs.Observe(p, data)
}

// emit writes one exchange's row, in the partition of its request time.
func (h *httpState) emit(x *httpx.Exchange) error {
	h.row = HTTPExchange{Exchange: x}
	if c, ok := x.Tag.(*httpConn); ok {
		h.row.FlowID, h.row.SourceFile = c.flowID, c.sourceFile
	}
	ts := h.row.Time()
	for _, w := range h.s.httpW {
		f, err := w.fileFor(ts)
		if err != nil {
			return err
		}
		f.http.AppendHTTP(&h.row)
		w.rows++
		if err := f.added(1); err != nil {
			return err
		}
	}
	h.row = HTTPExchange{}
	return nil
}

// finish ends the connections still open, writing their last exchanges.
func (h *httpState) finish() error {
	return h.hs.Close(false)
}
