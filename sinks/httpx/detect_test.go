package httpx

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/decoders/tcpreasm"
)

// driveStreams feeds a conversation to a handler as the reassembler
// would: each step is a direction ('>' client, '<' server) and its bytes,
// stream offsets count per direction, handshake says whether both SYNs
// were seen (the streams start at offset 0 at their true beginning), and
// a direction the handler ignores gets nothing more. It returns the
// exchanges, one line each, and the connection.
func driveStreams(t *testing.T, steps []string, handshake bool) ([]string, *tcpreasm.Conn) {
	t.Helper()
	var got []string
	s, err := New(Options{Emit: func(x *Exchange) error {
		r := RecordOf(x)
		got = append(got, fmt.Sprintf("%s %s %d", r.Method, r.URI, r.Status))
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	h := (*handler)(s)
	c := &tcpreasm.Conn{ID: 3, Client: netip.MustParseAddrPort("10.0.0.1:40000"), Server: netip.MustParseAddrPort("10.0.0.2:80")}
	c.Stats[0].SYN, c.Stats[1].SYN = handshake, handshake
	h.Open(c)
	var off [2]uint64
	for i, st := range steps {
		d := tcpreasm.ClientToServer
		if st[0] == '<' {
			d = tcpreasm.ServerToClient
		}
		if c.Ignored(d) {
			continue
		}
		h.Data(c, d, []byte(st[1:]), tcpreasm.Chunk{Timestamp: int64(i+1) * 1e6, Frame: uint64(i + 1), Offset: off[d]})
		off[d] += uint64(len(st) - 1)
	}
	h.Close(c)
	return got, c
}

// TestDetection checks which streams the sink gives up as not HTTP: only
// those seen from their SYN whose first bytes do not start a message, the
// server's only once the client's was given up, and never a stream whose
// exchanges it would otherwise report.
func TestDetection(t *testing.T) {
	tls := "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"
	tests := []struct {
		name      string
		steps     []string
		handshake bool
		want      []string
		ignored   [2]bool
	}{
		{"http", []string{">GET /a HTTP/1.1\r\n\r\n", "<HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}, true,
			[]string{"GET /a 200"}, [2]bool{}},
		{"tls", []string{">" + tls, "<" + tls, ">GET /late HTTP/1.1\r\n\r\n", "<HTTP/1.1 200 OK\r\n\r\n"}, true,
			nil, [2]bool{true, true}},
		{"server-answers-http", []string{">" + tls, "<HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"}, true,
			[]string{"  400"}, [2]bool{true, false}},
		{"server-speaks-first", []string{"<220 smtp.example.com ESMTP\r\n", ">EHLO client.example\r\n"}, true,
			nil, [2]bool{true, false}},
		{"server-garbage-then-response", []string{">GET /g HTTP/1.1\r\n\r\n", "<" + tls, "<HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}, true,
			[]string{"GET /g 200"}, [2]bool{}},
		{"too-short-to-tell", []string{">\x16\x03", ">\x01\x02 more binary\r\n\r\n"}, true,
			nil, [2]bool{}},
		{"leading-blank-lines", []string{">\r\n\r\nGET /b HTTP/1.1\r\n\r\n", "<HTTP/1.1 204 No Content\r\n\r\n"}, true,
			[]string{"GET /b 204"}, [2]bool{}},
		{"mid-stream-resyncs", []string{">" + tls, ">GET /m HTTP/1.1\r\n\r\n", "<HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}, false,
			[]string{"GET /m 200"}, [2]bool{}},
		{"switching-protocols", []string{">GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n", "<HTTP/1.1 101 Switching Protocols\r\n\r\n",
			">GET /not-http-any-more HTTP/1.1\r\n\r\n"}, true,
			[]string{"GET /ws 101"}, [2]bool{true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, c := driveStreams(t, tt.steps, tt.handshake)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("exchanges\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if ig := [2]bool{c.Ignored(0), c.Ignored(1)}; ig != tt.ignored {
				t.Errorf("ignored %v, want %v", ig, tt.ignored)
			}
		})
	}
}
