package stats

import (
	"net/netip"

	"github.com/pcapflow/pcapflow/decoders/flows"
	"github.com/pcapflow/pcapflow/pipeline"
)

// protoCount is the packets and captured bytes of one protocol path.
type protoCount struct {
	packets, bytes int64
}

// convKey is a conversation's canonical tuple: (a, aPort) is the lower end.
type convKey struct {
	a, b         netip.Addr
	aPort, bPort uint16
	proto        uint8
}

// convCount is what a conversation carried, in both directions.
type convCount struct {
	packets, bytes     int64 // both directions; bytes on the wire
	packetsAB, bytesAB int64 // from a to b
	first, last        int64
}

func (c *convCount) add(o convCount) {
	if c.packets == 0 || o.first < c.first {
		c.first = o.first
	}
	if o.last > c.last {
		c.last = o.last
	}
	c.packets += o.packets
	c.bytes += o.bytes
	c.packetsAB += o.packetsAB
	c.bytesAB += o.bytesAB
}

// tcpCounts are TCP analysis totals.
type tcpCounts struct {
	connections                         int64
	retrans, fast, spurious, outOfOrder int64
	dupAcks, zeroWindows, keepAlives    int64
	states                              map[string]int64
}

func (t *tcpCounts) addRecord(r *flows.Record) {
	t.connections++
	for _, s := range []*flows.Side{&r.OrigSide, &r.RespSide} {
		t.retrans += int64(s.Retransmissions)
		t.fast += int64(s.FastRetransmissions)
		t.spurious += int64(s.SpuriousRetransmissions)
		t.outOfOrder += int64(s.OutOfOrder)
		t.dupAcks += int64(s.DupAcks)
		t.zeroWindows += int64(s.ZeroWindows)
		t.keepAlives += int64(s.KeepAlives)
	}
	if t.states == nil {
		t.states = map[string]int64{}
	}
	t.states[r.ConnState]++
}

func (t *tcpCounts) add(o *tcpCounts) {
	t.connections += o.connections
	t.retrans += o.retrans
	t.fast += o.fast
	t.spurious += o.spurious
	t.outOfOrder += o.outOfOrder
	t.dupAcks += o.dupAcks
	t.zeroWindows += o.zeroWindows
	t.keepAlives += o.keepAlives
	for k, v := range o.states {
		if t.states == nil {
			t.states = map[string]int64{}
		}
		t.states[k] += v
	}
}

// acc accumulates the statistics of one input (or of the total).
type acc struct {
	packets, bytes, wire int64
	first, last          int64
	tsDigits             uint8
	maxCapLen            uint32
	cut                  int64 // CapLen < OrigLen
	malformed, truncHdr  int64
	unknownLink          int64
	linkTypes            map[uint16]int64
	linkOrder            []uint16 // in order of first appearance
	protos               map[path]*protoCount
	convs                map[convKey]*convCount
	tcp                  tcpCounts
	table                *flows.Table
	frags                flows.FragmentStats // the table's, once finished
}

func newAcc() *acc {
	a := &acc{linkTypes: map[uint16]int64{}, protos: map[path]*protoCount{}, convs: map[convKey]*convCount{}}
	a.table = flows.NewTable(flows.Options{Emit: a.record})
	return a
}

