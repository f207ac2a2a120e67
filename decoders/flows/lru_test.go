package flows

import (
	"testing"
	"time"
)

// TestIdleOrder checks that flows idle at the same packet end in order of
// their last packet, that a flow alone in its list is kept alive by its
// own packets, and that the table is reusable after Flush.
func TestIdleOrder(t *testing.T) {
	var ends []uint16
	var reasons []string
	tab := NewTable(Options{Emit: func(r *Record) {
		ends = append(ends, r.RespPort)
		reasons = append(reasons, r.EndReason)
	}})
	at := func(port uint16, d time.Duration) {
		t.Helper()
		p, data := udpPacket(false, port, nil, int64(d))
		if id, _ := tab.Observe(&p, data); id == 0 {
			t.Fatalf("port %d: no flow", port)
		}
	}
	// One flow, alone in its list, seen every 40 s: never idle for 60 s.
	for i := range 5 {
		at(1, time.Duration(i)*40*time.Second)
	}
	if len(ends) != 0 {
		t.Fatalf("a flow seen every 40 s ended: %v %v", ends, reasons)
	}
	// Flows 2, 3 and 4, then 2 again: after 61 s without packets the
	// order of their ends is 1, 3, 4, 2.
	base := 160 * time.Second
	at(2, base+1)
	at(3, base+2)
	at(4, base+3)
	at(2, base+4)
	at(5, base+4+61*time.Second)
	want := []uint16{1, 3, 4, 2}
	if len(ends) != len(want) {
		t.Fatalf("ended %v, want %v", ends, want)
	}
	for i := range want {
		if ends[i] != want[i] || reasons[i] != EndIdle {
			t.Fatalf("ended %v (%v), want %v idle", ends, reasons, want)
		}
	}
	if tab.Active() != 1 {
		t.Fatalf("%d flows active, want 1", tab.Active())
	}
	tab.Flush()
	if tab.Active() != 0 || ends[len(ends)-1] != 5 || tab.CommunityID() != "" {
		t.Fatalf("after Flush: %d active, last ended %d", tab.Active(), ends[len(ends)-1])
	}
	// After Flush the table starts over, with ids that go on counting.
	var id uint64
	p, data := udpPacket(false, 5, nil, int64(base+70*time.Second))
	if id, _ = tab.Observe(&p, data); id != 6 || tab.Active() != 1 {
		t.Fatalf("after Flush: id %d, %d active", id, tab.Active())
	}
}
