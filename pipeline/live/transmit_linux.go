//go:build linux

package live

import (
	"context"
	"sync/atomic"

	"github.com/pcapflow/pcapflow/pipeline"
)

// Transmit is a pipeline.Sink that sends every packet out of the handle
// whose index is the packet's CaptureInfo.Interface (set by a forwarding
// stage). Packets for an index without a handle, or of another link type,
// are counted as errors, not sent.
type Transmit struct {
	handles          []*Handle
	sent, bytes, bad atomic.Int64
	failed           atomic.Int64
	lastErr          atomic.Pointer[error]
}

// NewTransmit returns a sink sending on handles. It does not close them.
func NewTransmit(handles []*Handle) *Transmit { return &Transmit{handles: handles} }

// Name returns "transmit".
func (t *Transmit) Name() string { return "transmit" }

// Consume sends b's packets, in order. A failed send (interface down, frame
// too big) is counted and the run goes on, as a switch would.
func (t *Transmit) Consume(_ context.Context, b *pipeline.Batch) error {
	for i := range b.Packets {
		p := &b.Packets[i]
		if int(p.Interface) >= len(t.handles) || p.LinkType != t.handles[p.Interface].LinkType() {
			t.bad.Add(1)
			continue
		}
		data := b.Bytes(p)
		if err := t.handles[p.Interface].WritePacket(data); err != nil {
			t.failed.Add(1)
			t.lastErr.Store(&err)
			continue
		}
		t.sent.Add(1)
		t.bytes.Add(int64(len(data)))
	}
	return nil
}

// Close does nothing: the handles belong to the caller.
func (t *Transmit) Close(bool) error { return nil }

// Stats returns the counters so far.
func (t *Transmit) Stats() TransmitStats {
	st := TransmitStats{Sent: t.sent.Load(), Bytes: t.bytes.Load(), Failed: t.failed.Load(), Unroutable: t.bad.Load()}
	if e := t.lastErr.Load(); e != nil {
		st.LastError = *e
	}
	return st
}
