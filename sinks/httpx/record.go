package httpx

import (
	"strconv"
	"strings"
	"time"
)

// Record is an Exchange flattened for JSON lines and tables: one row per
// exchange, empty strings and -1 for what is absent. Times are RFC 3339
// with nanoseconds; durations are in milliseconds.
type Record struct {
	Stream           uint64  `json:"stream"`
	Index            int     `json:"index"`
	Client           string  `json:"client"`
	Server           string  `json:"server"`
	Method           string  `json:"method"`
	Host             string  `json:"host"`
	URI              string  `json:"uri"`
	Version          string  `json:"version"`
	Status           int     `json:"status"`
	Reason           string  `json:"reason"`
	UserAgent        string  `json:"user_agent"`
	ContentType      string  `json:"content_type"`
	TransferEncoding string  `json:"transfer_encoding"`
	RequestHeaders   int     `json:"request_headers"`
	ResponseHeaders  int     `json:"response_headers"`
	RequestBody      int64   `json:"request_body_bytes"`
	ResponseBody     int64   `json:"response_body_bytes"`
	ResponseLength   int64   `json:"response_content_length"`
	MissingBytes     int64   `json:"missing_bytes"`
	RequestTime      string  `json:"request_time"`
	ResponseTime     string  `json:"response_time"`
	RequestFrame     uint64  `json:"request_frame"`
	ResponseFrame    uint64  `json:"response_frame"`
	WaitMS           float64 `json:"wait_ms"`
	DurationMS       float64 `json:"duration_ms"`
	Complete         bool    `json:"complete"`
	RequestFile      string  `json:"request_file,omitempty"`
	ResponseFile     string  `json:"response_file,omitempty"`
}

// RecordOf flattens x.
func RecordOf(x *Exchange) Record {
	r := Record{Stream: x.Stream, Index: x.Index, Client: x.Client.String(), Server: x.Server.String(),
		Status: -1, RequestBody: -1, ResponseBody: -1, ResponseLength: -1, WaitMS: -1, DurationMS: -1,
		RequestFile: x.RequestBody, ResponseFile: x.ResponseBody}
	complete := true
	if q := x.Request; q != nil {
		r.Method, r.URI, r.Version = q.Method, q.URI, q.Version
		r.Host, r.UserAgent = q.Get("Host"), q.Get("User-Agent")
		r.RequestHeaders, r.RequestBody = len(q.Headers), q.BodySize
		r.MissingBytes += q.Missing
		r.RequestTime, r.RequestFrame = stamp(q.First), q.LastFrame
		complete = complete && q.Complete
	} else {
		complete = false
	}
	if p := x.Response; p != nil {
		r.Status, r.Reason = p.Status, p.Reason
		if r.Version == "" {
			r.Version = p.Version
		}
		r.ContentType, r.TransferEncoding = p.Get("Content-Type"), strings.ToLower(p.Get("Transfer-Encoding"))
		r.ResponseHeaders, r.ResponseBody, r.ResponseLength = len(p.Headers), p.BodySize, p.ContentLength
		r.MissingBytes += p.Missing
		r.ResponseTime, r.ResponseFrame = stamp(p.First), p.LastFrame
		complete = complete && p.Complete
		if q := x.Request; q != nil {
			r.WaitMS = ms(p.First - q.Last)
			r.DurationMS = ms(p.Last - q.First)
		}
	} else {
		complete = false
	}
	r.Complete = complete
	return r
}

func stamp(ns int64) string { return time.Unix(0, ns).UTC().Format(time.RFC3339Nano) }

func ms(ns int64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(float64(ns)/1e6, 'f', 3, 64), 64)
	return v
}
