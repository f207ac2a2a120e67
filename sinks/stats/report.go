package stats

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"time"
)

// Report is the statistics of a run: one entry per input in input order,
// the total, and the top talkers and conversations over all inputs.
type Report struct {
	Files         []File         `json:"files"`
	Total         File           `json:"total"`
	Talkers       []Talker       `json:"top_talkers"`
	Conversations []Conversation `json:"top_conversations"`
}

// File is the statistics of one input, or of all of them (Name "total").
type File struct {
	Name        string `json:"name"`
	Format      string `json:"format,omitempty"`
	Compression string `json:"compression,omitempty"`
	// Status is "ok" or "damaged" (the total is "damaged" when any input is).
	Status string `json:"status"`
	Damage string `json:"damage,omitempty"`
	// DamagedPlaces counts the places found broken and SkippedBytes the
	// bytes passed over to read on after them (see pipeline.Input).
	DamagedPlaces int   `json:"damaged_places,omitempty"`
	SkippedBytes  int64 `json:"skipped_bytes,omitempty"`

	LinkTypes []LinkCount `json:"link_types"`
	Packets   int64       `json:"packets"`
	// Bytes are captured bytes; WireBytes the lengths on the wire
	// (capinfos' "Data size").
	Bytes     int64 `json:"bytes"`
	WireBytes int64 `json:"wire_bytes"`
	// First and Last are the earliest and latest timestamps in ns since the
	// epoch, FirstTime and LastTime the same in UTC with the input's
	// timestamp precision; Duration is Last-First in seconds (as a string,
	// with that precision). All are empty or zero without packets.
	First     int64  `json:"first_ns"`
	Last      int64  `json:"last_ns"`
	FirstTime string `json:"first_time,omitempty"`
	LastTime  string `json:"last_time,omitempty"`
	Duration  string `json:"duration_seconds,omitempty"`
	// Average rates over Duration (0 when it is 0) and the average packet
	// size, all on wire lengths, as capinfos computes them.
	ByteRate       float64 `json:"byte_rate"`
	BitRate        float64 `json:"bit_rate"`
	PacketRate     float64 `json:"packet_rate"`
	AvgPacketBytes float64 `json:"avg_packet_bytes"`
	// Snaplen is the snap length the file header declares (0: not set; the
	// largest of the inputs' in the total); MaxCapLen the largest captured
	// length seen; CutPackets the packets captured shorter than on the wire.
	Snaplen    uint32 `json:"snaplen"`
	MaxCapLen  uint32 `json:"max_caplen"`
	CutPackets int64  `json:"cut_packets"`
	// Decode problems: packets with a malformed header, with a header the
	// decoder needed cut by the snap length, and of a link type pcapflow
	// does not decode.
	Malformed    int64 `json:"malformed_packets"`
	TruncatedHdr int64 `json:"truncated_header_packets"`
	UnknownLink  int64 `json:"unknown_link_packets"`
	// Protocols is the protocol hierarchy, one row per path prefix in
	// depth-first order, children by packets (descending) then name.
	Protocols []Protocol `json:"protocols"`
	// Conversations counts distinct address/port/protocol tuples.
	Conversations int64 `json:"conversations"`
	// Fragmented IP datagrams (outer or tunnelled): reassembled ones
	// count once in their conversation; incomplete ones, a fragment
	// missing, not at all (see decoders/flows).
	FragmentedReassembled int64 `json:"fragmented_datagrams_reassembled"`
	FragmentedIncomplete  int64 `json:"fragmented_datagrams_incomplete"`
	TCP                   TCP   `json:"tcp"`
}

// LinkCount is the packets of one link type.
type LinkCount struct {
	LinkType uint16 `json:"link_type"`
	Name     string `json:"name"`
	Packets  int64  `json:"packets"`
}

// Protocol is one node of the protocol hierarchy: the packets (and their
// captured bytes) whose protocol path starts with Path.
type Protocol struct {
	Path    string `json:"path"`
	Depth   int    `json:"depth"`
	Packets int64  `json:"packets"`
	Bytes   int64  `json:"bytes"`
}

// TCP holds TCP analysis counts, summed over both directions of every
// connection (see decoders/flows for the rules, close to tshark's).
type TCP struct {
	Connections             int64        `json:"connections"`
	Retransmissions         int64        `json:"retransmissions"`
	FastRetransmissions     int64        `json:"fast_retransmissions"`
	SpuriousRetransmissions int64        `json:"spurious_retransmissions"`
	OutOfOrder              int64        `json:"out_of_order"`
	DupAcks                 int64        `json:"duplicate_acks"`
	ZeroWindows             int64        `json:"zero_windows"`
	KeepAlives              int64        `json:"keep_alives"`
	States                  []StateCount `json:"states"`
}

// StateCount is the number of connections that ended in a Zeek conn_state.
type StateCount struct {
	State       string `json:"state"`
	Connections int64  `json:"connections"`
}

// Talker is one address with the packets and wire bytes it sent and received.
type Talker struct {
	Addr    string `json:"addr"`
	Packets int64  `json:"packets"`
	Bytes   int64  `json:"bytes"`
}

