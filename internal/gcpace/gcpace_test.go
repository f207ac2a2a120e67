package gcpace

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		live, headroom uint64
		want           int
	}{
		{0, 64 * mib, maxPercent},
		{4 * mib, 64 * mib, 1600},
		{20 * mib, 64 * mib, 320},
		{64 * mib, 64 * mib, 100},
		{100 * mib, 64 * mib, 100}, // never below Go's default
		{1, 64 * mib, maxPercent},  // capped
	} {
		if got := Percent(c.live, c.headroom); got != c.want {
			t.Errorf("Percent(%d, %d) = %d, want %d", c.live, c.headroom, got, c.want)
		}
	}
}

// TestPacerFollowsLiveHeap checks that the pacer re-paces after each
// collection: a small live heap gets a high GOGC, one larger than the
// headroom gets Go's default.
func TestPacerFollowsLiveHeap(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	const headroom = 4 << 20
	p := start(headroom)
	defer p.stop()

	waitFor := func(cond func(int64) bool, what string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !cond(p.percent.Load()) {
			if time.Now().After(deadline) {
				t.Fatalf("GOGC %d: not %s", p.percent.Load(), what)
			}
			runtime.GC()
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor(func(v int64) bool { return v > 100 }, "raised for a small heap")

	live := make([][]byte, 64) // 16 MiB live: four times the headroom
	for i := range live {
		live[i] = make([]byte, 256<<10)
		live[i][0] = 1
	}
	waitFor(func(v int64) bool { return v == 100 }, "back to 100 for a heap above the headroom")
	runtime.KeepAlive(live)

	live = nil
	waitFor(func(v int64) bool { return v > 100 }, "raised again once the heap shrank")
}

func TestStopRestoresDefault(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	p := start(64 << 20)
	p.stop()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC after stop = %d, want 100", got)
	}
	runtime.GC()
	time.Sleep(10 * time.Millisecond)
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC after a collection following stop = %d, want 100", got)
	}
}
