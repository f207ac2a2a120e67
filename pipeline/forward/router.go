package forward

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"sync/atomic"

	"github.com/pcapflow/pcapflow/decoders/filter"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Port is one interface of a Router.
type Port struct {
	// Name is the interface name (it matches the kernel neighbour table's
	// Device column).
	Name string
	// MAC is the interface's hardware address.
	MAC [6]byte
	// Prefixes are the interface's IPv4 addresses with their prefix length
	// (10.0.1.1/24): the router's own addresses and its connected subnets.
	Prefixes []netip.Prefix
}

// Route is a static route: packets to Dst go to Gateway, which must lie in
// a connected subnet.
type Route struct {
	Dst     netip.Prefix
	Gateway netip.Addr
}

// RouterOptions configure a Router.
type RouterOptions struct {
	// Ports are the interfaces, in the order of the live source's handles.
	Ports []Port
	// Routes are static routes beside the connected subnets.
	Routes []Route
	// Kernel, when set, reads the kernel's neighbour table on a cache miss
	// (at most every 50 ms of packet time), e.g. KernelNeighbours.
	Kernel func() ([]Neighbour, error)
	// Drop[i] drops the forwardable packets entering port i that it
	// matches (nil drops none).
	Drop []*filter.Filter
	// MaxHeld bounds the packets held per unresolved next hop (default 8).
	MaxHeld int
}

// RouterCounters count what a Router did, beside the per-port Counters.
type RouterCounters struct {
	// TimeExceeded and Unreachable count ICMP errors sent.
	TimeExceeded, Unreachable atomic.Int64
	// ARPRequests sent; Held packets waiting for a next hop's MAC;
	// HeldDropped of them lost (queue full or never resolved).
	ARPRequests, Held, HeldDropped atomic.Int64
	// Local counts packets left to the kernel (addressed to the router,
	// ARP, broadcast, not to our MAC...).
	Local atomic.Int64
}

// Router is an ordered pipeline.Stage forwarding IPv4 between its ports.
type Router struct {
	o        RouterOptions
	ports    []Counters
	c        RouterCounters
	neigh    map[neighKey][6]byte
	held     map[neighKey]*heldQueue
	lastKern int64
	kernRead bool
	ipID     uint16
	scratch  []byte
	drop     []bool
}

type heldQueue struct {
	frames  [][]byte
	ci      []pipeline.CaptureInfo
	lastARP int64
}

const (
	etherTypeIPv4 = 0x0800
	etherTypeARP  = 0x0806
	ethLen        = 14
	// icmpQuoteMax bounds an ICMP error to 576 bytes of IP (RFC 1812 4.3.2.3).
	icmpQuoteMax = 576 - 20 - 8
	// kernelEvery is how often (packet time, ns) a miss may re-read the
	// kernel table, and arpEvery how often a next hop is asked for.
	kernelEvery = 50e6
	arpEvery    = 200e6
)

// NewRouter returns a router for o. Every port needs at least one IPv4 prefix.
func NewRouter(o RouterOptions) (*Router, error) {
	if len(o.Ports) < 2 {
		return nil, errors.New("router: need at least two ports")
	}
	for _, p := range o.Ports {
		if len(p.Prefixes) == 0 {
			return nil, fmt.Errorf("router: interface %s has no IPv4 address", p.Name)
		}
		for _, pf := range p.Prefixes {
			if !pf.Addr().Is4() {
				return nil, fmt.Errorf("router: interface %s: %s is not IPv4", p.Name, pf)
			}
		}
	}
	r := &Router{o: o, ports: make([]Counters, len(o.Ports)), neigh: map[neighKey][6]byte{}, held: map[neighKey]*heldQueue{}}
	for _, rt := range o.Routes {
		if _, _, ok := r.connected(rt.Gateway); !ok {
			return nil, fmt.Errorf("router: gateway %s of %s is not in a connected subnet", rt.Gateway, rt.Dst)
		}
	}
	if r.o.MaxHeld <= 0 {
		r.o.MaxHeld = 8
	}
	r.scratch = make([]byte, 0, 1600)
	return r, nil
}

// Name returns "route".
func (r *Router) Name() string { return "route" }

