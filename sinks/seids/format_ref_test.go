package seids

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
)

// refLine is r's whole line in format, session spliced in, written the
// plain way (fmt, strconv, netip, time.Time.Format): the reference the
// hand-written formatting must equal byte for byte.
func refLine(format uint8, r *record, name string, session int) string {
	switch format {
	case fmtJSON:
		return refJSON(r, name, session)
	case fmtCSV:
		return refCSV(r, name, session)
	}
	return refText(r, session)
}

func refTime(ts int64, digits uint8) string {
	layout := "2006-01-02T15:04:05.000000000Z"
	if digits != 0 && digits <= 6 {
		layout = "2006-01-02T15:04:05.000000Z"
	}
	return time.Unix(0, ts).UTC().Format(layout)
}

// refAP is an endpoint as AppendTo writes it (nothing when invalid).
func refAP(ap netip.AddrPort) string { return string(ap.AppendTo(nil)) }

func refFSEID(f *pfcp.FSEID) string {
	s := "0x" + strconv.FormatUint(f.SEID, 16)
	switch {
	case f.IPv4.IsValid() && f.IPv6.IsValid():
		s += "@" + f.IPv4.String() + "/" + f.IPv6.String()
	case f.IPv4.IsValid():
		s += "@" + f.IPv4.String()
	case f.IPv6.IsValid():
		s += "@" + f.IPv6.String()
	}
	return s
}

func refText(r *record, session int) string {
	var sb strings.Builder
	seid := "-"
	if r.hasSEID {
		seid = "0x" + strconv.FormatUint(r.seid, 16)
	}
	fmt.Fprintf(&sb, "%6d  %s  %-21s → %-21s  %-33s  seid=%-18s  seq=%-8d", r.frame, refTime(r.ts, r.digits),
		refAP(r.src), refAP(r.dst), r.typ.String(), seid, r.seq)
	for i := range r.fseids {
		sb.WriteString("  fseid=" + refFSEID(&r.fseids[i]))
	}
	if r.hasCause {
		fmt.Fprintf(&sb, "  cause=%d (%s)", r.cause, r.cause.String())
	}
	if session > 0 {
		fmt.Fprintf(&sb, "  session=%d", session)
	} else {
		sb.WriteString("  session=-")
	}
	if r.messages > 1 {
		fmt.Fprintf(&sb, "  messages=%d", r.messages)
	}
	if r.err != nil {
		sb.WriteString("  malformed: " + r.err.Error())
	}
	return sb.String() + "\n"
}

