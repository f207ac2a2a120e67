package input

import (
	"os"
	"slices"

	"github.com/pcapflow/pcapflow/pipeline"
)

// inputState is the Source's bookkeeping for one input. Counters are kept
// here per packet and copied into the shared Inputs table once per batch.
type inputState struct {
	name string
	id   pipeline.InputID
	file *os.File
	rd   *Reader

	packets, bytes int64
	linkTypes      []uint16
	lastLT         uint16
	haveLT         bool
	dirty          bool // counters changed since the last flush
	newLT          bool // linkTypes changed since the last flush
}

// count accounts for one delivered packet.
func (st *inputState) count(p *pipeline.Packet) {
	st.packets++
	st.bytes += int64(p.CapLen)
	st.dirty = true
	if st.haveLT && p.LinkType == st.lastLT {
		return
	}
	st.haveLT, st.lastLT = true, p.LinkType
	if !slices.Contains(st.linkTypes, p.LinkType) {
		st.linkTypes = append(st.linkTypes, p.LinkType)
		st.newLT = true
	}
}

// flush copies the counters into the Inputs table.
func (st *inputState) flush(tab *pipeline.Inputs) {
	if !st.dirty {
		return
	}
	var lts []uint16
	if st.newLT {
		lts = slices.Clone(st.linkTypes)
	}
	packets, bytes := st.packets, st.bytes
	tab.Update(st.id, func(in *pipeline.Input) {
		in.Packets, in.Bytes = packets, bytes
		if lts != nil {
			in.LinkTypes = lts
		}
	})
	st.dirty, st.newLT = false, false
}

// close releases the reader and the file.
func (st *inputState) close() {
	if st.rd != nil {
		st.rd.Close()
		st.rd = nil
	}
	if st.file != nil {
		_ = st.file.Close()
		st.file = nil
	}
}
