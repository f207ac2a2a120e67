package seids

import (
	"strings"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
)

// TestSessionsEndAfterLinger: a deleted session's row is written Linger
// (packet time) after its deletion response, when a later message shows
// that time passed, and once the exchanges it owns have ended; a message
// with its SEID within Linger still counts for it, a later one for no
// session.
func TestSessionsEndAfterLinger(t *testing.T) {
	f := newFeeder(t)
	f.establish(1, 0x100, 0x200)
	f.establish(2, 0x101, 0x201)
	// Session 1: an unanswered modification (its exchange waits 60 s),
	// then the deletion.
	f.after(time.Second).exchange(pfcp.SessionModificationRequest, 3, 0x100, 0x200, false)
	f.after(time.Second).exchange(pfcp.SessionDeletionRequest, 4, 0x100, 0x200, true)
	// Within Linger: still session 1's.
	f.after(5*time.Second).exchange(pfcp.SessionReportRequest, 5, 0x100, 0x200, true)
	f.after(6*time.Second).exchange(pfcp.SessionModificationRequest, 6, 0x101, 0x201, true)
	if f.s.sess.details.ids.x.Len() != 2 {
		t.Fatalf("%d session records, want 2 (session 1 waits for its unanswered exchange)", f.s.sess.details.ids.x.Len())
	}
	flush := func() {
		if err := f.s.w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	flush()
	if f.out.Len() != 0 {
		t.Fatalf("a row was written before its exchanges ended: %s", f.out.String())
	}
	// Past Linger: session 1's SEID matches no session.
	f.after(time.Second).exchange(pfcp.SessionReportRequest, 7, 0x100, 0x200, true)
	// The modification's exchange ends 60 s after its request: then
	// session 1's row is written and its record dropped.
	f.after(40*time.Second).exchange(pfcp.SessionModificationRequest, 8, 0x101, 0x201, true)
	flush()
	if n := strings.Count(f.out.String(), "\n"); n != 0 {
		t.Fatalf("%d rows before the exchange ended", n)
	}
	f.after(10*time.Second).exchange(pfcp.SessionModificationRequest, 9, 0x101, 0x201, true)
	flush()
	if n := strings.Count(f.out.String(), "\n"); n != 1 || !strings.Contains(f.out.String(), `"session":1,`) {
		t.Fatalf("rows when session 1's last exchange ended: %q", f.out.String())
	}
	if f.s.sess.details.ids.x.Len() != 1 || f.s.tun.mob.Held() != 1 {
		t.Errorf("%d session records, %d endpoint-table sessions held, want 1 (session 2)", f.s.sess.details.ids.x.Len(), f.s.tun.mob.Held())
	}
	rows := f.rows()
	r := rowOf(t, rows, 1)
	// Establishment, modification request, deletion, report: 7
	// messages; the report past Linger is not among them.
	if r["messages"].(float64) != 7 || r["state"] != StateDeleted || r["unanswered"].(float64) != 1 || r["answered"].(float64) != 3 {
		t.Errorf("session 1: %v", r)
	}
	if r := rowOf(t, rows, 2); r["messages"].(float64) != 8 {
		t.Errorf("session 2: %v messages, want 8", r["messages"])
	}
	// Session 1 ended first: its row comes first.
	if rows[0]["session"].(float64) != 1 || rows[1]["session"].(float64) != 2 {
		t.Errorf("row order %v, %v", rows[0]["session"], rows[1]["session"])
	}
}
