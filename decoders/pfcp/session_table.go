package pfcp

import (
	"math/bits"

	"github.com/pcapflow/pcapflow/internal/slotindex"
)

// idTable maps keys to int32 values (slot indexes) for the Correlator.
//
// The Correlator adds and drops keys all the time (every session adds
// and later drops a few), with a steady number live. A Go map keeps the
// slots of dropped keys as tombstones until it grows, and lookups of
// absent keys then probe long runs of them; with millions of sessions
// those probes were half of the Correlator's time. This table uses linear
// probing, stays at most half full and moves later entries back when a
// key is dropped (no tombstones), so a probe touches one or two slots.
//
// Hashes come from the caller (see seed.hash): every operation takes the
// key's hash, and the table keeps it per slot for growing and dropping.
type idTable[K comparable] struct {
	slots []idSlot[K]
	mask  uint32
	n     int
}

type idSlot[K comparable] struct {
	key  K
	hash uint32
	val  int32
	used bool
}

// len returns the number of keys.
func (t *idTable[K]) len() int { return t.n }

// find returns k's slot, or the empty slot where it would go.
func (t *idTable[K]) find(k K, h uint32) (uint32, bool) {
	if t.slots == nil {
		return 0, false
	}
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if !s.used {
			return i, false
		}
		if s.hash == h && s.key == k {
			return i, true
		}
	}
}

// get returns k's value.
func (t *idTable[K]) get(k K, h uint32) (int32, bool) {
	i, ok := t.find(k, h)
	if !ok {
		return 0, false
	}
	return t.slots[i].val, true
}

// claim returns a pointer to k's value, adding k with value -1 when it is
// absent (added is then true). The pointer is valid until the table
// changes again.
func (t *idTable[K]) claim(k K, h uint32) (v *int32, added bool) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	i, ok := t.find(k, h)
	s := &t.slots[i]
	if !ok {
		*s = idSlot[K]{key: k, hash: h, val: -1, used: true}
		t.n++
	}
	return &s.val, !ok
}

// put sets k's value to v.
func (t *idTable[K]) put(k K, h uint32, v int32) {
	p, _ := t.claim(k, h)
	*p = v
}

// remove drops k and reports whether it was there.
func (t *idTable[K]) remove(k K, h uint32) bool {
	i, ok := t.find(k, h)
	if ok {
		t.removeAt(i)
	}
	return ok
}

// removeAt empties slot i and moves back the entries after it that may
// take its place (their home slot is not between i and them), so that
// no probe sequence has a hole.
func (t *idTable[K]) removeAt(i uint32) {
	m := t.mask
	for j := (i + 1) & m; t.slots[j].used; j = (j + 1) & m {
		if home := t.slots[j].hash & m; (j-home)&m >= (j-i)&m {
			t.slots[i] = t.slots[j]
			i = j
		}
	}
	t.slots[i] = idSlot[K]{}
	t.n--
}

// grow doubles the table (from 64 slots).
func (t *idTable[K]) grow() {
	old := t.slots
	t.slots = make([]idSlot[K], max(64, 2*len(old)))
	clear(t.slots) // see slotindex.Index.Grow
	t.mask = uint32(len(t.slots) - 1)
	for i := range old {
		if s := &old[i]; s.used {
			j := s.hash & t.mask
			for t.slots[j].used {
				j = (j + 1) & t.mask
			}
			t.slots[j] = *s
		}
	}
}

// The Correlator finds objects that hold their own keys (sessions,
// pending establishments) through slotindex.Index, whose entries are only
// a key's hash and the object's slot; the lookups below confirm a
// candidate by comparing the object's key inline. The indexes stay at
// most half full: at three quarters, the longer probe runs and shift-backs
// made the Correlator of a 200k-message seids run execute 28% more
// instructions, and it missed a 1 MiB cache slightly more despite the
// smaller tables.

// indexMin is the first size of the Correlator's indexes.
const indexMin = 256

