package seids

import (
	"github.com/pcapflow/pcapflow/decoders/flowkey"
	"github.com/pcapflow/pcapflow/decoders/mobile"
	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/internal/chunked"
	"github.com/pcapflow/pcapflow/internal/fragmemo"
	"github.com/pcapflow/pcapflow/internal/ipfrag"
	"github.com/pcapflow/pcapflow/pipeline"
)

// tunnels counts, for the session table, the G-PDUs sent to each
// session's GTP-U endpoints, and says when a session's row can be
// written. It follows the endpoints in capture order where the
// Correlator runs (the Correlate stage, else the sink), apart from the
// tracker, which the sink feeds.
//
// A session's count is final once the Correlator dropped it (Linger
// after its deletion) and no session of the endpoint table linked to it
// still holds endpoints: tunnels then hands the session, with its
// count, to the sink (ends) and forgets it. The endpoint table's sessions
// are forgotten as soon as they hold no endpoint (deleted or rejected),
// so memory follows the live sessions.
type tunnels struct {
	// mob follows the sessions' GTP-U endpoints; links holds, by its
	// session index, the count its G-PDUs go to.
	mob   *mobile.PFCPTable
	links chunked.Array[tunnelLink]
	// counts holds the counts of the Correlator's sessions by id.
	counts idSlots[gpduCount]
	// waiting holds the sessions the Correlator dropped whose count is
	// not final yet, by id.
	waiting map[int32]pfcp.Session
	ends    *endQueue
	// frags holds, for a G-PDU whose outer datagram is in fragments, the
	// count its first fragment went to, for the later fragments' bytes;
	// early the frame bytes of later fragments that came before their
	// datagram's first one, for that fragment's count.
	frags *fragmemo.Table[fragCount]
	early *fragmemo.Table[int64]
}

// fragCount is the count slot (and its session id, as the slot may pass
// to another session) a fragmented G-PDU was counted in.
type fragCount struct {
	slot, id int32
}

// tunnelLink ties a session of the endpoint table to a Correlator
// session's count: slot+1 in counts (0: none); live says the session
// held endpoints when linked (it is counted in the count's live).
type tunnelLink struct {
	count int32
	live  bool
}

// gpduCount counts a Correlator session's G-PDUs (and their frame
// lengths on the wire). live counts the endpoint table's sessions linked
// to it that may still receive G-PDUs; dropped says the Correlator
// dropped it.
type gpduCount struct {
	packets, bytes int64
	id             int32
	live           int32
	dropped        bool
}

func newTunnels(ends *endQueue) *tunnels {
	return &tunnels{mob: mobile.NewPFCPTable(), waiting: map[int32]pfcp.Session{}, ends: ends,
		frags: fragmemo.New[fragCount](flowkey.FragmentTableSize, int64(flowkey.FragmentTimeout)),
		early: fragmemo.New[int64](flowkey.FragmentTableSize, int64(flowkey.FragmentTimeout))}
}

// count returns session id's count slot, making one when asked to.
func (u *tunnels) count(id int32, make bool) (int32, bool) {
	if c, ok := u.counts.find(id); ok {
		return c, true
	}
	if !make {
		return 0, false
	}
	c := u.counts.add(id)
	u.counts.at(c).id = id
	return c, true
}

// follow feeds m, which the Correlator gave session id (0: none yet),
// to the endpoint table and links its session to the id's count once it
// has one. A session of the table that no longer holds endpoints is
// forgotten, and the Correlator session it was linked to ends if it was
// waiting for that.
func (u *tunnels) follow(m *pfcp.Message, id int) {
	i, class := u.mob.Add(m.Src.Addr(), m.Dst.Addr(), m.Summary)
	if class != mobile.ClassSession || i < 0 {
		return
	}
	u.links.Grow(int(i))
	l := u.links.At(int(i))
	live := u.mob.Session(i).Live()
	if l.count == 0 && id != 0 {
		c, _ := u.count(int32(id), true)
		l.count = c + 1
		if live {
			l.live = true
			u.counts.at(c).live++
		}
	}
	if live {
		return
	}
	if l.live {
		c := l.count - 1
		g := u.counts.at(c)
		g.live--
		if g.dropped && g.live == 0 {
			ss := u.waiting[g.id]
			delete(u.waiting, g.id)
			u.end(&ss, c, m.Ref)
		}
	}
	*l = tunnelLink{}
	u.mob.Forget(i)
}

// dropped takes a session the Correlator dropped while reading message
// ref: it ends now, or once the endpoint table's sessions linked to it
// hold no more endpoints.
func (u *tunnels) dropped(ss *pfcp.Session, ref uint64) {
	c, ok := u.count(int32(ss.ID), false)
	if !ok {
		u.ends.push(sessionEnd{ref: ref, ss: *ss})
		return
	}
	if g := u.counts.at(c); g.live > 0 {
		g.dropped = true
		u.waiting[int32(ss.ID)] = *ss
		return
	}
	u.end(ss, c, ref)
}

// end hands session ss, with count slot c, to the sink as of message
// ref, and forgets the count.
func (u *tunnels) end(ss *pfcp.Session, c int32, ref uint64) {
	g := u.counts.at(c)
	u.ends.push(sessionEnd{ref: ref, ss: *ss, packets: g.packets, bytes: g.bytes})
	u.counts.drop(g.id, c)
}

// gtpu counts a G-PDU (packet p) for the session owning its endpoint
// (outer destination and TEID) at this point of the capture. A G-PDU in
// outer IP fragments counts once, with the frame bytes of all its
// fragments (see fragment).
func (u *tunnels) gtpu(p *pipeline.Packet) {
	d, wire := &p.Decoded, p.OrigLen
	if d.GTPType != 255 || d.TEID == 0 {
		return
	}
	i, ok := u.mob.Tunnel(d.IP.Dst, d.TEID)
	if !ok || i < 0 || int(i) >= u.links.Len() {
		return
	}
	c := u.links.At(int(i)).count
	if c == 0 {
		return
	}
	g := u.counts.at(c - 1)
	g.packets++
	g.bytes += int64(wire)
	if d.Layers.Has(pipeline.LayerFragment) && d.FragOffset == 0 && d.MoreFragments {
		id := fragIDOf(d)
		u.frags.Put(id, fragCount{slot: c - 1, id: g.id}, p.Timestamp)
		if n, ok := u.early.Take(id, p.Timestamp); ok {
			g.bytes += n
		}
	}
}

// fragment adds the frame bytes of p, a later fragment of an outer
// datagram, to the count of the G-PDU its first fragment carried; before
// that fragment has come, they wait for it in early.
func (u *tunnels) fragment(p *pipeline.Packet) {
	id := fragIDOf(&p.Decoded)
	fc, ok := u.frags.Get(id, p.Timestamp)
	if !ok {
		n, _ := u.early.Get(id, p.Timestamp)
		u.early.Put(id, n+int64(p.OrigLen), p.Timestamp)
		return
	}
	if g := u.counts.at(fc.slot); g.id == fc.id {
		g.bytes += int64(p.OrigLen)
	}
}

// fragIDOf names the outer datagram d is a fragment of.
func fragIDOf(d *pipeline.Decoded) ipfrag.ID {
	return ipfrag.ID{Src: d.IP.Src, Dst: d.IP.Dst, ID: d.IPID, Proto: d.IP.Proto}
}

// of returns the G-PDU packets and bytes of session id, not ended.
func (u *tunnels) of(id int) (packets, bytes int64) {
	c, ok := u.count(int32(id), false)
	if !ok {
		return 0, 0
	}
	g := u.counts.at(c)
	return g.packets, g.bytes
}
