package parquet

import (
	"errors"
	"runtime"
	"testing"
	"time"
)

// TestWorker checks that a worker runs its jobs in order on one goroutine,
// hands back each result, and that stop ends that goroutine (a later run
// starts another).
func TestWorker(t *testing.T) {
	before := runtime.NumGoroutine()
	var w worker
	var order []int
	boom := errors.New("boom")
	for i := range 5 {
		err := <-w.run(func() error {
			order = append(order, i)
			if i == 3 {
				return boom
			}
			return nil
		})
		if (i == 3) != (err == boom) {
			t.Fatalf("job %d: error %v", i, err)
		}
	}
	if len(order) != 5 || order[4] != 4 {
		t.Fatalf("jobs ran as %v", order)
	}
	w.stop()
	w.stop() // a second stop does nothing
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after stop, %d before the worker", runtime.NumGoroutine(), before)
		}
		time.Sleep(time.Millisecond)
	}
	if err := <-w.run(func() error { return nil }); err != nil {
		t.Fatalf("run after stop: %v", err)
	}
	w.stop()
}