// NewProcessor returns r itself: the router must run as an ordered stage.
func (r *Router) NewProcessor() pipeline.Processor { return r }

// Counters returns the counters of packets entering port i.
func (r *Router) Counters(i int) *Counters { return &r.ports[i] }

// Stats returns the router-wide counters.
func (r *Router) Stats() *RouterCounters { return &r.c }

// Learn records that ip has MAC mac on port (as configured or as a
// neighbour table says). Packets held for ip leave with the next ARP packet
// seen from it.
func (r *Router) Learn(ip netip.Addr, mac [6]byte, port int) {
	r.neigh[neighKey{ip, port}] = mac
}

// connected returns the port and address of the connected subnet holding ip.
func (r *Router) connected(ip netip.Addr) (port int, local netip.Prefix, ok bool) {
	best := -1
	for i, p := range r.o.Ports {
		for _, pf := range p.Prefixes {
			if pf.Contains(ip) && pf.Bits() > best {
				port, local, best, ok = i, pf, pf.Bits(), true
			}
		}
	}
	return
}

// route returns the egress port and next hop for dst.
func (r *Router) route(dst netip.Addr) (port int, nextHop netip.Addr, ok bool) {
	best := -1
	if p, pf, found := r.connected(dst); found {
		port, nextHop, best, ok = p, dst, pf.Bits(), true
	}
	for _, rt := range r.o.Routes {
		if rt.Dst.Contains(dst) && rt.Dst.Bits() > best {
			p, _, _ := r.connected(rt.Gateway)
			port, nextHop, best, ok = p, rt.Gateway, rt.Dst.Bits(), true
		}
	}
	return
}

// isLocal reports whether ip is one of the router's addresses or a
// subnet broadcast address.
func (r *Router) isLocal(ip netip.Addr) bool {
	for _, p := range r.o.Ports {
		for _, pf := range p.Prefixes {
			if pf.Addr() == ip {
				return true
			}
			if pf.Bits() < 31 && pf.Contains(ip) && ip == lastAddr(pf) {
				return true
			}
		}
	}
	return false
}

func lastAddr(pf netip.Prefix) netip.Addr {
	a := pf.Masked().Addr().As4()
	v := binary.BigEndian.Uint32(a[:]) | (1<<(32-pf.Bits()) - 1)
	binary.BigEndian.PutUint32(a[:], v)
	return netip.AddrFrom4(a)
}

// sourceFor returns the router's address on port to use towards peer.
func (r *Router) sourceFor(port int, peer netip.Addr) netip.Addr {
	ps := r.o.Ports[port].Prefixes
	for _, pf := range ps {
		if pf.Contains(peer) {
			return pf.Addr()
		}
	}
	return ps[0].Addr()
}

// dropMark flags a packet to remove at the end of Process.
const dropMark = ^uint32(0)

// Process routes every packet of b: forwarded packets are rewritten in
// place and get their egress port in Interface; ICMP errors, ARP requests
// and released held packets are appended; the rest is removed.
func (r *Router) Process(b *pipeline.Batch) error {
	n := b.Len()
	for i := 0; i < n; i++ {
		r.one(b, i)
	}
	kept := b.Packets[:0]
	for i := range b.Packets {
		if b.Packets[i].Interface != dropMark {
			kept = append(kept, b.Packets[i])
		}
	}
	b.Packets = kept
	return nil
}

