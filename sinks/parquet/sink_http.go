package parquet

import (
	"github.com/pcapflow/pcapflow/decoders/tcpreasm"
	"github.com/pcapflow/pcapflow/internal/chunked"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/sinks/httpx"
)

// httpState runs TCP reassembly and the HTTP/1.x parser for the http
// table. It exists only when that table is selected: reassembly keeps
// per-connection buffers (bounded by Options.Reassembly) and costs CPU, so
// it runs on a goroutine of its own, a batch at a time, beside the sink's
// other tables (see start).
type httpState struct {
	s   *Sink
	hs  *httpx.Sink
	row HTTPExchange
	cur *PacketContext // context of the packet being observed
	w   worker         // runs observe, a batch at a time (see start)
	// hints holds what the stage keeps for each flow slot (see slot).
	hints chunked.Array[slotHint]
	// touched keeps the loads of observe's first pass.
	touched uint64
	// skipped counts the packets not given to the reassembler (see
	// slotHint); all gives it every packet (Options.httpAll).
	skipped int64
	all     bool
}

// slotHint is what the HTTP stage keeps for a flow slot: the reassembler's
// hint, and the flow whose connection the reassembler found lean (no
// bytes wanted in either direction, see tcpreasm.Hint.Lean), 0 for none.
// Such a connection's plain segments (most packets of a TLS connection)
// are not given to the reassembler: they can change nothing the http table
// shows. Its SYN, FIN and RST segments still are, so that a reused tuple
// starts a new connection and a closed one ends as before.
type slotHint struct {
	hint tcpreasm.Hint
	lean uint64
}

// skip reports whether the packet p of flow flowID, in slot sh, is a plain
// segment of a connection the reassembler found lean.
func (sh *slotHint) skip(p *pipeline.Packet, flowID uint64) bool {
	d := &p.Decoded
	return flowID != 0 && sh.lean == flowID &&
		d.TCPFlags&(pipeline.TCPSyn|pipeline.TCPFin|pipeline.TCPRst) == 0 && !d.Layers.Has(pipeline.LayerFragment)
}

// httpConn is what the sink attaches to each reassembled connection.
type httpConn struct {
	flowID     uint64
	sourceFile string
}

func newHTTPState(s *Sink) (*httpState, error) {
	h := &httpState{s: s, all: s.o.httpAll}
	ro := s.o.Reassembly
	if ro.History == 0 {
		// The history of delivered bytes only serves to count conflicting
		// retransmissions, which the http table does not report; keeping
		// it costs a copy of every delivered byte.
		ro.History = -1
	}
	hs, err := httpx.New(httpx.Options{
		Emit:       h.emit,
		Reassembly: ro,
		// The connection's first packet is the one being observed: its
		// flow and input are in h.cur.
		Tag: func(*tcpreasm.Conn) any {
			if h.cur == nil {
				return nil
			}
			return &httpConn{flowID: h.cur.FlowID, sourceFile: h.cur.SourceFile}
		},
	})
	if err != nil {
		return nil, err
	}
	h.hs = hs
	return h, nil
}

// start feeds the TCP packets of b (whose contexts are pcs) to the
// reassembler on another goroutine and returns the channel that receives
// its result. The caller must receive it before b or pcs change, and
// before the next start.
func (h *httpState) start(b *pipeline.Batch, pcs []PacketContext) <-chan error {
	return h.w.run(func() error { return h.observe(b, pcs) })
}

// observe feeds the TCP packets of b to the reassembler; exchanges that
// end are written before it returns.
func (h *httpState) observe(b *pipeline.Batch, pcs []PacketContext) error {
	defer func() { h.cur = nil }()
	// Load the batch's connections first (see tcpreasm.Assembler.Touch).
	var touched uint64
	for i := range b.Packets {
		if slot := pcs[i].FlowSlot; slot >= 0 && int(slot) < h.hints.Len() && b.Packets[i].Decoded.Layers.Has(pipeline.LayerTCP) {
			if sh := h.hints.At(int(slot)); h.all || !sh.skip(&b.Packets[i], pcs[i].FlowID) {
				touched += h.hs.Touch(&sh.hint)
			}
		}
	}
	h.touched += touched
	for i := range b.Packets {
		p := &b.Packets[i]
		if !p.Decoded.Layers.Has(pipeline.LayerTCP) {
			continue
		}
		pc := &pcs[i]
		sh := h.slot(pc.FlowSlot)
		if sh == nil {
			h.cur = pc
			if err := h.hs.ObserveHinted(p, b.Bytes(p), nil); err != nil {
				return err
			}
			continue
		}
		if !h.all && sh.skip(p, pc.FlowID) {
			h.skipped++
			continue
		}
		h.cur = pc
		if err := h.hs.ObserveHinted(p, b.Bytes(p), &sh.hint); err != nil {
			return err
		}
		sh.lean = 0
		if sh.hint.Lean() {
			sh.lean = pc.FlowID
		}
	}
	return nil
}

// slot returns what the stage keeps for the flow in slot (see
// PacketContext.FlowSlot), nil for none. A slot passes from a finished flow
// to a later one, whose first packet then finds its connection without
// the hint (the reassembler checks every hint) and is not skipped (the
// lean flow is another).
func (h *httpState) slot(slot int32) *slotHint {
	if slot < 0 {
		return nil
	}
	h.hints.Grow(int(slot))
	return h.hints.At(int(slot))
}

// emit writes one exchange's row, in the partition of its request time.
func (h *httpState) emit(x *httpx.Exchange) error {
	h.row = HTTPExchange{Exchange: x}
	if c, ok := x.Tag.(*httpConn); ok {
		h.row.FlowID, h.row.SourceFile = c.flowID, c.sourceFile
	}
	ts := h.row.Time()
	err := appendRow(h.s.httpW, ts, func(f *file) { f.http.AppendHTTP(&h.row) })
	h.row = HTTPExchange{}
	return err
}

// finish ends the connections still open, writing their last exchanges.
func (h *httpState) finish() error {
	return h.hs.Close(false)
}
