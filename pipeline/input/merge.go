package input

import (
	"container/heap"
	"context"
	"io"

	"github.com/pcapflow/pcapflow/pipeline"
)

// cursor is one input of a merge with its look-ahead frame.
type cursor struct {
	st    *inputState
	order int
	ahead *pipeline.Batch // holds exactly the next frame, reused
}

// cursorHeap orders cursors by look-ahead timestamp, then input order.
type cursorHeap []*cursor

func (h cursorHeap) Len() int { return len(h) }
func (h cursorHeap) Less(i, j int) bool {
	a, b := h[i].ahead.Packets[0].Timestamp, h[j].ahead.Packets[0].Timestamp
	return a < b || a == b && h[i].order < h[j].order
}
func (h cursorHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)   { *h = append(*h, x.(*cursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// merge opens every input and delivers their frames in timestamp order with
// a k-way merge; memory is one look-ahead frame per input.
func (s *Source) merge(ctx context.Context, em *pipeline.Emitter, states []*inputState) error {
	tab := em.Inputs()
	var h cursorHeap
	for i, st := range states {
		if err := s.open(ctx, st, tab); err != nil {
			if err := s.damaged(st, err, tab); err != nil {
				return err
			}
			continue
		}
		s.noteSnaplen(st)
		c := &cursor{st: st, order: i, ahead: pipeline.NewBatch(1, 64<<10)}
		ok, err := s.advance(c, tab)
		if err != nil {
			return err
		}
		if ok {
			h = append(h, c)
		}
	}
	heap.Init(&h)
	b, err := em.Batch(ctx)
	if err != nil {
		return err
	}
	for len(h) > 0 {
		c := h[0]
		p := &c.ahead.Packets[0]
		data := c.ahead.Data(0)
		if b.Full(len(data)) {
			for _, st := range states {
				st.flush(tab)
			}
			if err := nextBatch(ctx, em, em.Emit, &b); err != nil {
				return err
			}
		}
		b.AddCopy(p.CaptureInfo, data)
		c.st.count(p)
		ok, err := s.advance(c, tab)
		if err != nil {
			return err
		}
		if ok {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
	}
	for _, st := range states {
		st.flush(tab)
	}
	return em.Emit(ctx, b)
}

// advance reads the cursor's next frame into its look-ahead batch. It
// reports false when the input is finished (ended or damaged); the input is
// then closed.
func (s *Source) advance(c *cursor, tab *pipeline.Inputs) (bool, error) {
	c.ahead.Reset()
	err := c.st.rd.ReadPacket(c.ahead, c.st.id)
	for readOn(err) {
		if derr := s.damaged(c.st, err, tab); derr != nil {
			s.noteSnaplen(c.st)
			c.st.close()
			return false, derr
		}
		err = c.st.rd.ReadPacket(c.ahead, c.st.id)
	}
	if err == nil {
		return true, nil
	}
	s.noteSnaplen(c.st)
	c.st.close()
	if err == io.EOF {
		c.st.flush(tab)
		return false, nil
	}
	return false, s.damaged(c.st, err, tab)
}