// one handles packet i of b.
func (r *Router) one(b *pipeline.Batch, i int) {
	p := &b.Packets[i]
	in := int(p.Interface)
	if in >= len(r.o.Ports) || p.LinkType != 1 {
		p.Interface = dropMark
		return
	}
	c := &r.ports[in]
	c.Received.Add(1)
	data := b.Bytes(p)
	if len(data) < ethLen {
		r.local(p, c)
		return
	}
	et := binary.BigEndian.Uint16(data[12:14])
	if et == etherTypeARP {
		r.arp(b, data[ethLen:], in)
		r.local(&b.Packets[i], c)
		return
	}
	port := &r.o.Ports[in]
	if et != etherTypeIPv4 || [6]byte(data[0:6]) != port.MAC || len(data) < ethLen+20 {
		r.local(p, c)
		return
	}
	ip := data[ethLen:]
	ihl := int(ip[0]&0x0f) * 4
	if ip[0]>>4 != 4 || ihl < 20 || len(ip) < ihl {
		r.local(p, c)
		return
	}
	dst := netip.AddrFrom4([4]byte(ip[16:20]))
	if r.isLocal(dst) || dst.IsMulticast() || dst == netip.AddrFrom4([4]byte{255, 255, 255, 255}) || !dst.IsGlobalUnicast() {
		r.local(p, c)
		return
	}
	if in < len(r.o.Drop) && r.o.Drop[in] != nil && r.o.Drop[in].MatchPacket(b, p) {
		c.Dropped.Add(1)
		p.Interface = dropMark
		return
	}
	out, nh, ok := r.route(dst)
	if !ok {
		if r.icmpError(b, i, 3, 0) { // network unreachable
			r.c.Unreachable.Add(1)
		}
		return
	}
	if out == in {
		// Hairpin: the sender should have used the next hop directly.
		c.Dropped.Add(1)
		p.Interface = dropMark
		return
	}
	if ip[8] <= 1 {
		if r.icmpError(b, i, 11, 0) { // time to live exceeded in transit
			r.c.TimeExceeded.Add(1)
		}
		return
	}
	DecrementTTL(ip)
	mac, ok := r.lookup(nh, out, p.Timestamp)
	if !ok {
		r.hold(b, i, nh, out)
		return
	}
	copy(data[0:6], mac[:])
	copy(data[6:12], r.o.Ports[out].MAC[:])
	p.Interface = uint32(out)
	c.Forwarded.Add(1)
}

// local leaves p to the kernel: it is not forwarded.
func (r *Router) local(p *pipeline.Packet, _ *Counters) {
	r.c.Local.Add(1)
	p.Interface = dropMark
}

// lookup finds nh's MAC on port out, re-reading the kernel table on a miss.
func (r *Router) lookup(nh netip.Addr, out int, now int64) ([6]byte, bool) {
	k := neighKey{nh, out}
	if mac, ok := r.neigh[k]; ok {
		return mac, true
	}
	if r.o.Kernel != nil && (!r.kernRead || now-r.lastKern >= kernelEvery || now < r.lastKern) {
		r.lastKern, r.kernRead = now, true
		if ns, err := r.o.Kernel(); err == nil {
			for _, e := range ns {
				for pi, p := range r.o.Ports {
					if p.Name == e.Device {
						r.neigh[neighKey{e.IP, pi}] = e.MAC
					}
				}
			}
		}
		if mac, ok := r.neigh[k]; ok {
			return mac, true
		}
	}
	return [6]byte{}, false
}

// arp learns the sender of an ARP packet seen on port in, and releases any
// packets held for it.
func (r *Router) arp(b *pipeline.Batch, a []byte, in int) {
	if len(a) < 28 || binary.BigEndian.Uint16(a[0:2]) != 1 || binary.BigEndian.Uint16(a[2:4]) != etherTypeIPv4 || a[4] != 6 || a[5] != 4 {
		return
	}
	sender := netip.AddrFrom4([4]byte(a[14:18]))
	if p, _, ok := r.connected(sender); !ok || p != in {
		return
	}
	mac := [6]byte(a[8:14])
	k := neighKey{sender, in}
	r.neigh[k] = mac
	q := r.held[k]
	if q == nil {
		return
	}
	delete(r.held, k)
	for j, f := range q.frames {
		ci := q.ci[j]
		ci.Interface = uint32(in)
		dst := b.Add(ci, len(f))
		copy(dst, f)
		copy(dst[0:6], mac[:])
		copy(dst[6:12], r.o.Ports[in].MAC[:])
		r.ports[q.ci[j].Interface].Forwarded.Add(1)
	}
}

