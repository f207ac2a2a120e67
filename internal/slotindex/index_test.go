package slotindex

import (
	"math/rand/v2"
	"testing"
)

// model drives an Index the way its users do: objects[slot] is the key of
// the object in slot, and want maps each indexed key to its slot.
type model struct {
	x       Index
	objects []uint64
	want    map[uint64]int32
	hash    func(uint64) uint32
}

func newModel(min int, hash func(uint64) uint32) *model {
	m := &model{want: map[uint64]int32{}, hash: hash}
	m.x.Init(min)
	return m
}

// lookup is the caller's probe loop: the position of k, or the empty
// position where it would go.
func (m *model) lookup(k uint64) (uint32, bool) {
	x := &m.x
	if x.Size() == 0 {
		return 0, false
	}
	h := m.hash(k)
	for i := x.Start(h); ; i = x.Next(i) {
		e := x.At(i)
		if e.Empty() {
			return i, false
		}
		if e.Hash == h && m.objects[e.Slot()] == k {
			return i, true
		}
	}
}

// op applies one operation on key k: 0 adds with Add, 1 with
// Reserve+InsertAt (or SetSlot to a new object), 2 with Insert, 3 removes
// by slot, 4 removes at the found position.
func (m *model) op(t *testing.T, step, op int, k uint64) {
	t.Helper()
	h := m.hash(k)
	_, in := m.want[k]
	switch op {
	case 0, 2:
		if in {
			return
		}
		slot := int32(len(m.objects))
		m.objects = append(m.objects, k)
		if op == 0 {
			m.x.Add(h, slot)
		} else {
			if m.x.Size() == 0 {
				m.x.Grow()
			}
			pos, found := m.lookup(k)
			if found {
				t.Fatalf("step %d: absent key %d found", step, k)
			}
			m.x.Insert(pos, h, slot)
		}
		m.want[k] = slot
	case 1:
		slot := int32(len(m.objects))
		m.objects = append(m.objects, k)
		m.x.Reserve()
		pos, found := m.lookup(k)
		if found != in {
			t.Fatalf("step %d: lookup of %d says %v, model %v", step, k, found, in)
		}
		if found {
			m.objects[m.x.At(pos).Slot()] = ^k // the old object lets go of the key
			m.x.SetSlot(pos, slot)
		} else {
			m.x.InsertAt(pos, h, slot)
		}
		m.want[k] = slot
	case 3:
		slot, ok := m.want[k]
		if !ok {
			slot = int32(len(m.objects)) // never indexed
		}
		if got := m.x.Remove(h, slot); got != ok {
			t.Fatalf("step %d: Remove of %d says %v, model %v", step, k, got, ok)
		}
		delete(m.want, k)
	case 4:
		pos, found := m.lookup(k)
		if found != in {
			t.Fatalf("step %d: lookup of %d says %v, model %v", step, k, found, in)
		}
		if found {
			if p, ok := m.x.Position(h, m.x.At(pos).Slot()); !ok || p != pos {
				t.Fatalf("step %d: Position = %d %v, lookup found %d", step, p, ok, pos)
			}
			m.x.RemoveAt(pos)
			delete(m.want, k)
		}
	}
	_, in = m.want[k]
	if _, ok := m.lookup(k); ok != in {
		t.Fatalf("step %d: key %d found %v after the operation, model %v", step, k, ok, in)
	}
}

// check compares every key the model knows, and the count, with x.
func (m *model) check(t *testing.T, step int) {
	t.Helper()
	if m.x.Len() != len(m.want) {
		t.Fatalf("step %d: Len %d, model %d", step, m.x.Len(), len(m.want))
	}
	if 2*m.x.Len() > m.x.Size() {
		t.Fatalf("step %d: %d entries in %d positions", step, m.x.Len(), m.x.Size())
	}
	for k, slot := range m.want {
		pos, ok := m.lookup(k)
		if !ok || m.x.At(pos).Slot() != slot {
			t.Fatalf("step %d: key %d at %d %v, model slot %d", step, k, pos, ok, slot)
		}
	}
}

