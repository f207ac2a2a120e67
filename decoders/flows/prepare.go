package flows

import (
	"github.com/pcapflow/pcapflow/internal/tuplekey"
	"github.com/pcapflow/pcapflow/pipeline"
)

// prepared is what Prepare computed for one packet: its flow key, the
// key's hash, and whether its source is the key's A side.
type prepared struct {
	p      *pipeline.Packet
	k      key
	h      uint32
	srcIsA bool
}

// preparedBatch holds Prepare's results for the packets it was given, in
// their order; Observe takes them as it meets the same packets.
type preparedBatch struct {
	keys []prepared
	next int
	refs []int32 // each key's first index entry, between Prepare's passes
}

// Prepare computes the flow keys of the packets pkts (a batch, about to be
// given to Observe in this order) and loads what Observe will read for
// them from the table: the index entries of all their flows first, then
// the flows' hot states. These loads are independent of one another, so
// a batch's cache misses overlap, where Observe alone waits for each
// packet's two misses in turn (the lookup was the largest single cost of
// the Parquet export). It changes nothing in the table and returns a value
// made from the loads, for the caller to keep so that they are not
// optimised away. Observe uses a prepared key only for the very packet it
// was prepared for, in order, and keys any other packet as usual.
func (t *Table) Prepare(pkts []pipeline.Packet) uint64 {
	pb := &t.prep
	pb.keys, pb.next = pb.keys[:0], 0
	for i := range pkts {
		p := &pkts[i]
		d := &p.Decoded
		// The packets Observe keys from their outer headers (fragments
		// go through the fragment table first).
		if d.Layers&(pipeline.LayerIPv4|pipeline.LayerIPv6) == 0 || d.Layers.Has(pipeline.LayerFragment) ||
			!d.IP.Src.IsValid() || !d.IP.Dst.IsValid() {
			continue
		}
		var s segment
		s.outer(p, nil) // no fragment: the packet's bytes are not read
		tu := s.tuple(d)
		sport, dport := s.ports(d, tu)
		k, srcIsA := tuplekey.Make(tu.Src, tu.Dst, sport, dport, tu.Proto)
		pb.keys = append(pb.keys, prepared{p: p, k: k, h: k.Hash(t.seed), srcIsA: srcIsA})
	}
	if cap(pb.refs) < len(pb.keys) {
		pb.refs = make([]int32, cap(pb.keys))
	}
	refs := pb.refs[:len(pb.keys)]
	for i := range pb.keys {
		refs[i] = t.ix.At(t.ix.Start(pb.keys[i].h)).Ref
	}
	var sum uint64
	for _, ref := range refs {
		if slot := ref - 1; ref != 0 && slot < t.slab.n {
			sum += uint64(t.slab.hot(slot).last)
		}
	}
	return sum
}

// preparedKey returns what Prepare computed for segment s of packet p if
// p is the next packet it prepared and s its outer headers, else nil.
func (t *Table) preparedKey(p *pipeline.Packet, s *segment) *prepared {
	pb := &t.prep
	if s.tunnelled || pb.next >= len(pb.keys) || pb.keys[pb.next].p != p {
		return nil
	}
	pb.next++
	return &pb.keys[pb.next-1]
}
