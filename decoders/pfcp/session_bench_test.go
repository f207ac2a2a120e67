package pfcp

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
	"time"
)

// sessionTraffic makes n sessions of establishment, modification and
// deletion exchanges between one CP and one UP node, started every
// millisecond and lasting two seconds, in time order: the shape of
// `pcapflow gen pfcp` traffic.
func sessionTraffic(n int) []Message {
	cp := netip.MustParseAddrPort("10.0.0.1:8805")
	up := netip.MustParseAddrPort("10.0.0.2:8805")
	rng := rand.New(rand.NewPCG(1, 2))
	type ev struct {
		t   int64
		sum Summary
		up  bool
	}
	var evs []ev
	seq := uint32(0)
	msg := func(t int64, typ MessageType, fromUP bool, seid uint64, fseid uint64, hasSEID bool) {
		if typ.IsRequest() {
			seq++ // a response has its request's sequence number
		}
		s := Summary{HeaderOK: true, Messages: 1, Header: Header{Version: 1, Type: typ, HasSEID: hasSEID, SEID: seid, Seq: seq}}
		if fseid != 0 {
			s.NumFSEIDs, s.FSEIDs[0].SEID = 1, fseid
		}
		if typ.IsResponse() {
			s.HasCause, s.Cause = true, 1
		}
		evs = append(evs, ev{t, s, fromUP})
	}
	ms := time.Millisecond.Nanoseconds()
	for i := range n {
		t := int64(i) * ms
		cpSEID, upSEID := rng.Uint64()|1, rng.Uint64()|1
		msg(t, SessionEstablishmentRequest, false, 0, cpSEID, true)
		msg(t+ms/2, SessionEstablishmentResponse, true, cpSEID, upSEID, true)
		msg(t+700*ms, SessionModificationRequest, false, upSEID, 0, true)
		msg(t+701*ms, SessionModificationResponse, true, cpSEID, 0, true)
		msg(t+2000*ms, SessionDeletionRequest, false, upSEID, 0, true)
		msg(t+2001*ms, SessionDeletionResponse, true, cpSEID, 0, true)
	}
	// Sort by time, keeping the order of equal times (a stable insertion
	// of an almost sorted list would do; sort.SliceStable is fine here).
	sortStable(evs, func(a, b ev) bool { return a.t < b.t })
	out := make([]Message, len(evs))
	for i := range evs {
		e := &evs[i]
		src, dst := cp, up
		if e.up {
			src, dst = up, cp
		}
		out[i] = Message{Src: src, Dst: dst, Ref: uint64(i + 1), Time: e.t, Summary: &e.sum}
	}
	return out
}

// BenchmarkCorrelator feeds 200,000 messages (33,333 sessions) through
// the Correlator as NewCorrelator and as the seids message report
// configure it; allocs/op is per run of all of them.
func BenchmarkCorrelator(b *testing.B) {
	msgs := sessionTraffic(33333)
	for _, c := range []struct {
		name string
		opts CorrelatorOptions
	}{
		{"remember", CorrelatorOptions{}},
		{"stream", CorrelatorOptions{Window: time.Minute, Linger: 10 * time.Second, Forget: true, SkipTransactions: true}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				corr := NewCorrelatorWith(c.opts)
				for _, m := range msgs {
					corr.Add(m)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(msgs)), "ns/msg")
		})
		// As sinks/seids feeds it: digests made beforehand (on its
		// workers), so the run measures the Correlator rather than
		// reading 200,000 separate Summaries.
		b.Run(c.name+"/digests", func(b *testing.B) {
			ds := make([]Digest, len(msgs))
			for i, m := range msgs {
				ds[i] = Digest{Src: EndpointOf(m.Src), Dst: EndpointOf(m.Dst), Time: m.Time}
				ds[i].Set(m.Summary)
			}
			b.ReportAllocs()
			for b.Loop() {
				corr := NewCorrelatorWith(c.opts)
				for i := range ds {
					corr.AddDigest(msgs[i].Ref, &ds[i])
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ds)), "ns/msg")
		})
	}
}

func sortStable[T any](s []T, less func(a, b T) bool) {
	slices.SortStableFunc(s, func(a, b T) int {
		switch {
		case less(a, b):
			return -1
		case less(b, a):
			return 1
		}
		return 0
	})
}
