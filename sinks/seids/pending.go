package seids

import (
	"net/netip"
	"slices"
	"time"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/pipeline"
)

// estRec is an establishment request whose session is not decided yet:
// what its session's row, or, if it never gets one, its incomplete row,
// takes from it.
type estRec struct {
	ref    uint64
	at     stamp
	input  pipeline.InputID
	cp, up netip.Addr
	cpSEID pfcp.OptSEID
	node   int32
	vals   valList
	// tx is the exchange (index+1) this request is the first copy of,
	// while it lasts; once it ended, done says so and copies, answered
	// and latency are its outcome, for the session to come.
	tx       int32
	done     bool
	answered bool
	copies   int
	latency  time.Duration
}

// waiting holds the establishment requests not decided yet, by Ref.
// Requests are decided within one exchange's time; those never answered
// are the capture's incomplete establishments.
type waiting struct {
	recs  []estRec
	free  []int32
	byRef map[uint64]int32
}

// add returns a new record for ref.
func (w *waiting) add(ref uint64) (int32, *estRec) {
	var i int32
	if n := len(w.free); n > 0 {
		i, w.free = w.free[n-1], w.free[:n-1]
	} else {
		i = int32(len(w.recs))
		w.recs = append(w.recs, estRec{})
	}
	if w.byRef == nil {
		w.byRef = map[uint64]int32{}
	}
	w.byRef[ref] = i
	r := &w.recs[i]
	*r = estRec{ref: ref}
	return i, r
}

// take removes ref's record and returns it (valid until the next add).
func (w *waiting) take(ref uint64) (*estRec, bool) {
	i, ok := w.byRef[ref]
	if !ok {
		return nil, false
	}
	delete(w.byRef, ref)
	w.free = append(w.free, i)
	return &w.recs[i], true
}

// left returns the records never decided, in capture order.
func (w *waiting) left() []*estRec {
	out := make([]*estRec, 0, len(w.byRef))
	for _, i := range w.byRef {
		out = append(out, &w.recs[i])
	}
	slices.SortFunc(out, func(a, b *estRec) int {
		switch {
		case a.ref < b.ref:
			return -1
		case a.ref > b.ref:
			return 1
		}
		return 0
	})
	return out
}
