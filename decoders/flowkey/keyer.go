package flowkey

import (
	"net/netip"
	"time"

	"github.com/pcapflow/pcapflow/internal/fragmemo"
	"github.com/pcapflow/pcapflow/internal/ipfrag"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Defaults of the Keyer's bounded state.
const (
	// DefaultIdleTimeout is how long (in packet time) a TCP tuple's
	// generation and client/server state is kept after its last packet.
	DefaultIdleTimeout = 10 * time.Minute
	// DefaultMaxConns caps the number of TCP tuples remembered at once; the
	// least recently seen is forgotten first.
	DefaultMaxConns = 4 << 20
	// FragmentTimeout is how far apart in packet time a non-first fragment
	// may be from its first fragment and still be given its ports.
	FragmentTimeout = 60 * time.Second
	// FragmentTableSize is the number of fragmented datagrams whose ports
	// are remembered at once; the oldest are forgotten first.
	FragmentTableSize = 1 << 16
)

// pcap record and file header sizes, counted by Size chunks.
const (
	pcapFileHeader   = 24
	pcapRecordHeader = 16
)

// Keyer computes the key of each packet. It must see packets in capture
// order, from one goroutine.
//
// State and its rules:
//   - 5-tuple and 5-tuple-dir: a TCP tuple starts a new generation (a new
//     file, named with "-2", "-3"...) when a SYN without ACK arrives with a
//     sequence number different from the previous SYN sent by the same side,
//     or with a new sequence number after a FIN or RST. A retransmitted SYN
//     and a simultaneous open (SYNs from both sides) stay in the generation. Tuple state idle for longer than the idle
//     timeout (packet time) is forgotten: a later connection on the same
//     tuple then starts again from the first generation's name.
//   - client/server: the client is the sender of a SYN without ACK (or the
//     receiver of a SYN+ACK) when one was seen; otherwise the side with the
//     higher port (the lower address when ports are equal); for protocols
//     without ports the source is the client. Port kinds (server-port,
//     client-port) apply to TCP, UDP, SCTP and UDP-Lite only.
//   - IP fragments: non-first fragments carry no ports; they take the ports
//     of their datagram's first fragment, matched by (src, dst, protocol, IP
//     id) within FragmentTimeout. A non-first fragment seen before its first
//     fragment (or after it was forgotten) uses ports 0;
//     Fragments tells the caller so, which may hold the fragment for its
//     first one (split does).
//   - count:N: chunk i holds packets (i-1)*N+1 ... i*N.
//   - size:BYTES: a chunk takes packets while its pcap size (24-byte file
//     header plus 16 bytes and the captured bytes per packet) stays within
//     BYTES; a chunk always holds at least one packet.
//   - time:D: chunk i holds packets whose timestamp t satisfies
//     first+(i-1)*D <= t < first+i*D, where first is the first packet's
//     timestamp (chunks are not aligned to the clock; an empty interval
//     leaves a gap in the numbering). Packets earlier than the first go to
//     chunk 1.
type Keyer struct {
	spec  Spec
	conns *connTable
	frags *fragmemo.Table[[2]uint16] // ports of first fragments
	mob   *mobileState
	// fragKeys holds the mobile keys of outer first fragments, for the
	// datagrams' later fragments.
	fragKeys *fragmemo.Table[Key]
	// notes is what the last Key or KeyData call found about its packet's
	// fragmented datagrams (see Fragments).
	notes fragNotes

	// chunk state
	count     int64
	chunk     uint64
	chunkSize int64
	first     int64
	started   bool
}

// NewKeyer returns a Keyer for spec with the default limits.
func NewKeyer(spec Spec) *Keyer {
	k := &Keyer{spec: spec}
	switch spec.Kind {
	case FiveTuple, FiveTupleDir, ClientIP, ServerIP, ServerPort, ClientPort:
		k.conns = newConnTable(int64(DefaultIdleTimeout), DefaultMaxConns)
		k.frags = fragmemo.New[[2]uint16](FragmentTableSize, int64(FragmentTimeout))
	case Inner5Tuple:
		k.frags = fragmemo.New[[2]uint16](FragmentTableSize, int64(FragmentTimeout))
	}
	if spec.Kind.IsMobile() {
		k.mob = newMobileState(spec.Kind)
		k.fragKeys = fragmemo.New[Key](FragmentTableSize, int64(FragmentTimeout))
	}
	return k
}

// SetIdleTimeout changes how long idle TCP tuple state is kept (packet time).
func (k *Keyer) SetIdleTimeout(d time.Duration) {
	if k.conns != nil && d > 0 {
		k.conns.idle = int64(d)
	}
}

// Spec returns the spec the Keyer was made for.
func (k *Keyer) Spec() Spec { return k.spec }

// Tracked returns the number of TCP tuples whose state is remembered.
func (k *Keyer) Tracked() int {
	if k.conns == nil {
		return 0
	}
	return k.conns.len()
}

// Key returns the key of p, or false when p has no key of the Keyer's kind
// (non-IP packets for IP kinds, untagged packets for VLAN, non-Ethernet
// packets for MACPair...): such packets belong to "other". Mobile kinds
// need the packet bytes to read PFCP and GTPv2-C: Key gives those messages
// no key; use KeyData.
func (k *Keyer) Key(p *pipeline.Packet) (Key, bool) {
	k.notes.reset()
	d := &p.Decoded
	if k.spec.Kind.IsMobile() {
		return k.mobileKey(p, nil)
	}
	switch k.spec.Kind {
	case Count, Size, Time:
		return k.chunkKey(p), true
	case VLAN:
		if d.NumVLAN == 0 {
			return Key{}, false
		}
		return Key{kind: VLAN, id: uint64(d.VLAN[0])}, true
	case MACPair:
		if !d.Layers.Has(pipeline.LayerEthernet) {
			return Key{}, false
		}
		a, b := d.EthSrc, d.EthDst
		if macLess(b, a) {
			a, b = b, a
		}
		return Key{kind: MACPair, macA: a, macB: b}, true
	}
	if d.Layers&(pipeline.LayerIPv4|pipeline.LayerIPv6) == 0 || !d.IP.Src.IsValid() || !d.IP.Dst.IsValid() {
		return Key{}, false
	}
	f := &d.IP
	switch k.spec.Kind {
	case IPPair, ThreeTuple:
		a, b := f.Src, f.Dst
		if b.Less(a) {
			a, b = b, a
		}
		key := Key{kind: k.spec.Kind, a: a, b: b}
		if k.spec.Kind == ThreeTuple {
			key.proto = f.Proto
		}
		return key, true
	case SrcIP:
		return Key{kind: SrcIP, a: f.Src}, true
	case DstIP:
		return Key{kind: DstIP, a: f.Dst}, true
	}
	return k.connKey(p, d, f.Src, f.Dst, f.Proto, p.Timestamp)
}

// hasPorts reports whether the protocol carries ports in Decoded.IP.
func hasPorts(proto uint8) bool {
	return proto == 6 || proto == 17 || proto == 132 || proto == 136
}

// connKey handles the kinds that need ports and TCP state.
func (k *Keyer) connKey(p *pipeline.Packet, d *pipeline.Decoded, src, dst netip.Addr, proto uint8, ts int64) (Key, bool) {
	sport, dport := d.IP.SrcPort, d.IP.DstPort
	ported := hasPorts(proto)
	if ported {
		if d.Flags.Has(pipeline.FlagNonFirstFragment) {
			id := ipfrag.ID{Src: src, Dst: dst, ID: d.IPID, Proto: proto}
			pp, ok := k.frags.Get(id, ts)
			sport, dport = pp[0], pp[1]
			k.notes.later(id, ok)
		} else if d.MoreFragments && d.FragOffset == 0 {
			id := ipfrag.ID{Src: src, Dst: dst, ID: d.IPID, Proto: proto}
			k.frags.Put(id, [2]uint16{sport, dport}, ts)
			k.notes.first(id)
		}
	} else {
		sport, dport = 0, 0
	}

	// Canonical order: lower (addr, port) first.
	t := tuple{a: src, b: dst, aPort: sport, bPort: dport, proto: proto}
	srcIsA := true
	if c := dst.Compare(src); c < 0 || (c == 0 && dport < sport) {
		t.a, t.b, t.aPort, t.bPort = dst, src, dport, sport
		srcIsA = false
	}

	var gen uint32
	role := roleUnknown
	if proto == 6 {
		c := k.conns.get(t, ts)
		if d.Layers.Has(pipeline.LayerTCP) {
			fl := d.TCPFlags
			syn := fl&pipeline.TCPSyn != 0
			ack := fl&pipeline.TCPAck != 0
			switch {
			case syn && !ack:
				// A new connection: a different initial sequence number
				// from the same opener, or any new SYN after a close.
				// A SYN from the other side with no close in between is a
				// simultaneous open and stays in the generation.
				newSeq := !c.synSeen || d.TCPSeq != c.synSeq
				if (c.synSeen && newSeq && c.synFromA == srcIsA) || (c.closed && newSeq) {
					c.gen++
					c.closed = false
					c.role = roleUnknown
				}
				c.synSeen = true
				c.synSeq = d.TCPSeq
				c.synFromA = srcIsA
				if c.role == roleUnknown {
					c.role = sideRole(srcIsA)
				}
			case syn && ack:
				if c.role == roleUnknown {
					c.role = sideRole(!srcIsA)
				}
			}
			if fl&(pipeline.TCPFin|pipeline.TCPRst) != 0 {
				c.closed = true
			}
		}
		gen = c.gen
		role = c.role
	}

	switch k.spec.Kind {
	case FiveTuple:
		return Key{kind: FiveTuple, a: t.a, b: t.b, aPort: t.aPort, bPort: t.bPort, proto: proto, gen: gen}, true
	case FiveTupleDir:
		return Key{kind: FiveTupleDir, a: src, b: dst, aPort: sport, bPort: dport, proto: proto, gen: gen}, true
	}

	// Client/server kinds.
	if role == roleUnknown {
		switch {
		case !ported:
			role = sideRole(srcIsA)
		case t.aPort > t.bPort:
			role = roleAClient
		case t.bPort > t.aPort:
			role = roleBClient
		default:
			role = roleAClient
		}
	}
	cAddr, cPort, sAddr, sPort := t.a, t.aPort, t.b, t.bPort
	if role == roleBClient {
		cAddr, cPort, sAddr, sPort = t.b, t.bPort, t.a, t.aPort
	}
	switch k.spec.Kind {
	case ClientIP:
		return Key{kind: ClientIP, a: cAddr}, true
	case ServerIP:
		return Key{kind: ServerIP, a: sAddr}, true
	case ServerPort:
		if !ported {
			return Key{}, false
		}
		return Key{kind: ServerPort, proto: proto, aPort: sPort}, true
	case ClientPort:
		if !ported {
			return Key{}, false
		}
		return Key{kind: ClientPort, proto: proto, aPort: cPort}, true
	}
	return Key{}, false
}

func sideRole(aIsClient bool) uint8 {
	if aIsClient {
		return roleAClient
	}
	return roleBClient
}

func macLess(x, y [6]byte) bool {
	for i := range x {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return false
}

// chunkKey numbers chunks from 1.
func (k *Keyer) chunkKey(p *pipeline.Packet) Key {
	switch k.spec.Kind {
	case Count:
		n := k.spec.N
		if n <= 0 {
			n = 1
		}
		id := uint64(k.count/n) + 1
		k.count++
		return Key{kind: Count, id: id}
	case Size:
		rec := int64(pcapRecordHeader) + int64(p.CapLen)
		if !k.started || (k.chunkSize > pcapFileHeader && k.chunkSize+rec > k.spec.N) {
			k.started = true
			k.chunk++
			k.chunkSize = pcapFileHeader
		}
		k.chunkSize += rec
		return Key{kind: Size, id: k.chunk}
	default:
		if !k.started {
			k.started = true
			k.first = p.Timestamp
		}
		every := int64(k.spec.Every)
		if every <= 0 {
			every = int64(time.Second)
		}
		var id uint64 = 1
		if dt := p.Timestamp - k.first; dt > 0 {
			id = uint64(dt/every) + 1
		}
		return Key{kind: Time, id: id}
	}
}

// fragNotes is what keying one packet found about the fragmented IP
// datagrams it belongs to.
type fragNotes struct {
	wait   ipfrag.ID
	waits  bool
	firsts [2]ipfrag.ID // an outer and a tunnelled datagram, at most
	n      int
}

// reset forgets the notes of the packet before.
func (n *fragNotes) reset() { n.waits, n.n = false, 0 }

// later notes a later fragment of datagram id, whose first fragment was
// found (known) or not.
func (n *fragNotes) later(id ipfrag.ID, known bool) {
	if !known {
		n.wait, n.waits = id, true
	}
}

// first notes the first fragment of datagram id.
func (n *fragNotes) first(id ipfrag.ID) {
	if n.n < len(n.firsts) {
		n.firsts[n.n] = id
		n.n++
	}
}

// Fragments tells what the last Key or KeyData call found about its
// packet's fragmented IP datagrams, for the kinds whose key of a later
// fragment comes from its datagram's first fragment (the ports, or the
// mobile key). waits reports a later fragment whose first fragment the
// Keyer has not seen (or has forgotten): its key was a guess (ports 0, or
// none), and a caller that can hold the packet may wait for the first
// fragment of datagram wait. firsts are the datagrams whose first fragment
// the packet was (an outer one, and one tunnelled in it): held fragments of
// those go where the packet goes.
func (k *Keyer) Fragments() (wait ipfrag.ID, waits bool, firsts []ipfrag.ID) {
	return k.notes.wait, k.notes.waits, k.notes.firsts[:k.notes.n]
}
