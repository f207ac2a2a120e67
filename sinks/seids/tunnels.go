package seids

import (
	"github.com/pcapflow/pcapflow/decoders/mobile"
	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/internal/chunked"
	"github.com/pcapflow/pcapflow/pipeline"
)

// tunnels counts, for the session table, the G-PDUs sent to each
// session's GTP-U endpoints. It follows the endpoints in capture order
// where the Correlator runs (the Correlate stage, else the sink), apart
// from the tracker, which the sink feeds.
type tunnels struct {
	// mob follows the sessions' GTP-U endpoints; ids maps its session
	// index to the Correlator's session id (0: not yet known).
	mob *mobile.PFCPTable
	ids chunked.Array[int32]
	// counts holds the G-PDUs (and their frame lengths on the wire) by
	// session id.
	counts chunked.Array[gpduCount]
}

// gpduCount counts a session's G-PDUs.
type gpduCount struct{ packets, bytes int64 }

func newTunnels() *tunnels { return &tunnels{mob: mobile.NewPFCPTable()} }

// follow feeds m, which the Correlator gave session id (0: none yet),
// to the endpoint table and links its session to the id once it has one.
func (u *tunnels) follow(m *pfcp.Message, id int) {
	i, class := u.mob.Add(m.Src.Addr(), m.Dst.Addr(), m.Summary)
	if class != mobile.ClassSession || i < 0 {
		return
	}
	u.ids.Grow(int(i))
	if p := u.ids.At(int(i)); *p == 0 && id != 0 {
		*p = int32(id)
	}
}

// gtpu counts a G-PDU for the session owning its endpoint (outer
// destination and TEID) at this point of the capture.
func (u *tunnels) gtpu(d *pipeline.Decoded, wire uint32) {
	if d.GTPType != 255 || d.TEID == 0 {
		return
	}
	i, ok := u.mob.Tunnel(d.IP.Dst, d.TEID)
	if !ok || i < 0 || int(i) >= u.ids.Len() {
		return
	}
	id := int(*u.ids.At(int(i)))
	if id == 0 {
		return
	}
	u.counts.Grow(id)
	c := u.counts.At(id)
	c.packets++
	c.bytes += int64(wire)
}

// of returns session id's G-PDU packets and bytes.
func (u *tunnels) of(id int) (packets, bytes int64) {
	if id < 0 || id >= u.counts.Len() {
		return 0, 0
	}
	c := u.counts.At(id)
	return c.packets, c.bytes
}
