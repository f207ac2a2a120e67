package flows

import "testing"

// TestPreparedKeysUsed checks that Observe takes the keys Prepare computed
// (TestPrepareSameRecords only shows that the results do not change): on
// the decoded mix, every prepared key of a batch is used by the batch's
// Observe calls, and all but fragments and non-IP packets are prepared.
func TestPreparedKeysUsed(t *testing.T) {
	c, err := decodedMix()
	if err != nil {
		t.Fatal(err)
	}
	tab := NewTable(Options{Emit: func(*Record) {}})
	var prepared, used int
	for lo := 0; lo < len(c.pkts); lo += 1024 {
		hi := min(lo+1024, len(c.pkts))
		tab.Prepare(c.pkts[lo:hi])
		prepared += len(tab.prep.keys)
		for i := lo; i < hi; i++ {
			id, _ := tab.Observe(&c.pkts[i], c.data(i))
			tab.ObserveInner(&c.pkts[i], c.data(i), id)
		}
		used += tab.prep.next
	}
	if prepared < len(c.pkts)*9/10 || used != prepared {
		t.Errorf("%d packets: %d prepared, %d of those keys used", len(c.pkts), prepared, used)
	}
}
