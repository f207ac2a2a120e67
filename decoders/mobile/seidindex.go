package mobile

import (
	"math/bits"
	"math/rand/v2"

	"github.com/pcapflow/pcapflow/internal/slotindex"
)

// seidIndex finds a session by the SEID key of a message: (sender node,
// receiver node, header SEID). Its entries are 8 bytes, a key's hash and
// the session's index times two plus the key's direction (0: CP to UP,
// which carries the UP SEID; 1: UP to CP, the CP SEID), and a candidate
// is confirmed by comparing the key with the session's, which the caller
// reads next anyway: most messages are looked up here, and a Go map's
// larger entries missed the cache more. A key has at most one entry; a
// later session announcing the same key takes the entry over.
type seidIndex struct {
	x    slotindex.Index
	seed uint64
}

func newSEIDIndex() seidIndex { return seidIndex{seed: rand.Uint64()} }

// hash mixes k with the index's seed (a multiply-fold, as in wyhash), so
// that crafted SEIDs cannot be chosen to collide.
func (ix *seidIndex) hash(k seidKey) uint32 {
	hi, lo := bits.Mul64(k.seid^ix.seed, uint64(k.src)<<32|uint64(k.dst)^0x9e3779b97f4a7c15)
	x := hi ^ lo
	return uint32(x ^ x>>32)
}

// matches reports whether entry slot (session and direction) has key k.
func (t *PFCPTable) matches(slot int32, k seidKey) bool {
	ss := t.sessions.At(int(slot >> 1))
	if slot&1 == 0 {
		return ss.HasUPSEID && ss.UPSEID == k.seid && ss.cp == k.src && ss.up == k.dst
	}
	return ss.HasCPSEID && ss.CPSEID == k.seid && ss.up == k.src && ss.cp == k.dst
}

// seidPos returns the position of k's entry (hash h), or of the empty
// entry where it would go.
func (t *PFCPTable) seidPos(k seidKey, h uint32) (uint32, bool) {
	x := &t.bySEID.x
	if x.Size() == 0 {
		return 0, false
	}
	for i := x.Start(h); ; i = x.Next(i) {
		e := x.At(i)
		if e.Empty() {
			return i, false
		}
		if e.Hash == h && t.matches(e.Slot(), k) {
			return i, true
		}
	}
}

// findSEID returns the session with SEID key k.
func (t *PFCPTable) findSEID(k seidKey) (int32, bool) {
	i, ok := t.seidPos(k, t.bySEID.hash(k))
	if !ok {
		return -1, false
	}
	return t.bySEID.x.At(i).Slot() >> 1, true
}

// setSEID makes SEID key k, session i's key in direction dir, refer to
// session i.
func (t *PFCPTable) setSEID(k seidKey, i int32, dir int32) {
	h := t.bySEID.hash(k)
	t.bySEID.x.Reserve()
	if pos, ok := t.seidPos(k, h); ok {
		t.bySEID.x.SetSlot(pos, i<<1|dir)
	} else {
		t.bySEID.x.InsertAt(pos, h, i<<1|dir)
	}
}
