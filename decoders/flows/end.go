package flows

import (
	"cmp"
	"slices"
)

// Flush ends every remaining flow, in order of flow id, and empties the
// table.
func (t *Table) Flush() {
	t.frags.flush()
	// Sorted by (id, slot) pairs: comparing ids read through the slab
	// would touch a random flow per comparison. Slots are scanned in
	// order, which is mostly the order of ids already.
	open := make([]openFlow, 0, t.ix.Len())
	for i := int32(0); i < t.slab.n; i++ {
		if id := t.slab.hot(i).id; id != 0 {
			open = append(open, openFlow{id, i})
		}
	}
	slices.SortFunc(open, func(x, y openFlow) int { return cmp.Compare(x.id, y.id) })
	for _, o := range open {
		t.emit(o.slot, EndFlush)
	}
	// Every flow ended: drop them all at once rather than one by one.
	for _, o := range open {
		t.release(o.slot)
	}
	t.ix.Reset()
	for c := range t.lists {
		t.lists[c].head, t.lists[c].tail = -1, -1
	}
	t.free = t.free[:0]
	for i := t.slab.n - 1; i >= 0; i-- {
		t.free = append(t.free, i)
	}
	t.cur = -1
}

// openFlow is a flow's id and slot, for Flush.
type openFlow struct {
	id   uint64
	slot int32
}

// emit passes the record of flow i to Emit.
func (t *Table) emit(i int32, reason string) {
	if t.opts.Emit != nil {
		t.fill(&t.rec, i, reason)
		t.opts.Emit(&t.rec)
	}
	t.finished++
}

// finish emits flow i and frees its slot.
func (t *Table) finish(i int32, reason string) {
	t.emit(i, reason)
	t.unlink(i)
	t.ix.Remove(t.slab.hot(i).hash, i)
	t.release(i)
	t.free = append(t.free, i)
	if t.cur == i {
		t.cur = -1
	}
}

// release marks slot i free and drops its strings.
func (t *Table) release(i int32) {
	t.slab.hot(i).id = 0
	f := t.slab.at(i)
	f.service, f.communityID = "", ""
}

// fill builds the Record of flow i.
func (t *Table) fill(r *Record, i int32, reason string) {
	hs, f := t.slab.hot(i), t.slab.at(i)
	orig, resp := hs.k.Addrs()
	if !hs.origIsA {
		orig, resp = resp, orig
	}
	proto := hs.k.Proto()
	*r = Record{
		ID: hs.id, CommunityID: f.communityID, First: f.first, Last: hs.last,
		Orig: orig, Resp: resp, OrigPort: f.origPort, RespPort: f.respPort,
		Proto: proto, Service: f.service,
		OrigSide: f.side[0], RespSide: f.side[1],
		History: f.hist.String(), SynAckRTT: -1, AckRTT: -1, HandshakeRTT: -1,
		FirstInput: f.firstInput, FirstFrame: f.firstFrame, TunnelParent: f.parent, EndReason: reason,
	}
	switch proto {
	case 6:
		r.ConnState = f.ep.connState(f.hist.synThenRst())
		r.Timeline = f.tl.result()
	case 17, 136:
		r.ConnState = udpConnState(f.side[0].Packets, f.side[1].Packets)
	default:
		r.ConnState = StateOTH
	}
	if f.synAckTime != 0 {
		r.SynAckRTT = f.synAckTime - f.synTime
	}
	if f.ackTime != 0 {
		r.AckRTT = f.ackTime - f.synAckTime
		r.HandshakeRTT = f.ackTime - f.synTime
	}
}
