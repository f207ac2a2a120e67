package tcpreasm

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/internal/golden"
	"github.com/pcapflow/pcapflow/pipeline"
)

// closeLog records the connections a handler sees end, in order.
type closeLog struct{ ends []string }

func (h *closeLog) Open(*Conn)                     {}
func (h *closeLog) Data(*Conn, Dir, []byte, Chunk) {}
func (h *closeLog) Gap(*Conn, Dir, uint64, Chunk)  {}
func (h *closeLog) Close(c *Conn) {
	h.ends = append(h.ends, fmt.Sprintf("%d %s %s-%s %d", c.ID, c.EndReason, c.Client, c.Server, c.Last))
}

// TestExpireShortcut feeds random segments of a few connections, with
// packet times that mostly grow but sometimes jump back, to two
// assemblers: one as it runs, one whose expiry shortcut is reset before
// every packet (so that it checks the lists' tails every time). The
// connections must end alike: same ids, reasons and order.
func TestExpireShortcut(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var fast, slow closeLog
	opts := Options{Idle: 50 * time.Millisecond, ClosedIdle: 20 * time.Millisecond}
	opts.Handler = &fast
	a := New(opts)
	opts.Handler = &slow
	b := New(opts)
	flags := []uint16{syn, synack, ack, ack, ack, ack | fin, rst}
	now := int64(1e9)
	for n := range 20000 {
		switch r := rng.IntN(100); {
		case r < 3:
			now -= int64(rng.IntN(30)) * 1e6
		default:
			now += int64(rng.IntN(3)) * 1e6
		}
		src := netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(rng.IntN(4))}), uint16(1000+rng.IntN(8)))
		p := pipeline.Packet{CaptureInfo: pipeline.CaptureInfo{Timestamp: now, Frame: uint64(n + 1)}}
		p.Decoded = pipeline.Decoded{Layers: pipeline.LayerIPv4 | pipeline.LayerTCP,
			IP:       pipeline.Flow{Src: src.Addr(), Dst: srv.Addr(), SrcPort: src.Port(), DstPort: srv.Port(), Proto: 6},
			TCPFlags: flags[rng.IntN(len(flags))], TCPSeq: rng.Uint32(), TCPAck: rng.Uint32(), TCPWindow: 100}
		if rng.IntN(2) == 0 {
			p.Decoded.IP = p.Decoded.IP.Reverse()
		}
		a.Observe(&p, nil)
		b.expireAt = noExpireBound
		b.Observe(&p, nil)
		if len(fast.ends) != len(slow.ends) {
			t.Fatalf("packet %d: %d connections ended, want %d", n, len(fast.ends), len(slow.ends))
		}
	}
	a.Flush()
	b.Flush()
	if strings.Join(fast.ends, "\n") != strings.Join(slow.ends, "\n") {
		t.Errorf("ends differ:\n%s", golden.Diff(strings.Join(slow.ends, "\n"), strings.Join(fast.ends, "\n")))
	}
	idle := 0
	for _, e := range fast.ends {
		if strings.Contains(e, " "+EndIdle+" ") || strings.Contains(e, " "+EndClosed+" ") {
			idle++
		}
	}
	if idle < 100 {
		t.Errorf("only %d connections expired: the test does not exercise expiry", idle)
	}
}
