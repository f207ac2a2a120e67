package forward

import (
	"context"
	"sync/atomic"

	"github.com/pcapflow/pcapflow/decoders/filter"
	"github.com/pcapflow/pcapflow/pipeline"
)

// TapOptions choose what a Tap records.
type TapOptions struct {
	// Filter keeps only matching packets (nil: all).
	Filter *filter.Filter
	// PayloadOnly keeps only packets with a transport payload (TCP, UDP or
	// ICMP data after the header, or the data of a non-first IP fragment),
	// as decoded by the decode stage.
	PayloadOnly bool
	// Egress limits the tap to packets leaving by this port (0 or 1); -1
	// (or any other value) records both directions.
	Egress int
}

// Tap is a pipeline.Sink passing the packets it selects to another sink
// (a capture writer). It copies them into its own batch, so the inner sink
// sees only the selected packets, in order.
type Tap struct {
	inner   pipeline.Sink
	o       TapOptions
	scratch *pipeline.Batch
	tapped  atomic.Int64
}

// NewTap returns a tap writing the packets o selects to inner.
func NewTap(inner pipeline.Sink, o TapOptions) *Tap {
	return &Tap{inner: inner, o: o, scratch: pipeline.NewBatch(1024, 1<<20)}
}

// Name returns "tap" and the inner sink's name.
func (t *Tap) Name() string { return "tap " + t.inner.Name() }

// Tapped returns the number of packets recorded.
func (t *Tap) Tapped() int64 { return t.tapped.Load() }

// Selects reports whether the tap records p (a packet of b).
func (t *Tap) Selects(b *pipeline.Batch, p *pipeline.Packet) bool {
	if (t.o.Egress == 0 || t.o.Egress == 1) && int(p.Interface) != t.o.Egress {
		return false
	}
	if t.o.PayloadOnly && p.Decoded.PayloadLen == 0 {
		return false
	}
	return t.o.Filter == nil || t.o.Filter.MatchPacket(b, p)
}

// Consume hands the selected packets of b to the inner sink.
func (t *Tap) Consume(ctx context.Context, b *pipeline.Batch) error {
	t.scratch.Reset()
	for i := range b.Packets {
		p := &b.Packets[i]
		if !t.Selects(b, p) {
			continue
		}
		if t.scratch.Full(int(p.CapLen)) {
			if err := t.inner.Consume(ctx, t.scratch); err != nil {
				return err
			}
			t.scratch.Reset()
		}
		copy(t.scratch.Add(p.CaptureInfo, int(p.CapLen)), b.Bytes(p))
		t.scratch.Packets[t.scratch.Len()-1].Decoded = p.Decoded
		t.tapped.Add(1)
	}
	if t.scratch.Len() == 0 {
		return nil
	}
	return t.inner.Consume(ctx, t.scratch)
}

// Close closes the inner sink.
func (t *Tap) Close(aborted bool) error { return t.inner.Close(aborted) }