func refJSONString(s string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			sb.WriteString(`\` + string(c))
		case c < 0x20:
			fmt.Fprintf(&sb, `\u%04x`, c)
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String() + `"`
}

func refJSONAddr(a netip.Addr) string {
	if !a.IsValid() {
		return "null"
	}
	return `"` + a.String() + `"`
}

func refJSON(r *record, name string, session int) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, `{"frame":%d,"file":%s,"ts":"%s","src":"%s","dst":"%s","type":%d,"type_name":%s,"seid":`, r.frame,
		refJSONString(name), refTime(r.ts, r.digits), refAP(r.src), refAP(r.dst), r.typ, refJSONString(r.typ.String()))
	if r.hasSEID {
		sb.WriteString(strconv.FormatUint(r.seid, 10))
	} else {
		sb.WriteString("null")
	}
	fmt.Fprintf(&sb, `,"seq":%d,"fseids":[`, r.seq)
	for i := range r.fseids {
		f := &r.fseids[i]
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"seid":%d,"ipv4":%s,"ipv6":%s}`, f.SEID, refJSONAddr(f.IPv4), refJSONAddr(f.IPv6))
	}
	sb.WriteString(`],"cause":`)
	if r.hasCause {
		sb.WriteString(strconv.Itoa(int(r.cause)))
	} else {
		sb.WriteString("null")
	}
	if session > 0 {
		fmt.Fprintf(&sb, `,"session":%d`, session)
	} else {
		sb.WriteString(`,"session":null`)
	}
	fmt.Fprintf(&sb, `,"messages":%d,"malformed":`, r.messages)
	if r.err != nil {
		sb.WriteString(refJSONString(r.err.Error()))
	} else {
		sb.WriteString("null")
	}
	return sb.String() + "}\n"
}

func refCSVField(s string) string {
	if !strings.ContainsAny(s, ",\"\n\r") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func refCSV(r *record, name string, session int) string {
	f := []string{strconv.FormatUint(r.frame, 10), refCSVField(name), refTime(r.ts, r.digits), refAP(r.src),
		refAP(r.dst), strconv.Itoa(int(r.typ)), refCSVField(r.typ.String()), "", strconv.FormatUint(uint64(r.seq), 10),
		"", "", "", strconv.Itoa(r.messages), ""}
	if r.hasSEID {
		f[7] = "0x" + strconv.FormatUint(r.seid, 16)
	}
	var fs []string
	for i := range r.fseids {
		fs = append(fs, refFSEID(&r.fseids[i]))
	}
	f[9] = strings.Join(fs, ";")
	if r.hasCause {
		f[10] = strconv.Itoa(int(r.cause))
	}
	if session > 0 {
		f[11] = strconv.Itoa(session)
	}
	if r.err != nil {
		f[13] = refCSVField(r.err.Error())
	}
	return strings.Join(f, ",") + "\n"
}

// randomRecords makes n records over the whole range of every field:
// numbers of every magnitude, every message type and cause, IPv4, IPv6
// and v4-mapped endpoints (more than the caches hold), F-SEIDs with
// neither, one or both addresses, multi-message datagrams, malformation
// texts that need quoting, timestamps before 1970 and within one second.
func randomRecords(n int) []record {
	rng := rand.New(rand.NewPCG(7, 8))
	num := func() uint64 { return rng.Uint64() >> rng.IntN(65) }
	var addrs []netip.Addr
	for i := range 48 {
		addrs = append(addrs, netip.AddrFrom4([4]byte{10, byte(i % 3), byte(i / 5), byte(i * 37)}))
	}
	addrs = append(addrs, netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("2001:db8:0:1:2:3:4:5"),
		netip.MustParseAddr("::ffff:10.0.0.1"), netip.MustParseAddr("::"), netip.MustParseAddr("fe80::1:2"),
		netip.IPv4Unspecified(), netip.AddrFrom4([4]byte{255, 255, 255, 255}))
	addr := func() netip.Addr {
		if rng.IntN(10) == 0 {
			return netip.Addr{}
		}
		return addrs[rng.IntN(len(addrs))]
	}
	ports := []uint16{0, 1, 8805, 50007, 65535, 123}
	errs := []error{errors.New("truncated IE 60 at offset 16"), errors.New(`a "quoted", comma`),
		errors.New("new\nline\r\tand \\ \x01")}
	out := make([]record, n)
	base := int64(rng.Uint64()>>2) - 1<<61
	for i := range out {
		r := &out[i]
		switch rng.IntN(4) {
		case 0:
			base = int64(rng.Uint64()>>2) - 1<<61
		case 1:
			base += int64(rng.IntN(2e9))
		}
		r.frame, r.ts = num(), base+int64(rng.IntN(1e9))
		r.digits = []uint8{0, 6, 9, 3}[rng.IntN(4)]
		r.src = netip.AddrPortFrom(addr(), ports[rng.IntN(len(ports))])
		r.dst = netip.AddrPortFrom(addr(), ports[rng.IntN(len(ports))])
		if rng.IntN(20) == 0 {
			r.src = netip.AddrPort{}
		}
		r.headerOK, r.typ, r.hasSEID, r.seid, r.seq = rng.IntN(2) == 0, pfcp.MessageType(rng.IntN(256)), rng.IntN(2) == 0,
			num(), uint32(num())
		r.messages = rng.IntN(4)
		r.fseids = make([]pfcp.FSEID, rng.IntN(pfcp.SummaryFSEIDs+1))
		for j := range r.fseids {
			r.fseids[j] = pfcp.FSEID{SEID: num()}
			if k := rng.IntN(4); k&1 != 0 {
				r.fseids[j].IPv4 = netip.AddrFrom4([4]byte{10, 9, byte(rng.IntN(3)), byte(rng.IntN(40))})
			} else if k == 2 {
				r.fseids[j].IPv4 = addr()
			}
			if rng.IntN(3) == 0 {
				r.fseids[j].IPv6 = addrs[len(addrs)-7+rng.IntN(5)]
			}
		}
		r.hasCause, r.cause = rng.IntN(2) == 0, pfcp.Cause(rng.IntN(256))
		r.err = nil
		if rng.IntN(5) == 0 {
			r.err = errs[rng.IntN(len(errs))]
		}
	}
	return out
}

// TestFormatAgainstReference formats random records in every format with
// one formatter per format (so its caches hit, miss and are replaced) and
// compares each line, session spliced in as the sink does, with refLine.
func TestFormatAgainstReference(t *testing.T) {
	recs := randomRecords(20000)
	names := []string{"plain.pcap", "", "a,b.pcap", `q"uote.pcap`, "new\nline.pcap", "cr\r.pcap", "é \x01.pcap"}
	rng := rand.New(rand.NewPCG(9, 10))
	for _, format := range []uint8{fmtText, fmtJSON, fmtCSV} {
		f := newFormatter(format)
		var b []byte
		name := names[0]
		for i := range recs {
			r := &recs[i]
			if rng.IntN(50) == 0 {
				name = names[rng.IntN(len(names))]
			}
			session := 0
			if rng.IntN(2) == 0 {
				session = int(num32(rng))
			}
			b = append(b[:0], "prev"...)
			var mid int
			b, mid = f.appendLine(b, r, name)
			var line []byte
			line = append(line, b[4:mid]...)
			line = appendSession(line, format, session)
			line = append(line, b[mid:]...)
			if want := refLine(format, r, name, session); string(line) != want {
				t.Fatalf("format %d record %d (%+v) name %q session %d:\n got %q\nwant %q", format, i, *r, name, session,
					line, want)
			}
		}
	}
}

// num32 returns a random positive int of random magnitude.
func num32(rng *rand.Rand) uint32 { return 1 + rng.Uint32()>>(1+rng.IntN(31)) }

// TestColumnTexts checks every message type's and cause's precomputed
// column texts against the reference formatting.
func TestColumnTexts(t *testing.T) {
	c := columns()
	for i := range 256 {
		typ, cause := pfcp.MessageType(i), pfcp.Cause(i)
		want := [4]string{fmt.Sprintf("%-33s  seid=", typ.String()),
			fmt.Sprintf(`,"type":%d,"type_name":%s,"seid":`, i, refJSONString(typ.String())),
			fmt.Sprintf(",%d,%s,", i, refCSVField(typ.String())),
			fmt.Sprintf("  cause=%d (%s)", i, cause.String())}
		if got := [4]string{c.textType[i], c.jsonType[i], c.csvType[i], c.textCause[i]}; got != want {
			t.Fatalf("%d: got %q, want %q", i, got, want)
		}
	}
}
