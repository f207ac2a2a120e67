package parquet

import (
	"math"
	"net/netip"

	"github.com/pcapflow/pcapflow/decoders/flows"
	"github.com/pcapflow/pcapflow/internal/chunked"
)

// flowSlotsMax bounds a flowCache (64 bytes per slot): the flows in higher
// slots, only met with more flows tracked at once, are not cached.
const flowSlotsMax = 1 << 18

// flowEntry is a flowCache entry, one cache line: the dictionary indices of
// one flow's values in the current row group, -1 until known. Side 0 is the
// originator's packets, side 1 the responder's.
type flowEntry struct {
	id   uint64 // flow id
	gen  uint32 // row group generation
	comm int32
	// addr holds the index of each side's own address in the dictionary
	// src_ip and dst_ip share: a flow's packets carry its two addresses,
	// the sender's first (see flows.Table.Observe), so a side's address is
	// the src_ip of its packets and the dst_ip of the other side's.
	addr [2]int32
	// mac holds the hardware addresses seen with the originator (0) and
	// the responder (1) as sender, and macIdx their indices in the
	// dictionary eth_src and eth_dst share; a flow whose frames carry
	// others is looked up per row.
	macIdx [2]int32
	dir    [2]int16
	mac    [2][6]byte
}

// flowCache finds the dictionary indices of a packet row's flow-bound
// columns (addresses, hardware addresses, Community ID, direction) in one
// entry per flow, indexed by the flow table's slot (see flows.Table.Slot):
// the packets of a flow repeat the same values, and the columns' own hash
// tables, spread over megabytes, cost a cache miss per column and row; they
// are only consulted for a flow's first rows in a row group. A flow's
// addresses, Community ID and direction names are fixed by its id and the
// packet's side; its hardware addresses are compared with the row's.
type flowCache struct {
	// entries is indexed by slot; it grows without copying.
	entries chunked.Array[flowEntry]
}

// get returns the entry of the flow in slot (id id) for row group gen,
// or nil when the slot is not cached.
func (c *flowCache) get(slot int32, id uint64, gen uint32) *flowEntry {
	if slot < 0 || slot >= flowSlotsMax {
		return nil
	}
	c.entries.Grow(int(slot))
	e := c.entries.At(int(slot))
	if e.id != id || e.gen != gen {
		*e = flowEntry{id: id, gen: gen, comm: -1, dir: [2]int16{-1, -1}, addr: [2]int32{-1, -1}, macIdx: [2]int32{-1, -1}}
	}
	return e
}

// touch loads the entries of the flows in the slots of pcs, so that the
// rows appended next find them in cache: these loads are independent and
// overlap, where each row's own lookup waits for its miss in turn. The
// sum only keeps the loads.
func (c *flowCache) touch(pcs []PacketContext) (sum uint64) {
	n := c.entries.Len()
	for i := range pcs {
		if s := int(pcs[i].FlowSlot); s >= 0 && s < n {
			sum += c.entries.At(s).id
		}
	}
	return sum
}

// touchFlows is flowCache.touch for f's packets table (0 without a flow
// cache).
func (f *file) touchFlows(pcs []PacketContext) uint64 {
	if a, ok := f.packets.(*packetsAppender); ok && a.flows != nil {
		return a.flows.touch(pcs)
	}
	return 0
}

// sideOf returns the entry side of direction d.
func sideOf(d flows.Direction) int {
	if d == flows.DirResp {
		return 1
	}
	return 0
}

// appendFlowMACs appends the row's hardware addresses through e (side s):
// the sender's is the side's own, the receiver's the other side's.
func (a *packetsAppender) appendFlowMACs(e *flowEntry, s int, src, dst [6]byte) {
	a.ethSrc.appendIndex(a.flowMAC(e, s, src, &a.ethSrc))
	a.ethDst.appendIndex(a.flowMAC(e, 1-s, dst, &a.ethDst))
}

// flowMAC returns the index of m as side s's hardware address, kept in e
// when m is the side's (or the first the side shows); c is the column the
// row puts it in.
func (a *packetsAppender) flowMAC(e *flowEntry, s int, m [6]byte, c *macColumn) int32 {
	idx := &e.macIdx[s]
	if e.mac[s] != m {
		if *idx >= 0 {
			// The side showed another address: not kept.
			return c.index(m, a.scratch[:])
		}
		e.mac[s] = m
	}
	if *idx < 0 {
		*idx = c.index(m, a.scratch[:])
	}
	return *idx
}

// appendFlowAddrs appends the row's IP addresses through e (side s).
func (a *packetsAppender) appendFlowAddrs(e *flowEntry, s int, src, dst netip.Addr) {
	if e.addr[s] < 0 {
		e.addr[s] = a.srcIP.index(src, a.scratch[:])
	}
	a.srcIP.appendIndex(e.addr[s])
	if e.addr[1-s] < 0 {
		e.addr[1-s] = a.dstIP.index(dst, a.scratch[:])
	}
	a.dstIP.appendIndex(e.addr[1-s])
}

// appendFlowNames appends the row's Community ID and direction through e
// (side s, direction dir).
func (a *packetsAppender) appendFlowNames(e *flowEntry, s int, comm string, dir flows.Direction) {
	if e.comm < 0 {
		e.comm = a.communityID.index(comm)
	}
	a.communityID.appendIndex(e.comm)
	if e.dir[s] < 0 {
		i := a.direction.index(dir.String())
		if i > math.MaxInt16 {
			a.direction.appendIndex(i)
			return
		}
		e.dir[s] = int16(i)
	}
	a.direction.appendIndex(int32(e.dir[s]))
}
