package tcpreasm

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
)

// FuzzTunnelFragments sends a response through a GTP-U tunnel as outer
// (and, with inner set, inner) IPv4 fragments of random sizes, in a random
// order, some duplicated, some lost, then random bytes spliced into one
// fragment. Whatever arrives, the bytes delivered must be the response's
// at their stream offsets (never invented), and a run with nothing lost or
// spliced must deliver the whole response.
func FuzzTunnelFragments(f *testing.F) {
	f.Add([]byte("short response"), uint64(1), false, uint8(0))
	f.Add(bytes.Repeat([]byte("0123456789"), 400), uint64(7), true, uint8(0))
	f.Add(bytes.Repeat([]byte("abc"), 900), uint64(3), false, uint8(40))
	corpus.Seed(func(b []byte) { f.Add(b, uint64(len(b)), len(b)%2 == 1, uint8(len(b))) }, 8000)
	f.Fuzz(runFuzzTunnel)
}

// runFuzzTunnel is one FuzzTunnelFragments case.
func runFuzzTunnel(t *testing.T, resp []byte, seed uint64, inner bool, damage uint8) {
	{
		if len(resp) == 0 {
			return
		}
		if len(resp) > 20000 {
			resp = resp[:20000]
		}
		rng := rand.New(rand.NewPCG(seed, seed^0x51ed27))
		v4 := ipNet{}
		s := useg{down: true, flags: psh | ack, seq: 501, ack: 101, data: string(resp)}
		var frames []frame
		// Fragment sizes (multiples of 8) small enough to split, large
		// enough to stay within maxFragPieces per packet.
		atLeast := func(n int) int { return (n/maxFragPieces + 8) &^ 7 }
		innerSize := max(8*(1+rng.IntN(300)), atLeast(len(resp)+40))
		outerSize := max(8*(1+rng.IntN(200)), atLeast(len(resp)+40+16))
		if inner {
			frames = innerSplit(t, v4, s, 9, innerSize, max(outerSize, atLeast(innerSize+20+16)))
		} else {
			frames = tunnelled(t, v4, s, 9, outerSize)
		}
		clean := damage == 0
		if !clean {
			for i := rng.IntN(3); i > 0; i-- {
				frames = append(frames, frames[rng.IntN(len(frames))])
			}
			if damage%3 == 0 && len(frames) > 1 {
				frames = append(frames[:1], frames[2:]...)
			}
			if damage%5 == 0 {
				g := &frames[rng.IntN(len(frames))]
				b := append([]byte(nil), g.data...)
				b[rng.IntN(len(b))] ^= damage
				g.data = b
			}
		}
		rng.Shuffle(len(frames), func(i, j int) { frames[i], frames[j] = frames[j], frames[i] })
		c := &chunks{}
		a := New(Options{Handler: c})
		feedFrames(a, each(v4, 0)(t, tunSession()[:3]), 0)
		feedFrames(a, frames, 10)
		a.Flush()
		if clean && (c.bad != "" || c.delivered != len(resp)) {
			t.Fatalf("response of %d bytes: %d delivered (%s)", len(resp), c.delivered, c.bad)
		}
		if damage%5 != 0 && c.bad != "" {
			// Lost and duplicated fragments lose bytes, never change them.
			t.Fatal(c.bad)
		}
		for _, d := range c.data {
			if d.off+uint64(len(d.b)) > uint64(len(resp)) || (damage%5 != 0 && !bytes.Equal(d.b, resp[d.off:d.off+uint64(len(d.b))])) {
				if damage%5 != 0 {
					t.Fatalf("%d bytes at offset %d are not the response's", len(d.b), d.off)
				}
			}
		}
	}
}

// chunks records the server's delivered bytes with their stream offsets.
type chunks struct {
	data      []chunkAt
	delivered int
	bad       string
}

type chunkAt struct {
	off uint64
	b   []byte
}

func (c *chunks) Open(*Conn)  {}
func (c *chunks) Close(*Conn) {}
func (c *chunks) Gap(conn *Conn, d Dir, n uint64, at Chunk) {
	if d == ServerToClient && conn.ID == 0 {
		c.bad = fmt.Sprintf("gap of %d at %d", n, at.Offset)
	}
}
func (c *chunks) Data(conn *Conn, d Dir, b []byte, at Chunk) {
	if d == ServerToClient && conn.ID == 0 {
		c.data = append(c.data, chunkAt{at.Offset, append([]byte(nil), b...)})
		c.delivered += len(b)
	}
}
