package seids

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// appendSessionJSON appends r as encoding/json's Encoder (HTML escaping
// on) writes it, without the newline: a hand-written encoder, where
// reflection cost more than building the rows (TestSessionJSONMatchesEncoding
// holds the two equal).
func appendSessionJSON(b []byte, r *SessionRow) []byte {
	b = jsonStr(append(b, `{"kind":`...), r.Kind)
	b = strconv.AppendInt(append(b, `,"session":`...), int64(r.Session), 10)
	b = jsonStr(append(b, `,"state":`...), r.State)
	b = jsonStr(append(b, `,"file":`...), r.File)
	b = jsonStr(append(b, `,"cp_addr":`...), r.CPAddr)
	b = jsonStr(append(b, `,"up_addr":`...), r.UPAddr)
	b = jsonUintPtr(append(b, `,"cp_seid":`...), r.CPSEID)
	b = jsonUintPtr(append(b, `,"up_seid":`...), r.UPSEID)
	b = jsonStr(append(b, `,"cp_node":`...), r.CPNode)
	b = jsonStr(append(b, `,"up_node":`...), r.UPNode)
	b = strconv.AppendUint(append(b, `,"est_request_frame":`...), r.EstReq, 10)
	b = strconv.AppendUint(append(b, `,"est_response_frame":`...), r.EstResp, 10)
	b = strconv.AppendUint(append(b, `,"first_frame":`...), r.FirstFr, 10)
	b = strconv.AppendUint(append(b, `,"last_frame":`...), r.LastFr, 10)
	b = strconv.AppendUint(append(b, `,"deletion_response_frame":`...), r.DelResp, 10)
	b = append(b, `,"est_cause":`...)
	if r.EstCause == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendUint(b, uint64(*r.EstCause), 10)
	}
	b = jsonStr(append(b, `,"established":`...), r.Estab)
	b = jsonStr(append(b, `,"last":`...), r.Last)
	b = jsonStr(append(b, `,"deleted":`...), r.Deleted)
	b = strconv.AppendInt(append(b, `,"messages":`...), int64(r.Messages), 10)
	b = r.ByType.appendJSON(append(b, `,"messages_by_type":`...))
	b = jsonStrs(append(b, `,"ue_ips":`...), r.UEIPs)
	b = append(b, `,"fteids":`...)
	if r.FTEIDs == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.FTEIDs {
			f := &r.FTEIDs[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendUint(append(b, `{"teid":`...), uint64(f.TEID), 10)
			b = jsonStrPtr(append(b, `,"ipv4":`...), f.IPv4)
			b = jsonStrPtr(append(b, `,"ipv6":`...), f.IPv6)
			b = append(jsonStr(append(b, `,"source":`...), f.Source), '}')
		}
		b = append(b, ']')
	}
	b = strconv.AppendInt(append(b, `,"answered":`...), int64(r.Answered), 10)
	b = jsonLatency(append(b, `,"latency_us":`...), r.Latency)
	b = strconv.AppendInt(append(b, `,"retransmissions":`...), int64(r.Retrans), 10)
	b = strconv.AppendInt(append(b, `,"unanswered":`...), int64(r.Unanswer), 10)
	b = strconv.AppendInt(append(b, `,"gtpu_packets":`...), r.GTPUPackets, 10)
	b = strconv.AppendInt(append(b, `,"gtpu_bytes":`...), r.GTPUBytes, 10)
	return append(b, '}')
}

// appendPairJSON appends p as encoding/json writes it (see
// appendSessionJSON).
func appendPairJSON(b []byte, p *PairRow) []byte {
	b = jsonStr(append(b, `{"kind":`...), p.Kind)
	b = jsonStr(append(b, `,"a":`...), p.A)
	b = jsonStr(append(b, `,"b":`...), p.B)
	b = jsonStrs(append(b, `,"nodes":`...), p.Nodes)
	b = strconv.AppendInt(append(b, `,"messages":`...), int64(p.Messages), 10)
	b = p.ByType.appendJSON(append(b, `,"messages_by_type":`...))
	b = strconv.AppendInt(append(b, `,"association_messages":`...), int64(p.AssocMsgs), 10)
	b = strconv.AppendInt(append(b, `,"heartbeat_messages":`...), int64(p.Heartbeat), 10)
	b = strconv.AppendInt(append(b, `,"requests":`...), int64(p.Requests), 10)
	b = strconv.AppendInt(append(b, `,"answered":`...), int64(p.Answered), 10)
	b = strconv.AppendInt(append(b, `,"retransmissions":`...), int64(p.Retrans), 10)
	b = strconv.AppendInt(append(b, `,"unanswered":`...), int64(p.Unanswer), 10)
	b = jsonLatency(append(b, `,"latency_us":`...), p.Latency)
	b = strconv.AppendUint(append(b, `,"first_frame":`...), p.FirstFr, 10)
	b = strconv.AppendUint(append(b, `,"last_frame":`...), p.LastFr, 10)
	return append(b, '}')
}

func jsonUintPtr(b []byte, p *uint64) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return strconv.AppendUint(b, *p, 10)
}

func jsonStrPtr(b []byte, p *string) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return jsonStr(b, *p)
}

func jsonStrs(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonStr(b, s)
	}
	return append(b, ']')
}

func jsonLatency(b []byte, l *Latency) []byte {
	if l == nil {
		return append(b, "null"...)
	}
	b = jsonFloat(append(b, `{"min":`...), l.Min)
	b = jsonFloat(append(b, `,"median":`...), l.Median)
	b = jsonFloat(append(b, `,"max":`...), l.Max)
	return append(b, '}')
}

// jsonFloat appends f as encoding/json does: the shortest decimal, in
// exponent form below 1e-6 and from 1e21 (exponent without a leading
// zero). Latencies are finite (encoding/json fails on NaN and infinities;
// they are written as null here, never reached).
func jsonFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// jsonStr appends s as a JSON string as encoding/json writes it with HTML
// escaping: <, >, & and control characters as \u00XX (\b, \f, \n, \r,
// \t and the quote and backslash as two-character escapes), invalid UTF-8
// as \ufffd, U+2028 and U+2029 escaped.
func jsonStr(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
