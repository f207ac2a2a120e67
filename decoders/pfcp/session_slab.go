package pfcp

// sessHot is the part of a session that every one of its messages reads
// and writes: its keys, id and counters, in one 64-byte cache line.
type sessHot struct {
	cp, up         uint32
	cpSEID, upSEID uint64
	id             int
	flags          uint8
	messages       int
	last           uint64
	// expires is when a deleted session is dropped (with Forget and a
	// Linger): the expiry check then reads this line only.
	expires int64
}

// sessHot flags.
const (
	sessCPSEID  uint8 = 1 << iota // cpSEID is valid
	sessUPSEID                    // upSEID is valid
	sessLive                      // the slot holds a session
	sessIndexed                   // deleted, its retirement applied to Correlator.gone
)

// sessCold is the rest of a session: read when it is listed or dropped.
type sessCold struct {
	estRequest, estResponse, first uint64
	// deleted is the Ref of the Session Deletion Response, or 0.
	deleted uint64
	// firstTime and firstTag are the first message's time and Tag.
	firstTime   int64
	firstTag    uint64
	estCause    Cause
	hasEstCause bool
}

// slab stores sessions in fixed-size chunks, so that growing never copies
// them, hot and cold parts apart. Dropped slots are reused oldest first:
// sessions opened one after another then sit side by side, and their
// later messages, which come in much the same order, read memory in
// order.
type slab struct {
	hot  [][]sessHot
	cold [][]sessCold
	used int
	free ring[int32]
}

const slabChunk = 1024

func (sl *slab) at(i int32) *sessHot { return &sl.hot[i/slabChunk][i%slabChunk] }

func (sl *slab) coldAt(i int32) *sessCold { return &sl.cold[i/slabChunk][i%slabChunk] }

// live returns the number of sessions held.
func (sl *slab) live() int { return sl.used - sl.free.len() }

// alloc returns a free slot's index.
func (sl *slab) alloc() int32 {
	if sl.free.len() > 0 {
		i := sl.free.front()
		sl.free.pop()
		return i
	}
	if sl.used == len(sl.hot)*slabChunk {
		sl.hot = append(sl.hot, make([]sessHot, slabChunk))
		sl.cold = append(sl.cold, make([]sessCold, slabChunk))
	}
	sl.used++
	return int32(sl.used - 1)
}

// has reports whether session slot i has the SEID key (src, dst, seid):
// header SEIDs from CP to UP are the UP SEID, from UP to CP the CP SEID.
func (h *sessHot) has(k seidKey) bool {
	return h.flags&sessUPSEID != 0 && h.upSEID == k.seid && h.cp == k.src && h.up == k.dst ||
		h.flags&sessCPSEID != 0 && h.cpSEID == k.seid && h.up == k.src && h.cp == k.dst
}

// pair returns the session's pair key.
func (h *sessHot) pair() pairKey {
	return pairKey{cp: h.cp, up: h.up, cpSEID: OptSEID{SEID: h.cpSEID, Valid: h.flags&sessCPSEID != 0},
		upSEID: OptSEID{SEID: h.upSEID, Valid: h.flags&sessUPSEID != 0}}
}

// session returns slot i as a Session.
func (c *Correlator) session(i int32) Session {
	h, cd := c.sessions.at(i), c.sessions.coldAt(i)
	pk := h.pair()
	return Session{ID: h.id, CP: c.ends.addr(h.cp), UP: c.ends.addr(h.up), CPSEID: pk.cpSEID, UPSEID: pk.upSEID,
		EstRequest: cd.estRequest, EstResponse: cd.estResponse, EstCause: cd.estCause, HasEstCause: cd.hasEstCause,
		Messages: h.messages, First: cd.first, Last: h.last, Deleted: cd.deleted, FirstTime: cd.firstTime, FirstTag: cd.firstTag}
}
