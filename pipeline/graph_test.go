package pipeline

import (
	"context"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countSource emits n packets whose 8-byte payload is their index.
type countSource struct {
	n        int
	perBatch int
}

func (s *countSource) Run(ctx context.Context, em *Emitter) error {
	id := em.Inputs().Add(&Input{Name: "count"})
	var b *Batch
	for i := 0; i < s.n; i++ {
		if b == nil {
			var err error
			if b, err = em.Batch(ctx); err != nil {
				return err
			}
		}
		var buf [8]byte
		binary.BigEndian.PutUint64(buf[:], uint64(i))
		b.AddCopy(CaptureInfo{Frame: uint64(i + 1), Input: id, OrigLen: 8, Timestamp: int64(i)}, buf[:])
		if b.Len() == s.perBatch || b.Full(8) {
			if err := em.Emit(ctx, b); err != nil {
				return err
			}
			b = nil
		}
	}
	if b != nil {
		return em.Emit(ctx, b)
	}
	return nil
}

// jitterStage sleeps a random short time per batch so workers finish out of order,
// and records the worker-local processing in Decoded.TTL.
type jitterStage struct{ seed uint64 }

func (s *jitterStage) Name() string { return "jitter" }
func (s *jitterStage) NewProcessor() Processor {
	return &jitterProc{r: rand.New(rand.NewPCG(s.seed, s.seed))}
}

type jitterProc struct{ r *rand.Rand }

func (p *jitterProc) Process(b *Batch) error {
	time.Sleep(time.Duration(p.r.IntN(200)) * time.Microsecond)
	for i := range b.Packets {
		b.Packets[i].Decoded.TTL = 1
	}
	return nil
}

// orderSink checks that packets arrive in source order, decoded.
type orderSink struct {
	mu     sync.Mutex
	next   uint64
	closed int
	abort  bool
	failAt int64 // fail Consume when this packet index is seen (-1: never)
	err    error
}

func (s *orderSink) Name() string { return "order" }
func (s *orderSink) Consume(ctx context.Context, b *Batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range b.Packets {
		v := binary.BigEndian.Uint64(b.Data(i))
		if v != s.next && s.err == nil {
			s.err = errors.New("out of order")
		}
		if b.Packets[i].Decoded.TTL != 1 && s.err == nil {
			s.err = errors.New("stage did not run")
		}
		if s.failAt >= 0 && int64(v) == s.failAt {
			return errors.New("sink failure")
		}
		s.next++
	}
	return nil
}
func (s *orderSink) Close(aborted bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed++
	s.abort = aborted
	return nil
}

func TestGraphOrderAcrossWorkers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		workers int
		batches int
		n       int
	}{
		{"one worker", 1, 0, 5000},
		{"two workers", 2, 0, 20000},
		{"eight workers few batches", 8, 10, 20000},
		{"empty input", 4, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := &orderSink{failAt: -1}, &orderSink{failAt: -1}
			g := &Graph{
				Source:       &countSource{n: tc.n, perBatch: 37},
				Stages:       []Stage{&jitterStage{seed: 1}},
				Sinks:        []Sink{a, b},
				Workers:      tc.workers,
				Batches:      tc.batches,
				BatchPackets: 64,
			}
			st, err := g.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []*orderSink{a, b} {
				if s.err != nil {
					t.Fatal(s.err)
				}
				if s.next != uint64(tc.n) {
					t.Fatalf("sink saw %d packets, want %d", s.next, tc.n)
				}
				if s.closed != 1 || s.abort {
					t.Fatalf("sink closed %d times, aborted=%v; want once, not aborted", s.closed, s.abort)
				}
			}
			if st.Packets != int64(tc.n) || st.Bytes != int64(8*tc.n) {
				t.Fatalf("stats %d packets %d bytes, want %d and %d", st.Packets, st.Bytes, tc.n, 8*tc.n)
			}
			if len(st.Stages) != 1 || st.Stages[0].Packets != int64(tc.n) {
				t.Fatalf("stage stats %+v", st.Stages)
			}
		})
	}
}

func TestGraphSinkErrorCancelsAndClosesAll(t *testing.T) {
	a, b := &orderSink{failAt: 3000}, &orderSink{failAt: -1}
	g := &Graph{
		Source:  &countSource{n: 1_000_000, perBatch: 100},
		Stages:  []Stage{&jitterStage{seed: 2}},
		Sinks:   []Sink{a, b},
		Workers: 2,
	}
	_, err := g.Run(context.Background())
	if err == nil || !errors.Is(err, err) || err.Error() == "" {
		t.Fatal("want an error from the failing sink")
	}
	if a.closed != 1 || b.closed != 1 || !a.abort || !b.abort {
		t.Fatalf("sinks must be closed once with aborted=true: a=%d/%v b=%d/%v", a.closed, a.abort, b.closed, b.abort)
	}
	if b.next >= 1_000_000 {
		t.Fatal("run was not cancelled")
	}
}

func TestGraphCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &orderSink{failAt: -1}
	g := &Graph{Source: &countSource{n: 1 << 30, perBatch: 100}, Sinks: []Sink{s}, Stages: []Stage{&jitterStage{}}}
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err := g.Run(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if s.closed != 1 || !s.abort {
		t.Fatal("sink not closed as aborted")
	}
}

// holdSink counts how many batches are alive at once through the free list bound.
type boundSource struct {
	live, peak *atomic.Int64
	n          int
}

func (s *boundSource) Run(ctx context.Context, em *Emitter) error {
	for i := 0; i < s.n; i++ {
		b, err := em.Batch(ctx)
		if err != nil {
			return err
		}
		if v := s.live.Add(1); v > s.peak.Load() {
			s.peak.Store(v)
		}
		b.AddCopy(CaptureInfo{}, make([]byte, 8))
		if err := em.Emit(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

type releaseSink struct{ live *atomic.Int64 }

func (s releaseSink) Name() string { return "release" }
func (s releaseSink) Consume(ctx context.Context, b *Batch) error {
	time.Sleep(50 * time.Microsecond) // slow sink: backpressure must hold the source
	s.live.Add(-1)
	return nil
}
func (s releaseSink) Close(bool) error { return nil }

func TestGraphMemoryBoundedByFreeList(t *testing.T) {
	var live, peak atomic.Int64
	g := &Graph{
		Source:  &boundSource{live: &live, peak: &peak, n: 2000},
		Sinks:   []Sink{releaseSink{&live}},
		Workers: 2,
		Batches: 6,
	}
	if _, err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p > 6 {
		t.Fatalf("%d batches alive at once, free list holds 6", p)
	}
}

func TestBatchAddGrowsForOversizedFrame(t *testing.T) {
	b := NewBatch(4, 16)
	b.AddCopy(CaptureInfo{}, []byte("0123456789"))
	if !b.Full(10) {
		t.Fatal("batch with 10 of 16 bytes must be full for 10 more")
	}
	big := make([]byte, 100)
	for i := range big {
		big[i] = byte(i)
	}
	b2 := NewBatch(4, 16)
	if b2.Full(100) {
		t.Fatal("an empty batch is never full")
	}
	b2.AddCopy(CaptureInfo{}, big)
	if got := b2.Data(0); len(got) != 100 || got[99] != 99 || b2.Packets[0].CapLen != 100 {
		t.Fatalf("oversized frame not stored: len %d", len(got))
	}
	b.AddCopy(CaptureInfo{}, []byte("abc")) // grows
	if string(b.Data(0)) != "0123456789" || string(b.Data(1)) != "abc" {
		t.Fatal("growth lost earlier data")
	}
	b.Truncate(1)
	if b.Len() != 1 || string(b.Data(0)) != "0123456789" {
		t.Fatal("Truncate")
	}
}

// stickySink fails every Consume and returns the same sticky error from
// Close, plus one more problem, as file sinks do when a disk fills up.
type stickySink struct{ err error }

func (s *stickySink) Name() string { return "sticky" }
func (s *stickySink) Consume(context.Context, *Batch) error {
	return s.err
}
func (s *stickySink) Close(bool) error {
	return errors.Join(s.err, errors.New("sticky: manifest: no space left on device"))
}

func TestGraphReportsStickyErrorOnce(t *testing.T) {
	s := &stickySink{err: errors.New("sticky: writing f.pcap: no space left on device")}
	g := &Graph{Source: &countSource{n: 10, perBatch: 5}, Sinks: []Sink{s}}
	_, err := g.Run(context.Background())
	want := "sticky: writing f.pcap: no space left on device\nsticky: manifest: no space left on device"
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n%v\nwant:\n%s", err, want)
	}
}

func TestNamed(t *testing.T) {
	for _, tc := range []struct{ name, err, want string }{
		{"split", "split: writing x", "split: writing x"},
		{"split", "no space left", "split: no space left"},
		{"pcap writer out.pcap", "pcap writer out.pcap: boom", "pcap writer out.pcap: boom"},
	} {
		if got := named(tc.name, errors.New(tc.err)).Error(); got != tc.want {
			t.Errorf("named(%q, %q) = %q, want %q", tc.name, tc.err, got, tc.want)
		}
	}
}

func TestPackOrigin(t *testing.T) {
	for _, c := range []struct {
		frame uint64
		input InputID
	}{{1, 0}, {123456789, 7}, {1<<40 - 1, 1<<24 - 1}} {
		f, in := UnpackOrigin(PackOrigin(c.frame, c.input))
		if f != c.frame || in != c.input {
			t.Errorf("UnpackOrigin(PackOrigin(%d, %d)) = %d, %d", c.frame, c.input, f, in)
		}
	}
}
