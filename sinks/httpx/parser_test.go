package httpx

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/decoders/tcpreasm"
	"github.com/pcapflow/pcapflow/internal/corpus"
)

// drive feeds a conversation to a handler: each element is a direction
// ('>' client, '<' server) and its bytes; "!N" in place of bytes is a gap.
func drive(t testing.TB, steps []string, split int) []Record {
	var recs []Record
	s, err := New(Options{Emit: func(x *Exchange) error { recs = append(recs, RecordOf(x)); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	h := (*handler)(s)
	c := &tcpreasm.Conn{ID: 7, Client: netip.MustParseAddrPort("10.0.0.1:1000"), Server: netip.MustParseAddrPort("10.0.0.2:80")}
	h.Open(c)
	for i, st := range steps {
		d := tcpreasm.ClientToServer
		if st[0] == '<' {
			d = tcpreasm.ServerToClient
		}
		at := tcpreasm.Chunk{Timestamp: int64(i+1) * 1e6, Frame: uint64(i + 1)}
		body := st[1:]
		if strings.HasPrefix(body, "!") {
			var n uint64
			fmt.Sscan(body[1:], &n)
			h.Gap(c, d, n, at)
			continue
		}
		for len(body) > 0 {
			n := len(body)
			if split > 0 && n > split {
				n = split
			}
			h.Data(c, d, []byte(body[:n]), at)
			body = body[n:]
		}
	}
	h.Close(c)
	return recs
}

func TestExchanges(t *testing.T) {
	tests := []struct {
		name  string
		steps []string
		want  []string // method uri status reqbody respbody missing complete
		// whole: resynchronising after a gap needs a chunk that starts
		// with a message, so the steps are not split further.
		whole bool
	}{
		{"keep-alive", []string{
			">GET /a HTTP/1.1\r\nHost: h\r\n\r\n",
			"<HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
			">POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nwxyz",
			"<HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
		}, []string{"GET /a 200 0 3 0 true", "POST /b 201 4 0 0 true"}, false},
		{"pipelined-with-head", []string{
			">GET /1 HTTP/1.1\r\n\r\nHEAD /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n",
			"<HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
			"<HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nx",
		}, []string{"GET /1 200 0 2 0 true", "HEAD /2 200 0 0 0 true", "GET /3 404 0 1 0 true"}, false},
		{"chunked-with-trailer", []string{
			">GET /c HTTP/1.1\r\n\r\n",
			"<HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nabcd\r\n10\r\n0123456789abcdef\r\n0\r\nX-T: 1\r\n\r\n",
			">GET /d HTTP/1.1\r\n\r\n",
			"<HTTP/1.1 304 Not Modified\r\n\r\n",
		}, []string{"GET /c 200 0 20 0 true", "GET /d 304 0 0 0 true"}, false},
		{"continue-then-final", []string{
			">PUT /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
			"<HTTP/1.1 100 Continue\r\n\r\n",
			">hi",
			"<HTTP/1.1 204 No Content\r\n\r\n",
		}, []string{"PUT /u 204 2 0 0 true"}, false},
		{"until-close", []string{
			">GET / HTTP/1.0\r\n\r\n",
			"<HTTP/1.0 200 OK\r\n\r\nall of ", "<this",
		}, []string{"GET / 200 0 11 0 true"}, false},
		{"gap-in-body", []string{
			">GET /g HTTP/1.1\r\n\r\n",
			"<HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab", "<!5", "<xyz",
			">GET /h HTTP/1.1\r\n\r\n",
			"<HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz",
		}, []string{"GET /g 200 0 10 5 true", "GET /h 200 0 1 0 true"}, false},
		{"gap-in-headers-resyncs", []string{
			">GET /x HTTP/1.1\r\nHo", ">!20", ">GET /y HTTP/1.1\r\n\r\n",
			"<HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
		}, []string{"GET /y 200 0 0 0 true"}, true},
		{"unanswered-and-orphan", []string{
			"<HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nq",
			">GET /late HTTP/1.1\r\n\r\n",
		}, []string{"- - 200 -1 1 0 false", "GET /late -1 0 -1 0 false"}, false},
		{"not-http", []string{">\x16\x03\x01\x02\x00binary tls", "<\x16\x03\x03more"}, nil, false},
	}
	for _, tt := range tests {
		for _, split := range []int{0, 1, 3} {
			if tt.whole && split > 0 {
				continue
			}
			t.Run(fmt.Sprintf("%s/split%d", tt.name, split), func(t *testing.T) {
				var got []string
				for _, r := range drive(t, tt.steps, split) {
					m, u := r.Method, r.URI
					if m == "" {
						m, u = "-", "-"
					}
					got = append(got, fmt.Sprintf("%s %s %d %d %d %d %v", m, u, r.Status, r.RequestBody, r.ResponseBody, r.MissingBytes, r.Complete))
				}
				if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
					t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
				}
			})
		}
	}
}

func TestSafeName(t *testing.T) {
	tests := []struct{ uri, want string }{
		{"/images/logo.jpg", "logo.jpg"},
		{"/", "index"},
		{"", "index"},
		{"/../../etc/passwd", "passwd"},
		{"/a/..", "index"},
		{"/.hidden", "hidden"},
		{"/x?y=../../z", "x"},
		{"/dir/na me;évil\x00.txt", "na_me__vil_.txt"},
		{"http://host/p/q.css?v=1", "q.css"},
		{"/" + strings.Repeat("a", 200) + ".bin", strings.Repeat("a", 76) + ".bin"},
	}
	for _, tt := range tests {
		if got := SafeName(tt.uri); got != tt.want {
			t.Errorf("SafeName(%q) = %q, want %q", tt.uri, got, tt.want)
		}
	}
}

// FuzzParser feeds arbitrary bytes to both directions in random splits:
// the parser must never panic and every body size must be non-negative.
func FuzzParser(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"), []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"), uint8(3))
	corpus.Seed(func(b []byte) { f.Add(b, b, uint8(len(b))) }, 2048)
	f.Fuzz(func(t *testing.T, req, resp []byte, split uint8) {
		steps := []string{">" + string(req), "<" + string(resp), ">" + string(resp), "<" + string(req)}
		for _, r := range drive(t, steps, int(split)) {
			if r.RequestBody < -1 || r.ResponseBody < -1 || r.MissingBytes < 0 {
				t.Fatalf("bad sizes %+v", r)
			}
			if SafeName(r.URI) == "" || strings.ContainsAny(SafeName(r.URI), "/\\") {
				t.Fatalf("unsafe name for %q", r.URI)
			}
		}
	})
}

// TestHeadEnd checks headEnd against a byte-by-byte search on hand-picked
// heads and on random strings of the bytes that matter.
func TestHeadEnd(t *testing.T) {
	ref := func(b []byte) (int, int) {
		for i := range b {
			if b[i] != '\n' {
				continue
			}
			if i+1 < len(b) && b[i+1] == '\n' {
				return i + 1, 1
			}
			if i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n' {
				return i + 1, 2
			}
		}
		return -1, 0
	}
	cases := []string{"", "\n", "\n\n", "\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\n\r\nbody", "a\nb\n\nc",
		"\n\r\n", "\n\r", "x\r\n\r", "HTTP/1.1 200 OK\n\n", "no end\r\n"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = "ab\r\n"[rng.IntN(4)]
		}
		cases = append(cases, string(b))
	}
	for _, c := range cases {
		gotEnd, gotSkip := headEnd([]byte(c))
		wantEnd, wantSkip := ref([]byte(c))
		if gotEnd != wantEnd || gotSkip != wantSkip {
			t.Errorf("headEnd(%q) = %d, %d, want %d, %d", c, gotEnd, gotSkip, wantEnd, wantSkip)
		}
	}
}
