package parquet

import (
	"net/netip"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/pcapflow/pcapflow/sinks/httpx"
)

// httpTable is the "http" table: one row per HTTP/1.x exchange (a request
// and the response that answered it) over the reassembled TCP streams.
type httpTable struct{}

var httpSchema = arrow.NewSchema([]arrow.Field{
	field("stream_id", u64, false),
	field("flow_id", u64, true),
	field("exchange", u32, false),
	field("client_ip", str, false),
	field("client_port", u16, false),
	field("server_ip", str, false),
	field("server_port", u16, false),
	field("ts_request", timestampNS, true),
	field("ts_response", timestampNS, true),
	field("method", str, true),
	field("host", str, true),
	field("uri", str, true),
	field("version", str, true),
	field("status", u16, true),
	field("reason", str, true),
	field("user_agent", str, true),
	field("request_content_type", str, true),
	field("response_content_type", str, true),
	field("transfer_encoding", str, true),
	field("request_headers", u16, true),
	field("response_headers", u16, true),
	field("request_header_bytes", u32, true),
	field("response_header_bytes", u32, true),
	field("request_body_bytes", i64, true),
	field("response_body_bytes", i64, true),
	field("response_content_length", i64, true),
	field("missing_bytes", i64, false),
	field("wait_ns", i64, true),
	field("duration_ns", i64, true),
	field("request_first_frame", u64, true),
	field("request_frame", u64, true),
	field("response_first_frame", u64, true),
	field("response_frame", u64, true),
	field("complete", boolean, false),
	field("source_file", str, false),
}, nil)

func (httpTable) Name() string          { return "http" }
func (httpTable) Schema() *arrow.Schema { return httpSchema }

func (httpTable) BindHTTP(b *array.RecordBuilder) HTTPAppender {
	return &httpAppender{b: b}
}

// HTTPExchange is one exchange as the http table receives it.
type HTTPExchange struct {
	// Exchange is the request/response pair; only valid during the call.
	*httpx.Exchange
	// FlowID is the flow (flows.flow_id) of the connection's first packet,
	// 0 when unknown.
	FlowID uint64
	// SourceFile names the input of the connection's first packet.
	SourceFile string
}

// Time returns the timestamp that places the exchange in a partition: its
// request's first packet, else its response's.
func (x *HTTPExchange) Time() int64 {
	if q := x.Request; q != nil {
		return q.First
	}
	if p := x.Response; p != nil {
		return p.First
	}
	return 0
}

type httpAppender struct {
	b       *array.RecordBuilder
	scratch [64]byte
}

func (a *httpAppender) AppendHTTP(x *HTTPExchange) {
	w := rowWriter{f: a.b.Fields(), scratch: a.scratch[:0]}
	q, p := x.Request, x.Response
	w.u64(x.Stream)
	w.u64If(x.FlowID != 0, x.FlowID)
	w.u32(uint32(x.Index))
	w.addrPort(x.Client)
	w.addrPort(x.Server)
	if q != nil {
		w.ts(q.First)
	} else {
		w.null()
	}
	if p != nil {
		w.ts(p.First)
	} else {
		w.null()
	}
	var method, host, uri, version, reason, ua, qct, pct, te string
	if q != nil {
		method, host, uri, version = q.Method, q.Get("Host"), q.URI, q.Version
		ua, qct = q.Get("User-Agent"), q.Get("Content-Type")
	}
	if p != nil {
		if version == "" {
			version = p.Version
		}
		reason, pct, te = p.Reason, p.Get("Content-Type"), p.Get("Transfer-Encoding")
	}
	w.strIf(q != nil, method)
	w.strOrNull(host)
	w.strIf(q != nil, uri)
	w.strOrNull(version)
	if p != nil {
		w.u16(uint16(p.Status))
	} else {
		w.null()
	}
	w.strIf(p != nil, reason)
	w.strOrNull(ua)
	w.strOrNull(qct)
	w.strOrNull(pct)
	w.strOrNull(lowerASCII(te))
	w.u16If(q != nil, uint16(min(len(headersOf(q)), 0xffff)))
	w.u16If(p != nil, uint16(min(len(headersOf(p)), 0xffff)))
	w.u32If(q != nil, headBytes(q))
	w.u32If(p != nil, headBytes(p))
	w.i64If(q != nil, bodySize(q))
	w.i64If(p != nil, bodySize(p))
	w.i64If(p != nil && p.ContentLength >= 0, contentLength(p))
	var missing int64
	complete := q != nil && p != nil
	if q != nil {
		missing += q.Missing
		complete = complete && q.Complete
	}
	if p != nil {
		missing += p.Missing
		complete = complete && p.Complete
	}
	w.i64(missing)
	both := q != nil && p != nil
	if both {
		w.i64(p.First - q.Last)
		w.i64(p.Last - q.First)
	} else {
		w.null()
		w.null()
	}
	if q != nil {
		w.u64(q.FirstFrame)
		w.u64(q.LastFrame)
	} else {
		w.null()
		w.null()
	}
	if p != nil {
		w.u64(p.FirstFrame)
		w.u64(p.LastFrame)
	} else {
		w.null()
		w.null()
	}
	w.boolean(complete)
	w.str(x.SourceFile)
}

func (w *rowWriter) addrPort(ap netip.AddrPort) {
	w.addr(ap.Addr())
	w.u16(ap.Port())
}

func (w *rowWriter) strIf(ok bool, v string) {
	if ok {
		w.str(v)
	} else {
		w.null()
	}
}

func headersOf(m *httpx.Message) []httpx.Header {
	if m == nil {
		return nil
	}
	return m.Headers
}

func headBytes(m *httpx.Message) uint32 {
	if m == nil {
		return 0
	}
	return uint32(min(m.HeadBytes, 1<<31))
}

func bodySize(m *httpx.Message) int64 {
	if m == nil {
		return 0
	}
	return m.BodySize
}

func contentLength(m *httpx.Message) int64 {
	if m == nil {
		return 0
	}
	return m.ContentLength
}

// lowerASCII lowers ASCII letters, allocating only when one is upper case.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
