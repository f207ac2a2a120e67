package tcpreasm

import "github.com/pcapflow/pcapflow/internal/slotindex"

// The Assembler finds tracked connections through a slotindex.Index from
// the key's hash to the connection's slab slot; a candidate is confirmed
// by comparing the key the connection holds, which a hit reads anyway. Go's
// map with the full tuple as its key hashed and compared 56 bytes of
// addresses per packet.

// indexMin is the first size of an Assembler's index.
const indexMin = 1024

// find returns the slot of the connection with key k (hash h) in x, or -1.
func find(x *slotindex.Index, k *key, h uint32, s *connSlab) int32 {
	if x.Size() == 0 {
		return -1
	}
	for i := x.Start(h); ; i = x.Next(i) {
		e := x.At(i)
		if e.Empty() {
			return -1
		}
		if e.Hash == h && s.at(e.Slot()).k.Eq(k) {
			return e.Slot()
		}
	}
}
