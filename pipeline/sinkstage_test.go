package pipeline

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// stagedSink is a sink with a SinkStage: the stage numbers the packets it
// sees (state kept across batches, so it must see them in order) and
// records, per batch, the numbers for the sink to check; the sink checks
// that every batch it consumes was staged, in order, after the ordered
// stages of the graph.
type stagedSink struct {
	mu      sync.Mutex
	staged  map[*Batch][]uint64 // numbers given by the stage, by batch
	count   uint64              // the stage's running count
	next    uint64              // the sink's next expected packet
	batches int
	err     error
	failAt  int64 // the stage fails on this packet index (-1: never)
}

func newStagedSink() *stagedSink {
	return &stagedSink{staged: make(map[*Batch][]uint64), failAt: -1}
}

func (s *stagedSink) Name() string { return "staged" }

func (s *stagedSink) SinkStage() Stage { return (*stagedStage)(s) }

func (s *stagedSink) Consume(ctx context.Context, b *Batch) error {
	s.mu.Lock()
	nums, ok := s.staged[b]
	delete(s.staged, b)
	s.mu.Unlock()
	if !ok {
		return errors.New("batch not staged")
	}
	if len(nums) != len(b.Packets) {
		return fmt.Errorf("staged %d packets, batch has %d", len(nums), len(b.Packets))
	}
	for i := range b.Packets {
		v := binary.BigEndian.Uint64(b.Data(i))
		if v != s.next || nums[i] != v {
			return fmt.Errorf("packet %d: staged as %d, sink expected %d", v, nums[i], s.next)
		}
		if b.Packets[i].Decoded.IPID != 7 {
			return errors.New("sink stage ran before the graph's ordered stage")
		}
		s.next++
	}
	s.batches++
	return nil
}

func (s *stagedSink) Close(aborted bool) error { return nil }

// stagedStage is the stagedSink's ordered work.
type stagedStage stagedSink

func (st *stagedStage) Name() string            { return "staged-stage" }
func (st *stagedStage) NewProcessor() Processor { return st }

func (st *stagedStage) Process(b *Batch) error {
	nums := make([]uint64, len(b.Packets))
	for i := range b.Packets {
		if b.Packets[i].Decoded.IPID != 7 {
			return errors.New("sink stage ran before the graph's ordered stage")
		}
		if int64(st.count) == st.failAt {
			return errors.New("stage failure")
		}
		nums[i] = st.count
		st.count++
	}
	st.mu.Lock()
	st.staged[b] = nums
	st.mu.Unlock()
	return nil
}

// markStage is an ordered stage that marks every packet (IPID 7).
type markStage struct{}

func (markStage) Name() string            { return "mark" }
func (markStage) NewProcessor() Processor { return markStage{} }
func (markStage) Process(b *Batch) error {
	for i := range b.Packets {
		b.Packets[i].Decoded.IPID = 7
	}
	return nil
}

func TestGraphRunsSinkStagesInOrderBeforeSinks(t *testing.T) {
	for _, workers := range []int{1, 2, 8} {
		t.Run(fmt.Sprint(workers, " workers"), func(t *testing.T) {
			const n = 30000
			a, b := newStagedSink(), newStagedSink()
			plain := &orderSink{failAt: -1}
			g := &Graph{
				Source:       &countSource{n: n, perBatch: 41},
				Stages:       []Stage{&jitterStage{seed: 3}},
				Ordered:      []Stage{markStage{}},
				Sinks:        []Sink{a, plain, b},
				Workers:      workers,
				BatchPackets: 64,
			}
			st, err := g.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []*stagedSink{a, b} {
				if s.next != n || s.count != n || len(s.staged) != 0 {
					t.Fatalf("sink saw %d packets, stage %d, %d batches left staged; want %d, %d, 0", s.next, s.count, len(s.staged), n, n)
				}
			}
			if plain.err != nil || plain.next != n {
				t.Fatalf("plain sink: %v, %d packets", plain.err, plain.next)
			}
			if len(st.Stages) != 2 || st.Stages[1].Name != "mark" {
				t.Fatalf("stage stats %+v, want jitter and mark only", st.Stages)
			}
		})
	}
}

func TestGraphSinkStageErrorStopsRun(t *testing.T) {
	s := newStagedSink()
	s.failAt = 5000
	plain := &orderSink{failAt: -1}
	g := &Graph{
		Source:  &countSource{n: 1_000_000, perBatch: 100},
		Ordered: []Stage{markStage{}},
		Sinks:   []Sink{s, plain},
		Workers: 2,
	}
	_, err := g.Run(context.Background())
	if err == nil || err.Error() != "stage staged-stage: stage failure" {
		t.Fatalf("error %v, want the stage's", err)
	}
	if plain.closed != 1 || !plain.abort {
		t.Fatalf("sink closed %d times, aborted=%v; want once, aborted", plain.closed, plain.abort)
	}
	if s.next > 5000 {
		t.Fatalf("sink consumed %d packets, past the stage's failure", s.next)
	}
}
