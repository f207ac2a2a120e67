//go:build linux

package live

import (
	"context"
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pcapflow/pcapflow/pipeline"
)

// Source is a pipeline.Source reading frames from one or more handles. The
// packets of handle i carry Interface i. A batch is emitted as soon as no
// further frame is queued (so a lone frame goes down the graph at once) or
// when it is full.
type Source struct {
	handles []*Handle
	o       SourceOptions
	total   atomic.Int64
	ids     []pipeline.InputID
	emitMu  sync.Mutex
	stopped atomic.Bool
}

// Stop ends the capture as Options.Stop does; it may be called from any
// goroutine, any number of times (a Limit stage calls it).
func (s *Source) Stop() {
	s.stopped.Store(true)
	for _, h := range s.handles {
		_ = h.SetReadDeadline(time.Unix(1, 0))
	}
}

// NewSource returns a source reading the handles. The source does not close
// them: the caller does, after the run.
func NewSource(handles []*Handle, o SourceOptions) *Source {
	if o.InputName == "" {
		o.InputName = "live:"
	}
	return &Source{handles: handles, o: o}
}

// Packets returns the number of packets delivered so far.
func (s *Source) Packets() int64 { return s.total.Load() }

// Run captures until Stop is done, Duration passed or Stop was called (then
// it returns nil), or ctx is cancelled.
func (s *Source) Run(ctx context.Context, em *pipeline.Emitter) error {
	inputs := em.Inputs()
	s.ids = make([]pipeline.InputID, len(s.handles))
	for i, h := range s.handles {
		s.ids[i] = inputs.Add(&pipeline.Input{Name: s.o.InputName + h.Name(), Format: "live", LinkTypes: []uint16{h.LinkType()}})
	}
	stopped := &s.stopped
	stopAll := s.Stop
	done := make(chan struct{})
	defer close(done)
	var stopCh <-chan struct{}
	if s.o.Stop != nil {
		stopCh = s.o.Stop.Done()
	}
	var timer <-chan time.Time
	if s.o.Duration > 0 {
		t := time.NewTimer(s.o.Duration)
		defer t.Stop()
		timer = t.C
	}
	go func() {
		select {
		case <-stopCh:
		case <-timer:
		case <-ctx.Done():
		case <-done:
			return
		}
		stopAll()
	}()

	errs := make([]error, len(s.handles))
	var wg sync.WaitGroup
	for i := range s.handles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.read(ctx, em, i, stopped)
			if errs[i] != nil {
				stopAll()
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	return errors.Join(errs...)
}

// read is one handle's loop.
func (s *Source) read(ctx context.Context, em *pipeline.Emitter, port int, stopped *atomic.Bool) error {
	h := s.handles[port]
	id := s.ids[port]
	var frameNo uint64
	for !stopped.Load() {
		b, err := em.Batch(ctx)
		if err != nil {
			return nil // cancelled: Run reports it
		}
		f, err := h.Read()
		for err == nil {
			frameNo++
			ci := pipeline.CaptureInfo{
				Timestamp: f.Timestamp, Frame: frameNo, OrigLen: f.OrigLen,
				Input: id, Interface: uint32(port), LinkType: h.LinkType(), TsDigits: 9,
			}
			s.total.Add(1)
			b.AddCopy(ci, f.Data)
			if b.Len() == cap(b.Packets) {
				break
			}
			f, err = h.ReadNow()
			if err == nil && b.Full(len(f.Data)) {
				// Keep the frame for the next batch: emit this one first.
				if eerr := s.emit(ctx, em, id, b); eerr != nil {
					return nil
				}
				if b, err = em.Batch(ctx); err != nil {
					return nil
				}
			}
		}
		if err != nil && !errors.Is(err, ErrNoFrame) && !errors.Is(err, os.ErrDeadlineExceeded) && !errors.Is(err, os.ErrClosed) {
			b.Reset()
			_ = s.emit(ctx, em, id, b)
			return err
		}
		if err := s.emit(ctx, em, id, b); err != nil {
			return nil
		}
	}
	return nil
}

// emit sends b (empty batches are recycled) and counts it on the input.
func (s *Source) emit(ctx context.Context, em *pipeline.Emitter, id pipeline.InputID, b *pipeline.Batch) error {
	n := int64(b.Len())
	var bytes int64
	for i := range b.Packets {
		bytes += int64(b.Packets[i].CapLen)
	}
	s.emitMu.Lock()
	defer s.emitMu.Unlock()
	if n > 0 {
		em.Inputs().Update(id, func(in *pipeline.Input) { in.Packets += n; in.Bytes += bytes })
	}
	return em.Emit(ctx, b)
}