// hold keeps a copy of packet i (already rewritten but for its MACs) until
// nh answers, asking for it with an ARP request at most every arpEvery.
func (r *Router) hold(b *pipeline.Batch, i int, nh netip.Addr, out int) {
	p := &b.Packets[i]
	k := neighKey{nh, out}
	q := r.held[k]
	if q == nil {
		q = &heldQueue{lastARP: -arpEvery}
		r.held[k] = q
	}
	if len(q.frames) < r.o.MaxHeld {
		q.frames = append(q.frames, append([]byte(nil), b.Bytes(p)...))
		q.ci = append(q.ci, p.CaptureInfo)
		r.c.Held.Add(1)
	} else {
		r.c.HeldDropped.Add(1)
	}
	now := p.Timestamp
	p.Interface = dropMark
	if now-q.lastARP < arpEvery && now >= q.lastARP {
		return
	}
	q.lastARP = now
	ci := p.CaptureInfo
	r.appendARPRequest(b, ci, nh, out)
}

// appendARPRequest appends a broadcast "who has nh" from port out to b.
func (r *Router) appendARPRequest(b *pipeline.Batch, ci pipeline.CaptureInfo, nh netip.Addr, out int) {
	port := &r.o.Ports[out]
	f := r.scratch[:60]
	clear(f)
	copy(f[0:6], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	copy(f[6:12], port.MAC[:])
	binary.BigEndian.PutUint16(f[12:14], etherTypeARP)
	a := f[ethLen:]
	binary.BigEndian.PutUint16(a[0:2], 1)
	binary.BigEndian.PutUint16(a[2:4], etherTypeIPv4)
	a[4], a[5] = 6, 4
	binary.BigEndian.PutUint16(a[6:8], 1)
	copy(a[8:14], port.MAC[:])
	src := r.sourceFor(out, nh).As4()
	copy(a[14:18], src[:])
	tgt := nh.As4()
	copy(a[24:28], tgt[:])
	ci.Interface = uint32(out)
	ci.OrigLen = uint32(len(f))
	ci.Frame = 0
	b.AddCopy(ci, f)
	r.c.ARPRequests.Add(1)
}

// icmpError replaces packet i of b with an ICMP error of type typ and code
// sent back out of its ingress port, quoting the packet (RFC 792/1812).
// No error answers an ICMP error, a non-first fragment or a packet from an
// address that cannot be answered. It reports whether it sent one.
func (r *Router) icmpError(b *pipeline.Batch, i int, typ, code byte) bool {
	p := &b.Packets[i]
	in := int(p.Interface)
	data := b.Bytes(p)
	ip := data[ethLen:]
	p.Interface = dropMark
	ihl := int(ip[0]&0x0f) * 4
	src := netip.AddrFrom4([4]byte(ip[12:16]))
	fragOff := binary.BigEndian.Uint16(ip[6:8]) & 0x1fff
	if fragOff != 0 || src.IsMulticast() || src.IsUnspecified() || r.isLocal(src) {
		return false
	}
	if ip[9] == 1 && len(ip) > ihl {
		switch ip[ihl] { // ICMP errors are never answered; queries are
		case 3, 4, 5, 11, 12:
			return false
		}
	}
	total := int(binary.BigEndian.Uint16(ip[2:4]))
	if total > len(ip) || total < ihl {
		total = len(ip)
	}
	quote := ip[:min(total, icmpQuoteMax)]
	f := r.scratch[:ethLen+20+8+len(quote)]
	copy(f[0:6], data[6:12])
	copy(f[6:12], r.o.Ports[in].MAC[:])
	binary.BigEndian.PutUint16(f[12:14], etherTypeIPv4)
	h := f[ethLen : ethLen+20]
	clear(h)
	h[0], h[1] = 0x45, 0xc0
	binary.BigEndian.PutUint16(h[2:4], uint16(20+8+len(quote)))
	r.ipID++
	binary.BigEndian.PutUint16(h[4:6], r.ipID)
	h[8], h[9] = 64, 1
	me := r.sourceFor(in, src).As4()
	copy(h[12:16], me[:])
	copy(h[16:20], ip[12:16])
	binary.BigEndian.PutUint16(h[10:12], Checksum(h))
	m := f[ethLen+20:]
	m[0], m[1], m[2], m[3] = typ, code, 0, 0
	clear(m[4:8])
	copy(m[8:], quote)
	binary.BigEndian.PutUint16(m[2:4], Checksum(m))
	ci := p.CaptureInfo
	ci.Interface = uint32(in)
	ci.OrigLen = uint32(len(f))
	ci.Frame = 0
	b.AddCopy(ci, f)
	return true
}