func TestIndexOps(t *testing.T) {
	id := func(k uint64) uint32 { return uint32(k) }
	same := func(uint64) uint32 { return 7 }
	for _, tt := range []struct {
		name string
		min  int
		hash func(uint64) uint32
		ops  [][2]int // op, key
	}{
		{"add and remove", 4, id, [][2]int{{0, 1}, {0, 2}, {3, 1}, {3, 2}, {3, 2}}},
		{"one home", 4, same, [][2]int{{0, 1}, {0, 2}, {0, 3}, {3, 1}, {4, 2}, {0, 4}, {3, 3}}},
		{"wrap", 4, func(k uint64) uint32 { return 3 }, [][2]int{{0, 1}, {0, 2}, {4, 1}, {0, 5}, {3, 2}}},
		{"overwrite", 2, id, [][2]int{{1, 9}, {1, 9}, {1, 10}, {3, 9}, {1, 9}}},
		{"insert grows", 2, id, [][2]int{{2, 1}, {2, 2}, {2, 3}, {2, 4}, {2, 5}, {4, 3}}},
		{"remove from empty", 0, id, [][2]int{{3, 1}, {4, 1}, {0, 1}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := newModel(tt.min, tt.hash)
			for i, o := range tt.ops {
				m.op(t, i, o[0], uint64(o[1]))
				m.check(t, i)
			}
		})
	}
}

// TestIndexAgainstMap runs random operations over a small key space, with
// hashes that collide on purpose (few distinct values, so that runs are
// long, wrap around and shift back) and with well-spread ones.
func TestIndexAgainstMap(t *testing.T) {
	for _, distinct := range []uint64{1, 5, 1 << 32} {
		hash := func(k uint64) uint32 { return uint32((k * 0x9e3779b97f4a7c15 >> 32) % distinct) }
		rng := rand.New(rand.NewPCG(3, distinct))
		m := newModel(8, hash)
		steps := 20000
		if distinct == 1 {
			steps = 3000 // every probe walks the whole run
		}
		for step := range steps {
			m.op(t, step, rng.IntN(5), rng.Uint64N(500))
			if step%16 == 0 {
				m.check(t, step)
			}
		}
	}
}

// TestReset checks that Reset empties the index and keeps its table.
func TestReset(t *testing.T) {
	m := newModel(4, func(k uint64) uint32 { return uint32(k) })
	for k := range uint64(40) {
		m.op(t, int(k), 0, k)
	}
	m.check(t, 0)
	size := m.x.Size()
	m.x.Reset()
	m.want = map[uint64]int32{}
	m.check(t, 0)
	if m.x.Size() != size {
		t.Fatalf("Reset changed the size from %d to %d", size, m.x.Size())
	}
	m.op(t, 1, 0, 3)
	m.check(t, 1)
}

func TestInit(t *testing.T) {
	for _, tt := range []struct{ min, size int }{{-1, 2}, {0, 2}, {3, 4}, {256, 256}, {1000, 1024}} {
		var x Index
		x.Init(tt.min)
		x.Grow()
		if x.Size() != tt.size {
			t.Errorf("Init(%d): size %d, want %d", tt.min, x.Size(), tt.size)
		}
	}
	var x Index
	x.Grow()
	if x.Size() != DefaultMin {
		t.Errorf("zero Index: size %d, want %d", x.Size(), DefaultMin)
	}
}

// FuzzIndex applies the operations a byte string spells (two bytes each:
// operation and key) with hashes of few distinct values.
func FuzzIndex(f *testing.F) {
	f.Add([]byte{0, 1, 0, 2, 3, 1, 4, 2}, uint8(3))
	f.Add([]byte{1, 5, 1, 5, 2, 6, 2, 7, 4, 6}, uint8(0))
	f.Fuzz(func(t *testing.T, ops []byte, distinct uint8) {
		d := uint32(distinct) + 1
		m := newModel(int(distinct%8), func(k uint64) uint32 { return uint32(k*2654435761) % d })
		for i := 0; i+1 < len(ops); i += 2 {
			m.op(t, i/2, int(ops[i]%5), uint64(ops[i+1]%64))
			m.check(t, i/2)
		}
	})
}
