package generators

import (
	"context"
	"math"
	"time"

	"github.com/pcapflow/pcapflow/pipeline"
)

// linkTypeEthernet is LINKTYPE_ETHERNET.
const linkTypeEthernet = 1

// defaultStart is the first timestamp of every generator unless configured:
// a fixed instant, so output never depends on the wall clock.
var defaultStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// frameSource is the core of a generator: it announces each frame's length
// and timestamp, then writes it into the space the runner provides. It is
// single-use and not safe for concurrent use.
type frameSource interface {
	// next announces the next frame: its length and capture time in ns. ok
	// is false at the end of the output.
	next() (n int, ts int64, ok bool)
	// fill writes every byte of the frame announced by next into dst
	// (len(dst) == n); dst may hold stale data.
	fill(dst []byte)
}

// run drives src into the graph: it registers the input "gen:"+name,
// fills batches and emits them, stopping early when ctx is cancelled.
func run(ctx context.Context, em *pipeline.Emitter, name string, src frameSource) error {
	id := em.Inputs().Add(&pipeline.Input{Name: "gen:" + name, Format: name, LinkTypes: []uint16{linkTypeEthernet}})
	var (
		b     *pipeline.Batch
		frame uint64
		err   error
	)
	flush := func() error {
		if b == nil {
			return nil
		}
		var n int64
		for i := range b.Packets {
			n += int64(b.Packets[i].CapLen)
		}
		pk := int64(b.Len())
		em.Inputs().Update(id, func(in *pipeline.Input) { in.Packets += pk; in.Bytes += n })
		err := em.Emit(ctx, b)
		b = nil
		return err
	}
	for {
		n, ts, ok := src.next()
		if !ok {
			break
		}
		if b != nil && b.Full(n) {
			if err := flush(); err != nil {
				return err
			}
		}
		if b == nil {
			if b, err = em.Batch(ctx); err != nil {
				return err
			}
		}
		frame++
		ci := pipeline.CaptureInfo{
			Timestamp: ts,
			Frame:     frame,
			OrigLen:   uint32(n),
			Input:     id,
			LinkType:  linkTypeEthernet,
			TsDigits:  9,
		}
		src.fill(b.Add(ci, n))
	}
	return flush()
}

// clock turns a packet index into a timestamp at a constant rate.
type clock struct {
	start  int64
	period float64 // ns between packets
}

func newClock(start time.Time, rate float64) clock {
	if start.IsZero() {
		start = defaultStart
	}
	return clock{start: start.UnixNano(), period: 1e9 / rate}
}

func (c clock) at(i int64) int64 { return c.start + int64(math.Round(float64(i)*c.period)) }

// checkRate validates a packets-per-second rate (0 picks def).
func checkRate(rate, def float64) (float64, bool) {
	if rate == 0 {
		return def, true
	}
	return rate, rate > 0 && !math.IsInf(rate, 0) && !math.IsNaN(rate)
}
