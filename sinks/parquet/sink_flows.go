package parquet

import (
	"sync"

	"github.com/pcapflow/pcapflow/decoders/flows"
	"github.com/pcapflow/pcapflow/pipeline"
)

// flowTracker runs the flow table for the sink and writes the flows
// table. In a graph it is the sink's stage (see Sink.SinkStage): it
// observes batch N+1 on the graph's ordering goroutine while the sink
// appends the rows of batch N, and leaves each batch's packet contexts
// (flow id, direction, Community ID, source file) for the sink to take.
// Without the graph (a caller of Consume alone) the sink runs it itself.
type flowTracker struct {
	s     *Sink
	tab   *flows.Table
	err   error // first error met while emitting flow rows
	names inputNames
	// staged counts the batches observed as the sink's stage.
	staged int
	// touched keeps the loads of flows.Table.Prepare.
	touched uint64

	mu    sync.Mutex
	ready map[*pipeline.Batch]*packetNotes // observed, not yet consumed
	spare []*packetNotes
}

// packetNotes are the contexts of one batch's packets, in packet order,
// and the error the tracker had met when it observed them.
type packetNotes struct {
	pcs []PacketContext
	err error
}

func newFlowTracker(s *Sink, opts flows.Options) *flowTracker {
	t := &flowTracker{s: s, names: newInputNames(s.o.Inputs), ready: make(map[*pipeline.Batch]*packetNotes)}
	opts.Emit = t.emit
	t.tab = flows.NewTable(opts)
	return t
}

// Name returns "parquet-flows".
func (t *flowTracker) Name() string { return "parquet-flows" }

// NewProcessor returns the tracker itself: an ordered stage has one.
func (t *flowTracker) NewProcessor() pipeline.Processor { return t }

// Process observes b's packets and leaves their contexts for Consume.
// Errors reach the run through Consume, as the sink's own.
func (t *flowTracker) Process(b *pipeline.Batch) error {
	n := t.notes()
	t.observe(b, n)
	t.staged++
	t.mu.Lock()
	if old := t.ready[b]; old != nil {
		// Not consumed (the run is failing): reuse its memory.
		t.spare = append(t.spare, old)
	}
	t.ready[b] = n
	t.mu.Unlock()
	return nil
}

// take returns the notes Process left for b, or nil.
func (t *flowTracker) take(b *pipeline.Batch) *packetNotes {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := t.ready[b]
	if n != nil {
		delete(t.ready, b)
	}
	return n
}

// notes returns recycled notes, or new ones.
func (t *flowTracker) notes() *packetNotes {
	t.mu.Lock()
	defer t.mu.Unlock()
	if k := len(t.spare); k > 0 {
		n := t.spare[k-1]
		t.spare = t.spare[:k-1]
		return n
	}
	return &packetNotes{}
}

// put recycles n.
func (t *flowTracker) put(n *packetNotes) {
	t.mu.Lock()
	t.spare = append(t.spare, n)
	t.mu.Unlock()
}

// observe feeds b's packets to the flow table, in order, and fills n.
func (t *flowTracker) observe(b *pipeline.Batch, n *packetNotes) {
	if cap(n.pcs) < len(b.Packets) {
		n.pcs = make([]PacketContext, len(b.Packets))
	}
	n.pcs = n.pcs[:len(b.Packets)]
	t.touched += t.tab.Prepare(b.Packets)
	for i := range b.Packets {
		p := &b.Packets[i]
		data := b.Bytes(p)
		id, dir := t.tab.Observe(p, data)
		pc := &n.pcs[i]
		*pc = PacketContext{FlowID: id, Dir: dir, FlowSlot: -1, SourceFile: t.sourceName(p.Input)}
		if id != 0 {
			pc.CommunityID = t.tab.CommunityID()
			if ip := &p.Decoded.IP; ip.Src.Zone() == "" && ip.Dst.Zone() == "" {
				// The flow is the packet's addresses (see
				// flows.Table.Observe), which a zone would not be.
				pc.FlowSlot = t.tab.Slot()
			}
		}
		pc.InnerFlowID, _ = t.tab.ObserveInner(p, data, id)
	}
	n.err = t.err
}

// sourceName returns the name of input id.
func (t *flowTracker) sourceName(id pipeline.InputID) string { return t.names.name(id) }

// emit writes a finished flow's rows.
func (t *flowTracker) emit(r *flows.Record) {
	if t.err != nil {
		return
	}
	name := t.sourceName(r.FirstInput)
	t.err = appendRow(t.s.flowsW, r.First, func(f *file) { f.flows.AppendFlow(r, name) })
}

// flush ends the flows still open (writing their rows) and hands the
// flows tables' last records to their encoders.
func (t *flowTracker) flush() error {
	t.tab.Flush()
	if t.err != nil {
		return t.err
	}
	for _, w := range t.s.flowsW {
		if err := w.finish(); err != nil {
			return err
		}
	}
	return nil
}
