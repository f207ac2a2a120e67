package gtpc

import "testing"

// BenchmarkSummarizeCreateSessionRequest summarizes a complete Create
// Session Request (IMSI, MSISDN, MEI, RAT, two F-TEIDs, APN, PAA, a bearer
// context with an F-TEID and QoS).
func BenchmarkSummarizeCreateSessionRequest(b *testing.B) {
	var s Summary
	b.ReportAllocs()
	b.SetBytes(int64(len(createSessionRequest)))
	for b.Loop() {
		Summarize(createSessionRequest, &s)
	}
	if s.NumFTEIDs != 3 || !s.HasIMSI {
		b.Fatalf("bad summary %+v", s)
	}
}

// BenchmarkSummarizePiggybacked summarizes a Create Session Response with a
// piggybacked Create Bearer Request.
func BenchmarkSummarizePiggybacked(b *testing.B) {
	in := cat(createSessionResponse, createBearerRequest)
	var s Summary
	b.ReportAllocs()
	for b.Loop() {
		Summarize(in, &s)
	}
}

// BenchmarkIEWalk walks the elements of a Create Session Request without
// decoding them.
func BenchmarkIEWalk(b *testing.B) {
	body := createSessionRequest[HeaderLenTEID:]
	b.ReportAllocs()
	for b.Loop() {
		it := IEs(body)
		for it.Next() {
		}
	}
}