// Conversation is one address/port/protocol tuple; A is the lower end.
type Conversation struct {
	Proto     uint8  `json:"proto"`
	A         string `json:"a"`
	APort     uint16 `json:"a_port"`
	B         string `json:"b"`
	BPort     uint16 `json:"b_port"`
	Packets   int64  `json:"packets"`
	Bytes     int64  `json:"bytes"`
	PacketsAB int64  `json:"packets_a_to_b"`
	BytesAB   int64  `json:"bytes_a_to_b"`
	First     int64  `json:"first_ns"`
	Last      int64  `json:"last_ns"`
}

// build assembles the report from the finished accumulators.
func (s *Sink) build() *Report {
	r := &Report{}
	total := newAcc()
	total.finish()
	var maxSnap uint32
	damaged := false
	var places int
	var skipped int64
	for i, in := range s.opts.Inputs.All() {
		a := s.fileAcc(i)
		f := a.file(in.Name)
		f.Format, f.Compression, f.Status = in.Format, in.Compression, "ok"
		if in.Damage != nil {
			f.Status, f.Damage = "damaged", in.DamageText()
			f.DamagedPlaces, f.SkippedBytes = in.Damages, in.SkippedBytes
			places, skipped = places+in.Damages, skipped+in.SkippedBytes
			damaged = true
		}
		if s.opts.Snaplen != nil {
			f.Snaplen = s.opts.Snaplen(pipelineID(i))
		}
		maxSnap = max(maxSnap, f.Snaplen)
		r.Files = append(r.Files, f)
		total.merge(a)
	}
	r.Total = total.file("total")
	r.Total.Status = "ok"
	if damaged {
		r.Total.Status = "damaged"
		r.Total.DamagedPlaces, r.Total.SkippedBytes = places, skipped
	}
	r.Total.Snaplen = maxSnap
	if s.opts.Top > 0 {
		r.Conversations = topConversations(total.convs, s.opts.Top)
		r.Talkers = topTalkers(total.convs, s.opts.Top)
	}
	if r.Talkers == nil {
		r.Talkers = []Talker{}
	}
	if r.Conversations == nil {
		r.Conversations = []Conversation{}
	}
	if r.Files == nil {
		r.Files = []File{}
	}
	return r
}

// fileAcc returns input i's accumulator, or an empty one when it delivered
// no packets.
func (s *Sink) fileAcc(i int) *acc {
	if i < len(s.files) && s.files[i] != nil {
		return s.files[i]
	}
	a := newAcc()
	a.finish()
	return a
}

// file renders an accumulator.
func (a *acc) file(name string) File {
	f := File{Name: name, Packets: a.packets, Bytes: a.bytes, WireBytes: a.wire,
		MaxCapLen: a.maxCapLen, CutPackets: a.cut, Malformed: a.malformed,
		TruncatedHdr: a.truncHdr, UnknownLink: a.unknownLink, Conversations: int64(len(a.convs)),
		FragmentedReassembled: int64(a.frags.Reassembled), FragmentedIncomplete: int64(a.frags.Incomplete)}
	f.LinkTypes = []LinkCount{}
	for _, lt := range a.linkOrder {
		f.LinkTypes = append(f.LinkTypes, LinkCount{LinkType: lt, Name: LinkTypeName(lt), Packets: a.linkTypes[lt]})
	}
	if a.packets > 0 {
		f.First, f.Last = a.first, a.last
		f.FirstTime = FormatTime(a.first, a.tsDigits)
		f.LastTime = FormatTime(a.last, a.tsDigits)
		f.Duration = FormatSeconds(a.last-a.first, a.tsDigits)
		f.AvgPacketBytes = float64(a.wire) / float64(a.packets)
		if d := float64(a.last-a.first) / 1e9; d > 0 {
			f.ByteRate = float64(a.wire) / d
			f.BitRate = 8 * f.ByteRate
			f.PacketRate = float64(a.packets) / d
		}
	}
	f.Protocols = hierarchy(a.protos)
	f.TCP = TCP{
		Connections: a.tcp.connections, Retransmissions: a.tcp.retrans,
		FastRetransmissions: a.tcp.fast, SpuriousRetransmissions: a.tcp.spurious,
		OutOfOrder: a.tcp.outOfOrder, DupAcks: a.tcp.dupAcks, ZeroWindows: a.tcp.zeroWindows,
		KeepAlives: a.tcp.keepAlives, States: []StateCount{},
	}
	for st, n := range a.tcp.states {
		f.TCP.States = append(f.TCP.States, StateCount{State: st, Connections: n})
	}
	slices.SortFunc(f.TCP.States, func(x, y StateCount) int {
		return cmp.Or(cmp.Compare(y.Connections, x.Connections), cmp.Compare(x.State, y.State))
	})
	return f
}

