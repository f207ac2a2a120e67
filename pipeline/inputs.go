package pipeline

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// InputID names one input (file, stdin, interface, generator) of a run.
type InputID uint32

// Input describes one input of a run and what became of it.
type Input struct {
	// Name is the path as the user gave it ("-" for stdin).
	Name string
	// Format is "pcap", "pcapng", a generator name, or "" before it is known.
	Format string
	// Compression is "", "gzip" or "zstd".
	Compression string
	// Size is the size in bytes on disk (compressed), or 0 when unknown.
	Size int64
	// Packets and Bytes (captured) read from it.
	Packets, Bytes int64
	// LinkTypes seen, in order of first appearance.
	LinkTypes []uint16
	// Damage is the first place found broken, or nil. Damages counts
	// them all, SkippedBytes adds up the bytes passed over to read on
	// after them, and LastDamage is the last one when there are several.
	Damage       *Damage
	Damages      int
	SkippedBytes int64
	LastDamage   *Damage
}

// AddDamage records d, found after every damage recorded so far.
func (in *Input) AddDamage(d *Damage) {
	in.Damages++
	in.SkippedBytes += d.Skipped
	if in.Damage == nil {
		in.Damage = d
	} else {
		in.LastDamage = d
	}
}

// DamageText describes the input's damage: the first place, then how
// many there were and where reading stopped, when that was later.
func (in *Input) DamageText() string {
	if in.Damage == nil {
		return ""
	}
	s := in.Damage.Error()
	if in.Damages > 1 {
		s += fmt.Sprintf("; %d damaged places in all, %d bytes skipped", in.Damages, in.SkippedBytes)
		if l := in.LastDamage; l != nil && l.Skipped == 0 {
			s += "; reading stopped at the last, " + l.Error()
		}
	}
	return s
}

// ReadOn reports whether reading went on after the input's last damage
// (so every record that reads as one was delivered).
func (in *Input) ReadOn() bool {
	last := in.Damage
	if in.LastDamage != nil {
		last = in.LastDamage
	}
	return last != nil && last.Skipped > 0
}

// Damage says where and how an input was found broken.
type Damage struct {
	// Frame is the number of the frame that could not be read (1-based):
	// every frame before it was delivered.
	Frame uint64
	// Offset is the byte offset in the (decompressed) input where the damage starts.
	Offset int64
	// Err is the reason.
	Err error
	// Skipped is the number of bytes passed over to the next record that
	// reads as one, from which reading went on (that record is frame
	// Frame); 0 when reading stopped at the damage.
	Skipped int64
}

// Error returns "frame N at byte offset O: reason", and where reading went
// on when it did.
func (d *Damage) Error() string {
	s := fmt.Sprintf("frame %d at byte offset %d: %v", d.Frame, d.Offset, d.Err)
	if d.Skipped > 0 {
		s += fmt.Sprintf("; skipped %d bytes to the next readable record, at byte offset %d", d.Skipped, d.Offset+d.Skipped)
	}
	return s
}

// Unwrap returns the underlying reason.
func (d *Damage) Unwrap() error { return d.Err }

// InputError is an input that could not be read, with its name.
type InputError struct {
	Name string
	Err  error
}

// Error returns "NAME: reason".
func (e *InputError) Error() string { return e.Name + ": " + e.Err.Error() }

// Unwrap returns the underlying reason.
func (e *InputError) Unwrap() error { return e.Err }

// Inputs is the run-wide table of inputs; packets point into it by InputID.
// It is safe for concurrent use.
type Inputs struct {
	mu   sync.RWMutex
	list []*Input
	// ReadBytes counts input bytes consumed (compressed bytes for
	// compressed files), for progress.
	ReadBytes atomic.Int64
	// TotalBytes is the sum of known input sizes, for progress; 0 when unknown.
	TotalBytes atomic.Int64
}

// Add registers an input and returns its id.
func (t *Inputs) Add(in *Input) InputID {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.list = append(t.list, in)
	return InputID(len(t.list) - 1)
}

// Get returns the input with the given id.
func (t *Inputs) Get(id InputID) *Input {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.list[id]
}

// Name returns the name of input id, or "" when there is none.
func (t *Inputs) Name(id InputID) string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if int(id) >= len(t.list) {
		return ""
	}
	return t.list[id].Name
}

// Update runs f on input id under the table's lock.
func (t *Inputs) Update(id InputID, f func(*Input)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f(t.list[id])
}

// All returns a snapshot of every input, in the order they were added.
func (t *Inputs) All() []Input {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]Input, len(t.list))
	for i, in := range t.list {
		out[i] = *in
		out[i].LinkTypes = append([]uint16(nil), in.LinkTypes...)
	}
	return out
}

// Damaged returns the inputs that were found broken.
func (t *Inputs) Damaged() []Input {
	var out []Input
	for _, in := range t.All() {
		if in.Damage != nil {
			out = append(out, in)
		}
	}
	return out
}

// originFrameBits is the width of the frame number in an origin word (the
// input number takes the other 24 bits).
const originFrameBits = 40

// PackOrigin packs where a packet was captured — its input and its frame
// number there (below 2^40) — into one word, for state that must name a
// packet without keeping it (e.g. a PFCP session's first request).
func PackOrigin(frame uint64, input InputID) uint64 {
	return frame&(1<<originFrameBits-1) | uint64(input)<<originFrameBits
}

// UnpackOrigin is PackOrigin's inverse.
func UnpackOrigin(o uint64) (frame uint64, input InputID) {
	return o & (1<<originFrameBits - 1), InputID(o >> originFrameBits)
}
