package forward

import (
	"sync/atomic"

	"github.com/pcapflow/pcapflow/decoders/filter"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Direction numbers: packets entering on port 0 go Forward (to port 1),
// packets entering on port 1 go Reverse (to port 0).
const (
	Forward = 0
	Reverse = 1
)

// DirectionName returns "IF1→IF2"-style names given the port names.
func DirectionName(dir int, ports [2]string) string {
	return ports[dir] + "→" + ports[1-dir]
}

// Counters count one direction's packets.
type Counters struct {
	// Received packets entered the stage; Forwarded left it for the other
	// port; Dropped were removed by a drop filter (or, for a router, were
	// not its to forward).
	Received, Forwarded, Dropped atomic.Int64
}

// Bridge is a pipeline.Stage forwarding every packet to the other of two
// ports unless the direction's drop filter matches it.
type Bridge struct {
	drop [2]*filter.Filter
	c    [2]Counters
}

// NewBridge returns a bridge dropping packets matched by drop[Forward]
// (entering port 0) and drop[Reverse] (entering port 1); nil drops nothing.
func NewBridge(drop [2]*filter.Filter) *Bridge { return &Bridge{drop: drop} }

// Name returns "bridge".
func (br *Bridge) Name() string { return "bridge" }

// NewProcessor returns br itself: the stage keeps no per-worker state.
func (br *Bridge) NewProcessor() pipeline.Processor { return br }

// Counters returns the counters of direction dir (Forward or Reverse).
func (br *Bridge) Counters(dir int) *Counters { return &br.c[dir&1] }

// Process sets each packet's Interface to the other port and removes the
// dropped ones (and any from a port other than 0 and 1).
func (br *Bridge) Process(b *pipeline.Batch) error {
	kept := b.Packets[:0]
	for i := range b.Packets {
		p := &b.Packets[i]
		in := p.Interface
		if in > 1 {
			continue
		}
		c := &br.c[in]
		c.Received.Add(1)
		if f := br.drop[in]; f != nil && f.MatchPacket(b, p) {
			c.Dropped.Add(1)
			continue
		}
		p.Interface = 1 - in
		c.Forwarded.Add(1)
		kept = append(kept, *p)
	}
	b.Packets = kept
	return nil
}
