package pfcp

import "time"

// Exchanges counts finished request/response exchanges, as the session
// tables of `seids --sessions` and the pfcp_sessions Parquet table report
// them per session or node pair.
type Exchanges struct {
	// Requests counts exchanges (first copies of requests);
	// Retransmissions their further copies; Unanswered those that got no
	// response, Answered those that did.
	Requests, Retransmissions, Unanswered, Answered int
	// Latency of the answered ones, from the first copy of the request to
	// the first response.
	LatencyMin, LatencyMax, LatencyTotal time.Duration
}

// Add counts one finished exchange: copies of its request, and whether and
// how fast it was answered.
func (e *Exchanges) Add(copies int, answered bool, latency time.Duration) {
	e.Requests++
	e.Retransmissions += copies - 1
	if !answered {
		e.Unanswered++
		return
	}
	if e.Answered == 0 || latency < e.LatencyMin {
		e.LatencyMin = latency
	}
	e.LatencyMax = max(e.LatencyMax, latency)
	e.LatencyTotal += latency
	e.Answered++
}
