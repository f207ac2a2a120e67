package traceroute

import (
	"context"
	"net/netip"
	"sort"
	"time"

	"github.com/pcapflow/pcapflow/pipeline"
)

// Probe is one probe of a path and what answered it.
type Probe struct {
	// TTL is the probe's TTL (hop limit) as captured: its hop number.
	TTL uint8 `json:"ttl"`
	// Sent is the probe's timestamp (ns since the Unix epoch).
	Sent int64 `json:"sent_ns"`
	// Kind is how it was answered (NotAnswer: never, shown as *).
	Kind Kind `json:"answer"`
	// From is the answering address; RTT the answer's delay.
	From netip.Addr    `json:"from,omitzero"`
	RTT  time.Duration `json:"rtt_ns"`
	// Code is the ICMP code of the answer (the reason of an unreachable).
	Code uint8 `json:"code"`
	// Frame is the probe's frame number in its input, and AnswerFrame the
	// answer's (0 without one).
	Frame       uint64 `json:"frame"`
	AnswerFrame uint64 `json:"answer_frame,omitempty"`
}

// Hop is the probes sent with one TTL.
type Hop struct {
	TTL    int     `json:"ttl"`
	Probes []Probe `json:"probes"`
}

// Path is one traced source → destination with one probe protocol.
type Path struct {
	Src   netip.Addr `json:"src"`
	Dst   netip.Addr `json:"dst"`
	Proto uint8      `json:"proto"`
	// Hops in TTL order, up to the first that reached the target.
	Hops []Hop `json:"hops"`
	// Reached is true when the target answered a probe.
	Reached bool `json:"reached"`
}

// HopsOptions tune the reconstruction. Zero values pick defaults.
type HopsOptions struct {
	// MaxTTL: packets with a higher TTL are not taken for probes (default
	// 32; ordinary traffic leaves hosts with 64 or more).
	MaxTTL uint8
}

type pathKey struct {
	src, dst netip.Addr
	proto    uint8
}

type pathState struct {
	key      pathKey
	probes   []Probe
	first    int64
	answered bool // some router answered: it is a traceroute
}

type probeRef struct {
	path *pathState
	idx  int
}

// Hops is a pipeline.Sink reconstructing the traceroutes of a capture. It
// needs the decode stage before it. It keeps every candidate probe (echo
// requests and UDP datagrams with a TTL up to MaxTTL) until the end of the
// run, so its memory grows with them, not with the rest of the capture.
type Hops struct {
	o      HopsOptions
	probes map[Key]probeRef
	paths  map[pathKey]*pathState
	order  []*pathState
}

// NewHops returns an empty reconstruction.
func NewHops(o HopsOptions) *Hops {
	if o.MaxTTL == 0 {
		o.MaxTTL = 32
	}
	return &Hops{o: o, probes: map[Key]probeRef{}, paths: map[pathKey]*pathState{}}
}

// Name returns "hops".
func (h *Hops) Name() string { return "hops" }

// Close does nothing: Paths holds the result.
func (h *Hops) Close(bool) error { return nil }

// Consume looks at every IP packet of b for probes and answers.
func (h *Hops) Consume(_ context.Context, b *pipeline.Batch) error {
	for i := range b.Packets {
		p := &b.Packets[i]
		d := &p.Decoded
		if !d.Layers.Has(pipeline.LayerIPv4) && !d.Layers.Has(pipeline.LayerIPv6) {
			continue
		}
		if !d.Layers.Has(pipeline.LayerUDP) && !d.Layers.Has(pipeline.LayerICMPv4) && !d.Layers.Has(pipeline.LayerICMPv6) {
			continue
		}
		off, ok := ipOffset(p.LinkType, d)
		data := b.Bytes(p)
		if !ok || off >= len(data) {
			continue
		}
		h.Packet(data[off:], p.Timestamp, p.Frame)
	}
	return nil
}

// Packet takes one IP packet (as captured, starting at its IP header) seen
// at time ts (ns), frame number frame.
func (h *Hops) Packet(ip []byte, ts int64, frame uint64) {
	if a := Classify(ip); a.Kind != NotAnswer {
		ref, ok := h.probes[a.Probe]
		if !ok {
			return
		}
		pr := &ref.path.probes[ref.idx]
		if pr.Kind != NotAnswer {
			return // a duplicate answer: keep the first
		}
		pr.Kind, pr.From, pr.RTT, pr.Code, pr.AnswerFrame = a.Kind, a.From, time.Duration(ts-pr.Sent), a.Code, frame
		if a.Kind == TimeExceeded {
			ref.path.answered = true
		}
		return
	}
	k, ttl, ok := ProbeKeyOf(ip)
	if !ok || ttl > h.o.MaxTTL || ttl == 0 {
		return
	}
	if ref, ok := h.probes[k]; ok {
		if old := &ref.path.probes[ref.idx]; old.Kind == NotAnswer && ttl < old.TTL {
			// The same probe captured again further along its path (a
			// capture on several interfaces of a router): keep the first.
			return
		}
	}
	pk := pathKey{k.Src, k.Dst, k.Proto}
	ps := h.paths[pk]
	if ps == nil {
		ps = &pathState{key: pk, first: ts}
		h.paths[pk] = ps
		h.order = append(h.order, ps)
	}
	ps.probes = append(ps.probes, Probe{TTL: ttl, Sent: ts, Frame: frame})
	h.probes[k] = probeRef{ps, len(ps.probes) - 1}
}

// Paths returns the traceroutes found: the source/destination pairs whose
// probes drew at least one time exceeded, in order of their first probe.
// Each hop lists its probes in capture order; hops beyond the first that
// reached the target are left out.
func (h *Hops) Paths() []Path {
	var out []Path
	for _, ps := range h.order {
		if !ps.answered {
			continue
		}
		path := Path{Src: ps.key.src, Dst: ps.key.dst, Proto: ps.key.proto}
		byTTL := map[int][]Probe{}
		var ttls []int
		for _, pr := range ps.probes {
			t := int(pr.TTL)
			if _, ok := byTTL[t]; !ok {
				ttls = append(ttls, t)
			}
			byTTL[t] = append(byTTL[t], pr)
		}
		sort.Ints(ttls)
		for _, t := range ttls {
			hop := Hop{TTL: t, Probes: byTTL[t]}
			path.Hops = append(path.Hops, hop)
			reached := false
			for _, pr := range hop.Probes {
				reached = reached || pr.Kind == Reached
			}
			if reached {
				path.Reached = true
				break
			}
		}
		out = append(out, path)
	}
	return out
}

// Link types whose IP header offset ipOffset knows.
const (
	linkNull     = 0
	linkEthernet = 1
	linkRaw      = 101
	linkRawAlt   = 12
	linkRawAlt2  = 14
	linkLoop     = 108
	linkSLL      = 113
	linkSLL2     = 276
	linkIPv4     = 228
	linkIPv6     = 229
)

// ipOffset returns where the outer IP header starts in a decoded frame.
func ipOffset(linkType uint16, d *pipeline.Decoded) (int, bool) {
	switch linkType {
	case linkEthernet:
		return 14 + 4*int(d.NumVLAN), true
	case linkRaw, linkRawAlt, linkRawAlt2, linkIPv4, linkIPv6:
		return 0, true
	case linkNull, linkLoop:
		return 4, true
	case linkSLL:
		return 16 + 4*int(d.NumVLAN), true
	case linkSLL2:
		return 20 + 4*int(d.NumVLAN), true
	}
	return 0, false
}