// observe accounts for one packet with captured bytes data.
func (a *acc) observe(p *pipeline.Packet, data []byte) {
	if a.packets == 0 || p.Timestamp < a.first {
		a.first = p.Timestamp
	}
	if a.packets == 0 || p.Timestamp > a.last {
		a.last = p.Timestamp
	}
	a.packets++
	a.bytes += int64(p.CapLen)
	a.wire += int64(p.OrigLen)
	a.tsDigits = max(a.tsDigits, p.TsDigits)
	a.maxCapLen = max(a.maxCapLen, p.CapLen)
	if p.CapLen < p.OrigLen {
		a.cut++
	}
	if n, ok := a.linkTypes[p.LinkType]; ok {
		a.linkTypes[p.LinkType] = n + 1
	} else {
		a.linkTypes[p.LinkType] = 1
		a.linkOrder = append(a.linkOrder, p.LinkType)
	}
	d := &p.Decoded
	if d.Flags.Has(pipeline.FlagMalformed) {
		a.malformed++
	}
	if d.Flags.Has(pipeline.FlagTruncated) {
		a.truncHdr++
	}
	if d.Flags.Has(pipeline.FlagUnknownLink) {
		a.unknownLink++
	}
	pp := protoPath(d, p.LinkType)
	pc := a.protos[pp]
	if pc == nil {
		pc = &protoCount{}
		a.protos[pp] = pc
	}
	pc.packets++
	pc.bytes += int64(p.CapLen)
	// Tunnelled packets also count in the conversation they carry, as
	// in tshark's conversation tables.
	id, _ := a.table.Observe(p, data)
	a.table.ObserveInner(p, data, id)
}

// record takes a finished flow from the table.
func (a *acc) record(r *flows.Record) {
	k := convKey{a: r.Orig, b: r.Resp, aPort: r.OrigPort, bPort: r.RespPort, proto: r.Proto}
	ab, ba := &r.OrigSide, &r.RespSide
	if c := k.b.Compare(k.a); c < 0 || c == 0 && k.bPort < k.aPort {
		k.a, k.b, k.aPort, k.bPort = k.b, k.a, k.bPort, k.aPort
		ab, ba = ba, ab
	}
	c := a.convs[k]
	if c == nil {
		c = &convCount{}
		a.convs[k] = c
	}
	c.add(convCount{
		packets: int64(ab.Packets + ba.Packets), bytes: int64(ab.FrameBytes + ba.FrameBytes),
		packetsAB: int64(ab.Packets), bytesAB: int64(ab.FrameBytes), first: r.First, last: r.Last,
	})
	if r.Proto == 6 {
		a.tcp.addRecord(r)
	}
}

// finish flushes the flow table; the accumulator takes no more packets.
func (a *acc) finish() {
	if a.table != nil {
		a.table.Flush()
		a.frags = a.table.Fragments()
		a.table = nil
	}
}

// merge adds o (a finished accumulator, whose report is made) to a, the
// total; o may give a its conversation table and is not used again.
func (a *acc) merge(o *acc) {
	if o.packets > 0 {
		if a.packets == 0 || o.first < a.first {
			a.first = o.first
		}
		if a.packets == 0 || o.last > a.last {
			a.last = o.last
		}
	}
	a.packets += o.packets
	a.bytes += o.bytes
	a.wire += o.wire
	a.tsDigits = max(a.tsDigits, o.tsDigits)
	a.maxCapLen = max(a.maxCapLen, o.maxCapLen)
	a.cut += o.cut
	a.frags.Reassembled += o.frags.Reassembled
	a.frags.Incomplete += o.frags.Incomplete
	a.malformed += o.malformed
	a.truncHdr += o.truncHdr
	a.unknownLink += o.unknownLink
	for _, lt := range o.linkOrder {
		if _, ok := a.linkTypes[lt]; !ok {
			a.linkOrder = append(a.linkOrder, lt)
		}
		a.linkTypes[lt] += o.linkTypes[lt]
	}
	for p, c := range o.protos {
		t := a.protos[p]
		if t == nil {
			t = &protoCount{}
			a.protos[p] = t
		}
		t.packets += c.packets
		t.bytes += c.bytes
	}
	if len(a.convs) == 0 {
		// The first input's conversations become the total's (only the
		// total lists conversations): one input, no copy.
		a.convs, o.convs = o.convs, a.convs
	}
	for k, c := range o.convs {
		t := a.convs[k]
		if t == nil {
			t = &convCount{}
			a.convs[k] = t
		}
		t.add(*c)
	}
	a.tcp.add(&o.tcp)
}
