package pfcp

import "testing"

func BenchmarkSummarizeEstablishmentRequest(b *testing.B) {
	m := sessionEstablishmentRequest(1)
	var s Summary
	b.ReportAllocs()
	b.SetBytes(int64(len(m)))
	for b.Loop() {
		Summarize(m, &s)
	}
	if s.NumUEIPs != 2 {
		b.Fatal("unexpected summary")
	}
}

func BenchmarkIEWalk(b *testing.B) {
	m := sessionEstablishmentRequest(1)
	h, _ := ParseHeader(m)
	body := h.Body(m)
	b.ReportAllocs()
	b.SetBytes(int64(len(m)))
	n := 0
	for b.Loop() {
		it := NewIEIterator(body)
		for it.Next() {
			if it.Type() == IEFSEID {
				if _, ok := it.IE().FSEID(); ok {
					n++
				}
			}
		}
	}
	if n == 0 {
		b.Fatal("no F-SEID")
	}
}

func BenchmarkParseHeader(b *testing.B) {
	m := sessionEstablishmentRequest(1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseHeader(m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSummarizeTopEstablishmentRequest(b *testing.B) {
	m := sessionEstablishmentRequest(1)
	var s Summary
	b.ReportAllocs()
	b.SetBytes(int64(len(m)))
	for b.Loop() {
		SummarizeTop(m, &s)
	}
	if s.NumFSEIDs != 1 {
		b.Fatal("unexpected summary")
	}
}
