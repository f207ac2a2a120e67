package filter

import (
	"sync/atomic"

	"github.com/pcapflow/pcapflow/pipeline"
)

// Stage is a pipeline.Stage that drops the packets a Filter rejects. It can
// run in parallel after the decode stage (it reads only the frame bytes,
// so it may also run before it).
type Stage struct {
	f                *Filter
	kept, dropped    atomic.Uint64
	name             string
	emptyPassThrough bool
}

// NewStage returns a stage that keeps only the packets f matches. The
// packets kept stay in capture order; their bytes stay where they are in
// the batch arena.
func NewStage(f *Filter) *Stage {
	return &Stage{f: f, name: "filter", emptyPassThrough: f.root == nil}
}

// Name returns "filter".
func (s *Stage) Name() string { return s.name }

// NewProcessor returns a worker's processor; the Filter itself is shared.
func (s *Stage) NewProcessor() pipeline.Processor { return &stageProcessor{s: s} }

// Counts returns how many packets were kept and dropped so far.
func (s *Stage) Counts() (kept, dropped uint64) { return s.kept.Load(), s.dropped.Load() }

type stageProcessor struct{ s *Stage }

// Process compacts b.Packets to the matching packets, in place.
func (p *stageProcessor) Process(b *pipeline.Batch) error {
	if p.s.emptyPassThrough {
		p.s.kept.Add(uint64(len(b.Packets)))
		return nil
	}
	n := len(b.Packets)
	kept := b.Packets[:0]
	for i := range b.Packets {
		pk := &b.Packets[i]
		if p.s.f.MatchPacket(b, pk) {
			kept = append(kept, *pk) // index len(kept) <= i: never overwrites an unread packet
		}
	}
	b.Packets = kept
	p.s.kept.Add(uint64(len(kept)))
	p.s.dropped.Add(uint64(n - len(kept)))
	return nil
}
