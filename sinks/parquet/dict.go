package parquet

import (
	"encoding/binary"
	"hash/maphash"
	"net/netip"

	"github.com/pcapflow/pcapflow/internal/splitmix"
)

// Dictionary columns. The packets table's string columns repeat a few
// values (the input's name, the two directions) or one value per flow or
// host (Community ID, addresses) over many rows. They are built as int32
// indices into a dictionary of the row group's distinct values, in order of
// first use, and written as Parquet dictionary pages plus RLE-encoded
// indices (see writeDictColumn): the value bytes are formatted, copied and
// compressed once per row group instead of once per row. A value is found
// in the dictionary by its key (the address, the hardware address, the
// string) in an open-addressing table; pcapflow writes the dictionary and
// index pages itself, so arrow-go's dictionary encoder, which hashes every
// value again, never sees them. The Arrow schema stored in the file still
// says string, and readers see plain strings.

// dictPageLimit bounds a row group's dictionary, counted as Parquet counts
// a dictionary page: the value bytes plus four per value. A dictionary that
// would reach it takes no more keys: the row group's values not in it yet
// are appended once per row, and the column chunk is written plain (see
// dictValues.dense).
const dictPageLimit = 1 << 20

// dictSeed seeds the hash of string keys; values are numbered in order of
// first use, so the seed never shows in the output.
var dictSeed = maphash.MakeSeed()

// dictValues are the values of one dictionary column's current row group,
// back to back in order of first use: value i is vals[offs[i]:offs[i+1]].
// The encoder reads a snapshot (a prefix) while the sink's goroutine
// appends more, so both slices only ever grow in place; a new row group
// starts new ones.
type dictValues struct {
	vals  []byte
	offs  []int32
	size  int    // Parquet's count: len(vals) + 4*values
	gen   uint32 // row group generation, from 1
	dense bool   // the dictionary is full: new values are appended per row
}

// dictSnap is a snapshot of a dictionary column, taken when a record is
// handed to the encoder: the values its indices point to.
type dictSnap struct {
	vals  []byte
	offs  []int32
	gen   uint32
	dense bool
}

// len returns the number of values in s.
func (s *dictSnap) len() int { return max(len(s.offs)-1, 0) }

// value returns value i of s.
func (s *dictSnap) value(i int32) []byte { return s.vals[s.offs[i]:s.offs[i+1]:s.offs[i+1]] }

// snapshot returns the values so far.
func (d *dictValues) snapshot() dictSnap {
	return dictSnap{vals: d.vals, offs: d.offs, gen: d.gen, dense: d.dense}
}

// restart begins the dictionary of a new row group, in new slices sized
// like the last one (the encoder may still read those).
func (d *dictValues) restart() {
	d.vals = make([]byte, 0, max(cap(d.vals), 64))
	d.offs = append(make([]int32, 0, max(cap(d.offs), 16)), 0)
	d.size, d.dense = 0, false
	d.gen++
}

// bytesOrString is a value's bytes.
type bytesOrString interface{ ~string | ~[]byte }

// addValue appends value v to d and returns its index. It reports false,
// adding nothing, when v would fill the dictionary.
func addValue[V bytesOrString](d *dictValues, v V) (int32, bool) {
	if d.size+len(v)+4 >= dictPageLimit {
		return 0, false
	}
	d.size += len(v) + 4
	return pushValue(d, v), true
}

// pushValue appends v to d unconditionally.
func pushValue[V bytesOrString](d *dictValues, v V) int32 {
	d.vals = append(d.vals, v...)
	d.offs = append(d.offs, int32(len(d.vals)))
	return int32(len(d.offs) - 2)
}

// dictSlot is an entry of a keyedDict's table: a key and its value's
// index, valid in row group gen only.
type dictSlot[K comparable] struct {
	key K
	gen uint32
	idx int32
}

// dictKey is a key type of a keyedDict: the value it stands for is
// formatted once, when the key is first met in a row group.
type dictKey interface {
	comparable
	hash() uint64
}

// keyedDict is the dictionary of one or two columns (a pair such as
// src_ip and dst_ip shares one, see dictCol.bind): the row group's values
// and the table from keys to their indices. A new row group invalidates
// every slot at once by moving to the next generation.
type keyedDict[K dictKey] struct {
	dictValues
	slots   []dictSlot[K]
	shift   uint // 64 - log2(len(slots))
	n       int  // slots of the current generation
	last    K    // the key looked up last, and its index
	lastIdx int32
	hasLast bool
}

