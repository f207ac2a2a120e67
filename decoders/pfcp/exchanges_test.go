package pfcp

import (
	"testing"
	"time"
)

func TestExchangesAdd(t *testing.T) {
	type finished struct {
		copies   int
		answered bool
		latency  time.Duration
	}
	ms := time.Millisecond
	for _, c := range []struct {
		name string
		add  []finished
		want Exchanges
	}{
		{"none", nil, Exchanges{}},
		{"one unanswered, sent three times", []finished{{3, false, 0}},
			Exchanges{Requests: 1, Retransmissions: 2, Unanswered: 1}},
		{"answered and not", []finished{{1, true, 5 * ms}, {2, true, 2 * ms}, {1, false, 0}, {1, true, 9 * ms}},
			Exchanges{Requests: 4, Retransmissions: 1, Unanswered: 1, Answered: 3, LatencyMin: 2 * ms, LatencyMax: 9 * ms, LatencyTotal: 16 * ms}},
		{"a zero latency is the minimum", []finished{{1, true, 4 * ms}, {1, true, 0}},
			Exchanges{Requests: 2, Answered: 2, LatencyMax: 4 * ms, LatencyTotal: 4 * ms}},
	} {
		var e Exchanges
		for _, a := range c.add {
			e.Add(a.copies, a.answered, a.latency)
		}
		if e != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, e, c.want)
		}
	}
}