// findPending returns the position in c.pending of the live establishment
// exchange k (hash h), or of the empty entry where it would go.
func (c *Correlator) findPending(k exchKey, h uint32) (uint32, bool) {
	x := &c.pending
	if x.Size() == 0 {
		return 0, false
	}
	for i := x.Start(h); ; i = x.Next(i) {
		e := x.At(i)
		if e.Empty() {
			return i, false
		}
		if e.Hash == h {
			if p := c.pendAt(e.Slot()); p.key == k && p.live {
				return i, true
			}
		}
	}
}

// findPair returns the position in c.byPair of the session with pair key
// k (hash h), or of the empty entry where it would go.
func (c *Correlator) findPair(k pairKey, h uint32) (uint32, bool) {
	x := &c.byPair
	if x.Size() == 0 {
		return 0, false
	}
	for i := x.Start(h); ; i = x.Next(i) {
		e := x.At(i)
		if e.Empty() {
			return i, false
		}
		if e.Hash == h && c.sessions.at(e.Slot()).pair() == k {
			return i, true
		}
	}
}

// findSEID returns the session slot with SEID key k: a live session's,
// else a deleted one's. Most messages are looked up here.
func (c *Correlator) findSEID(k seidKey) (int32, bool) {
	h := c.seed.seid(k)
	if i, ok := c.seidPos(&c.bySEID, k, h); ok {
		return c.bySEID.At(i).Slot(), true
	}
	if c.gone.listed.len() > 0 {
		c.applyRetirements()
	}
	if c.gone.x.Len() > 0 {
		if i, ok := c.seidPos(&c.gone.x, k, h); ok {
			return c.gone.x.At(i).Slot(), true
		}
	}
	return -1, false
}

// seidPos returns the position in x (c.bySEID or c.gone) of the session
// with SEID key k (hash h), or of the empty entry where it would go.
func (c *Correlator) seidPos(x *slotindex.Index, k seidKey, h uint32) (uint32, bool) {
	if x.Size() == 0 {
		return 0, false
	}
	for i := x.Start(h); ; i = x.Next(i) {
		e := x.At(i)
		if e.Empty() {
			return i, false
		}
		if e.Hash == h && c.sessions.at(e.Slot()).has(k) {
			return i, true
		}
	}
}

// setSEID makes SEID key k (hash h) of x refer to session slot si.
func (c *Correlator) setSEID(x *slotindex.Index, k seidKey, h uint32, si int32) {
	x.Reserve()
	if i, ok := c.seidPos(x, k, h); ok {
		x.SetSlot(i, si)
	} else {
		x.InsertAt(i, h, si)
	}
}

// seed keys the Correlator's hashes, so that crafted SEIDs and sequence
// numbers cannot be chosen to collide. Lookups never depend on the order
// of keys, so output does not depend on the seed.
type seed uint64

// hash mixes two words with the seed (a multiply-fold, as in wyhash) to 32 bits.
func (s seed) hash(a, b uint64) uint32 {
	hi, lo := bits.Mul64(a^uint64(s), b^0x9e3779b97f4a7c15)
	x := hi ^ lo
	return uint32(x ^ x>>32)
}

func (s seed) exch(k exchKey) uint32 {
	return s.hash(uint64(k.a)<<32|uint64(k.b), uint64(k.seq))
}

func (s seed) seid(k seidKey) uint32 {
	return s.hash(k.seid, uint64(k.src)<<32|uint64(k.dst))
}

func (s seed) pair(k pairKey) uint32 {
	var flags uint64
	if k.cpSEID.Valid {
		flags |= 1
	}
	if k.upSEID.Valid {
		flags |= 2
	}
	return s.hash(k.cpSEID.SEID^uint64(k.cp)<<32^uint64(k.up), k.upSEID.SEID^flags<<62)
}

func (s seed) ref(r uint64) uint32 { return s.hash(r, 0) }