func newKeyedDict[K dictKey]() *keyedDict[K] {
	d := &keyedDict[K]{}
	d.slots, d.shift = make([]dictSlot[K], 64), 64-6
	d.restart()
	return d
}

// reset starts a new row group.
func (d *keyedDict[K]) reset() {
	d.restart()
	if d.gen == 0 {
		// Generations wrapped: no stale slot may look current.
		clear(d.slots)
		d.gen = 1
	}
	d.n, d.hasLast = 0, false
}

// values returns the column's dictionary.
func (d *keyedDict[K]) values() *dictValues { return &d.dictValues }

// lookup returns the index of k's value and true, or the slot where k
// belongs and false. Once the dictionary is full it only remembers the key
// looked up last: the column chunk is then written plain, so a value met
// again is appended again (see insert) rather than searched for, which on
// a row group of mostly distinct values (a SYN flood's addresses) costs a
// cache miss per row for nothing.
func (d *keyedDict[K]) lookup(k K) (int32, *dictSlot[K], bool) {
	if d.hasLast && d.last == k {
		return d.lastIdx, nil, true
	}
	if d.dense {
		return 0, nil, false
	}
	mask := len(d.slots) - 1
	for i := int(k.hash() >> d.shift); ; i = (i + 1) & mask {
		s := &d.slots[i]
		if s.gen != d.gen {
			return 0, s, false
		}
		if s.key == k {
			d.last, d.lastIdx, d.hasLast = k, s.idx, true
			return s.idx, nil, true
		}
	}
}

// insert adds k, whose value is v, at slot s (from lookup) and returns the
// value's index. Once the dictionary is full, values are appended without
// a slot, a copy per row (but for a repeat of the key looked up last).
func insert[K dictKey, V bytesOrString](d *keyedDict[K], s *dictSlot[K], k K, v V) int32 {
	idx, ok := int32(0), false
	if !d.dense {
		idx, ok = addValue(&d.dictValues, v)
		d.dense = !ok
	}
	if d.dense {
		idx = pushValue(&d.dictValues, v)
		d.last, d.lastIdx, d.hasLast = k, idx, true
		return idx
	}
	*s = dictSlot[K]{key: k, gen: d.gen, idx: idx}
	d.last, d.lastIdx, d.hasLast = k, idx, true
	if d.n++; d.n*2 > len(d.slots) {
		d.grow()
	}
	return idx
}

// grow doubles the table, keeping the current generation's slots.
func (d *keyedDict[K]) grow() {
	old := d.slots
	d.slots = make([]dictSlot[K], 2*len(old))
	// Memory fresh from the system is not written by make: writing it
	// all now faults each page in once, where reading a slot first (as
	// the loop below and lookup do) would map the zero page and fault
	// again, with a TLB flush on every core, at the first write.
	clear(d.slots)
	d.shift--
	mask := len(d.slots) - 1
	for _, s := range old {
		if s.gen != d.gen {
			continue
		}
		i := int(s.key.hash() >> d.shift)
		for d.slots[i].gen == d.gen {
			i = (i + 1) & mask
		}
		d.slots[i] = s
	}
}

// strKey is the key of a string value: the string itself.
type strKey string

func (k strKey) hash() uint64 { return maphash.String(dictSeed, string(k)) }

// macKey is a hardware address in the low 48 bits.
type macKey uint64

func (k macKey) hash() uint64 { return splitmix.Mix(uint64(k)) }

// addrKey is an IP address.
type addrKey netip.Addr

func (k addrKey) hash() uint64 {
	b := netip.Addr(k).As16()
	h := splitmix.Mix(binary.LittleEndian.Uint64(b[:8]) ^ splitmix.Mix(binary.LittleEndian.Uint64(b[8:])))
	if netip.Addr(k).Is4() {
		h ^= 0x9e3779b97f4a7c15
	}
	return h
}

// dictColumn is what a file needs of a dictionary column: its values, to
// hand snapshots to the encoder, and a way to start a new row group.
type dictColumn interface {
	values() *dictValues
	reset()
}

// Compile-time checks.
var (
	_ dictColumn = (*keyedDict[strKey])(nil)
	_ dictColumn = (*keyedDict[macKey])(nil)
	_ dictColumn = (*keyedDict[addrKey])(nil)
)