// hierarchy turns per-path counts into a depth-first tree of prefixes.
func hierarchy(protos map[path]*protoCount) []Protocol {
	type tnode struct {
		name     string
		count    protoCount
		children map[string]*tnode
	}
	root := &tnode{children: map[string]*tnode{}}
	for p, c := range protos {
		n := root
		for _, id := range p {
			if id == nNone {
				break
			}
			name := nodeNames[id]
			ch := n.children[name]
			if ch == nil {
				ch = &tnode{name: name, children: map[string]*tnode{}}
				n.children[name] = ch
			}
			ch.count.packets += c.packets
			ch.count.bytes += c.bytes
			n = ch
		}
	}
	out := []Protocol{}
	var walk func(n *tnode, prefix string, depth int)
	walk = func(n *tnode, prefix string, depth int) {
		kids := make([]*tnode, 0, len(n.children))
		for _, c := range n.children {
			kids = append(kids, c)
		}
		slices.SortFunc(kids, func(x, y *tnode) int {
			return cmp.Or(cmp.Compare(y.count.packets, x.count.packets), cmp.Compare(x.name, y.name))
		})
		for _, c := range kids {
			p := c.name
			if prefix != "" {
				p = prefix + ":" + c.name
			}
			out = append(out, Protocol{Path: p, Depth: depth, Packets: c.count.packets, Bytes: c.count.bytes})
			walk(c, p, depth+1)
		}
	}
	walk(root, "", 0)
	return out
}

func compareKey(x, y convKey) int {
	return cmp.Or(cmp.Compare(x.proto, y.proto), x.a.Compare(y.a), cmp.Compare(x.aPort, y.aPort),
		x.b.Compare(y.b), cmp.Compare(x.bPort, y.bPort))
}

// topConversations returns the n conversations with the most bytes
// (then packets, then by tuple).
func topConversations(convs map[convKey]*convCount, n int) []Conversation {
	type conv struct {
		k convKey
		c *convCount
	}
	top := newTopN(n, func(x, y conv) int {
		return cmp.Or(cmp.Compare(y.c.bytes, x.c.bytes), cmp.Compare(y.c.packets, x.c.packets), compareKey(x.k, y.k))
	})
	for k, c := range convs {
		top.offer(conv{k, c})
	}
	var out []Conversation
	for _, x := range top.sorted() {
		k, c := x.k, x.c
		out = append(out, Conversation{Proto: k.proto, A: k.a.String(), APort: k.aPort, B: k.b.String(), BPort: k.bPort,
			Packets: c.packets, Bytes: c.bytes, PacketsAB: c.packetsAB, BytesAB: c.bytesAB, First: c.first, Last: c.last})
	}
	return out
}

// topTalkers returns the n addresses with the most bytes sent and received.
func topTalkers(convs map[convKey]*convCount, n int) []Talker {
	type tally struct{ packets, bytes int64 }
	m := make(map[netip.Addr]tally, len(convs))
	add := func(a netip.Addr, c *convCount) {
		t := m[a]
		t.packets += c.packets
		t.bytes += c.bytes
		m[a] = t
	}
	for k, c := range convs {
		add(k.a, c)
		if k.b != k.a {
			add(k.b, c)
		}
	}
	type talker struct {
		a netip.Addr
		t tally
	}
	top := newTopN(n, func(x, y talker) int {
		return cmp.Or(cmp.Compare(y.t.bytes, x.t.bytes), cmp.Compare(y.t.packets, x.t.packets), x.a.Compare(y.a))
	})
	for a, t := range m {
		top.offer(talker{a, t})
	}
	var out []Talker
	for _, x := range top.sorted() {
		out = append(out, Talker{Addr: x.a.String(), Packets: x.t.packets, Bytes: x.t.bytes})
	}
	return out
}

// FormatTime formats ns since the epoch in UTC as capinfos prints it, with
// digits (0-9) decimals.
func FormatTime(ns int64, digits uint8) string {
	s := time.Unix(0, ns).UTC().Format("2006-01-02 15:04:05.000000000")
	if digits == 0 {
		return s[:19]
	}
	return s[:20+min(int(digits), 9)]
}

// FormatSeconds formats a duration in ns as seconds with digits decimals.
func FormatSeconds(ns int64, digits uint8) string {
	neg := ""
	if ns < 0 {
		neg, ns = "-", -ns
	}
	s := fmt.Sprintf("%s%d.%09d", neg, ns/1e9, ns%1e9)
	if digits == 0 {
		return s[:len(s)-10]
	}
	return s[:len(s)-9+min(int(digits), 9)]
}

// linkTypeNames are the names of the common link types (LINKTYPE_*).
var linkTypeNames = map[uint16]string{
	0: "null", 1: "ethernet", 9: "ppp", 12: "raw", 14: "raw", 50: "ppp-hdlc", 51: "ppp-ether", 101: "raw",
	104: "c-hdlc", 105: "ieee802.11", 108: "loop", 113: "linux-sll", 127: "radiotap", 228: "ipv4", 229: "ipv6",
	239: "nflog", 276: "linux-sll2",
}

// LinkTypeName returns a short name for a link type.
func LinkTypeName(lt uint16) string {
	if n, ok := linkTypeNames[lt]; ok {
		return n
	}
	return fmt.Sprintf("linktype-%d", lt)
}
