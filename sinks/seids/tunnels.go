package seids

import (
	"github.com/pcapflow/pcapflow/decoders/mobile"
	"github.com/pcapflow/pcapflow/decoders/pfcp"
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
	ids []int
	// packets and bytes count the G-PDUs (and their frame lengths on the
	// wire), by session id.
	packets, bytes []int64
}

func newTunnels() *tunnels { return &tunnels{mob: mobile.NewPFCPTable()} }

// follow feeds m, which the Correlator gave session id (0: none yet),
// to the endpoint table and links its session to the id once it has one.
func (u *tunnels) follow(m *pfcp.Message, id int) {
	i, class := u.mob.Add(m.Src.Addr(), m.Dst.Addr(), m.Summary)
	if class != mobile.ClassSession {
		return
	}
	for int(i) >= len(u.ids) {
		u.ids = append(u.ids, 0)
	}
	if u.ids[i] == 0 && id != 0 {
		u.ids[i] = id
	}
}

// gtpu counts a G-PDU for the session owning its endpoint (outer
// destination and TEID) at this point of the capture.
func (u *tunnels) gtpu(d *pipeline.Decoded, wire uint32) {
	if d.GTPType != 255 || d.TEID == 0 {
		return
	}
	i, ok := u.mob.Tunnel(d.IP.Dst, d.TEID)
	if !ok || int(i) >= len(u.ids) || u.ids[i] == 0 {
		return
	}
	id := u.ids[i]
	for id >= len(u.packets) {
		u.packets, u.bytes = append(u.packets, 0), append(u.bytes, 0)
	}
	u.packets[id]++
	u.bytes[id] += int64(wire)
}

// of returns session id's G-PDU packets and bytes.
func (u *tunnels) of(id int) (packets, bytes int64) {
	if id < 0 || id >= len(u.packets) {
		return 0, 0
	}
	return u.packets[id], u.bytes[id]
}
