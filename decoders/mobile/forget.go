package mobile

// Forget takes session i out of the table, for good: later messages with
// its SEIDs or its establishment's sequence numbers match no session, its
// GTP-U endpoints and UE addresses are released (all of them, also the
// ones beyond what PFCPSession lists), and its slot is reused by a later
// session, so that the table's memory follows the sessions not forgotten.
// Callers that keep data by session index must drop it too. Forgetting a
// session that is no longer Live changes no later answer about the other
// sessions (a new establishment on its CP SEID opens a session either
// way, then of generation 0); forgetting a live one ends it. Forget(i)
// twice, or of an index not below Len, does nothing.
func (t *PFCPTable) Forget(i int32) {
	if i < 0 || int(i) >= t.sessions.Len() {
		return
	}
	ss := t.sessions.At(int(i))
	if ss.forgotten {
		return
	}
	if ss.Live() {
		// (A deletion or rejection released them already.)
		t.releaseAll(i)
	}
	k := cpKey{cp: ss.cp, up: ss.up, seid: ss.CPSEID, has: ss.HasCPSEID}
	if cur, ok := t.byCP[k]; ok && cur == i {
		delete(t.byCP, k)
	}
	for j := -1; j < len(ss.more); j++ {
		seq := ss.seq
		if j >= 0 {
			seq = ss.more[j]
		}
		ek := estKey{ss.cp, ss.up, seq}
		if cur, ok := t.pending[ek]; ok && cur == i {
			delete(t.pending, ek)
		}
	}
	if ss.HasUPSEID {
		t.bySEID.x.Remove(t.bySEID.hash(seidKey{ss.cp, ss.up, ss.UPSEID}), i<<1)
	}
	if ss.HasCPSEID && ss.Answered && !ss.Rejected {
		t.bySEID.x.Remove(t.bySEID.hash(seidKey{ss.up, ss.cp, ss.CPSEID}), i<<1|1)
	}
	ss.forgotten = true
	t.free = append(t.free, i)
}

// alloc returns a slot for a new session: a forgotten session's, oldest
// first, or a new one.
func (t *PFCPTable) alloc() int32 {
	if t.head < len(t.free) {
		i := t.free[t.head]
		t.head++
		if t.head == len(t.free) {
			t.free, t.head = t.free[:0], 0
		} else if t.head >= 1024 && 2*t.head >= len(t.free) {
			n := copy(t.free, t.free[t.head:])
			t.free, t.head = t.free[:n], 0
		}
		return i
	}
	return int32(t.sessions.Add())
}

// Held returns the number of sessions the table holds: opened and not
// forgotten.
func (t *PFCPTable) Held() int { return t.sessions.Len() - (len(t.free) - t.head) }
