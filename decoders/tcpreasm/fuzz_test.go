package tcpreasm

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
)

// FuzzReassembly cuts a byte stream into overlapping segments, sends them
// in a random order with duplicates, and checks the stream comes out whole
// and exact. With corrupt set, some later copies carry different bytes: the
// stream must keep its length and the first copy of each byte.
func FuzzReassembly(f *testing.F) {
	f.Add([]byte("hello, reassembly"), uint64(1), false)
	f.Add(bytes.Repeat([]byte("0123456789"), 300), uint64(99), true)
	corpus.Seed(func(b []byte) { f.Add(b, uint64(len(b)), len(b)%2 == 0) }, 4096)
	f.Fuzz(func(t *testing.T, stream []byte, seed uint64, corrupt bool) {
		if len(stream) > 1<<16 {
			stream = stream[:1<<16]
		}
		rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		isn := rng.Uint32()
		type piece struct{ from, to int }
		var pieces []piece
		for pos := 0; pos < len(stream); {
			from := max(0, pos-rng.IntN(20))
			to := min(len(stream), pos+1+rng.IntN(200))
			pieces = append(pieces, piece{from, to})
			pos = to
		}
		for i := rng.IntN(len(pieces) + 1); i > 0; i-- {
			pieces = append(pieces, pieces[rng.IntN(len(pieces))])
		}
		rng.Shuffle(len(pieces), func(i, j int) { pieces[i], pieces[j] = pieces[j], pieces[i] })
		// Only exact duplicates sent after their original are corrupted,
		// so the first copy of every byte is the true one.
		seen := map[piece]bool{}
		r := newRecorder()
		a := New(Options{Handler: r, MaxBuffered: 1 << 20})
		p, data := tseg{flags: syn, seq: isn, t: 1}.packet(1)
		a.Observe(&p, data)
		for i, pc := range pieces {
			payload := stream[pc.from:pc.to]
			if corrupt && seen[pc] && len(payload) > 0 {
				payload = append([]byte(nil), payload...)
				payload[0] ^= 0xff
			}
			seen[pc] = true
			s := tseg{flags: ack, seq: isn + 1 + uint32(pc.from), data: string(payload), t: int64(2 + i)}
			p, data := s.packet(uint64(i + 2))
			a.Observe(&p, data)
		}
		a.Flush()
		if len(r.closed) != 1 {
			t.Fatalf("%d connections", len(r.closed))
		}
		if got := r.stream(0, ClientToServer); got != string(stream) {
			t.Fatalf("stream of %d bytes comes out as %d bytes (first diff at %d)", len(stream), len(got), firstDiff(got, string(stream)))
		}
		for _, l := range r.log {
			t.Fatal(l)
		}
		if st := a.Stats(); st.Memory != 0 {
			t.Fatalf("memory %d after Flush", st.Memory)
		}
	})
}

func firstDiff(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
