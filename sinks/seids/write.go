package seids

import "strconv"

// csvColumns are the CSV header of message lines; JSON uses the same
// names as keys.
const csvColumns = "frame,file,ts,src,dst,type,type_name,seid,seq,fseids,cause,session,messages,malformed\n"

func (s *Sink) writeCSVHeader() error {
	s.headerDone = true
	_, err := s.w.WriteString(csvColumns)
	return err
}

// appendLine appends r's line in format f without its session, and
// returns where the session goes (between b[:mid] and b[mid:]): each
// format puts the session next to last, so that a line can be formatted
// before its session is decided. name is r's input name.
func (f *formatter) appendLine(b []byte, r *record, name string) ([]byte, int) {
	switch f.format {
	case fmtJSON:
		return f.jsonLine(b, r, name)
	case fmtCSV:
		return f.csvLine(b, r, name)
	}
	return f.textLine(b, r)
}

// appendSession appends session id (0: none) in format f.
func appendSession(b []byte, format uint8, id int) []byte {
	if id > 0 {
		return strconv.AppendInt(b, int64(id), 10)
	}
	switch format {
	case fmtJSON:
		return append(b, "null"...)
	case fmtCSV:
		return b
	}
	return append(b, '-')
}

// textLine formats r in aligned columns:
//
//	frame  time  src → dst  type  seid=…  seq=…  [fseid=…]  [cause=…]  session=…
func (f *formatter) textLine(b []byte, r *record) ([]byte, int) {
	b = appendRight(b, r.frame, 6)
	b = append(b, "  "...)
	b = f.times.append(b, r.ts, r.digits)
	b = append(b, "  "...)
	c := len(b)
	b = f.addrs.append(b, r.src)
	b = pad(b, c, 21)
	b = append(b, " → "...)
	c = len(b)
	b = f.addrs.append(b, r.dst)
	b = pad(b, c, 21)
	b = append(b, "  "...)
	c = len(b)
	b = append(b, typeName(r.typ)...)
	b = pad(b, c, 33)
	b = append(b, "  seid="...)
	c = len(b)
	if r.hasSEID {
		b = appendHex(b, r.seid)
	} else {
		b = append(b, '-')
	}
	b = pad(b, c, 18)
	b = append(b, "  seq="...)
	c = len(b)
	b = strconv.AppendUint(b, uint64(r.seq), 10)
	b = pad(b, c, 8)
	for i := 0; i < r.nFSEIDs; i++ {
		b = appendFSEID(append(b, "  fseid="...), &r.fseids[i])
	}
	if r.hasCause {
		b = strconv.AppendUint(append(b, "  cause="...), uint64(r.cause), 10)
		b = append(b, " ("...)
		b = append(b, r.cause.String()...)
		b = append(b, ')')
	}
	b = append(b, "  session="...)
	mid := len(b)
	if r.messages > 1 {
		b = strconv.AppendInt(append(b, "  messages="...), int64(r.messages), 10)
	}
	if r.err != nil {
		b = append(append(b, "  malformed: "...), r.err.Error()...)
	}
	return append(b, '\n'), mid
}

// jsonLine formats r as one JSON object.
func (f *formatter) jsonLine(b []byte, r *record, name string) ([]byte, int) {
	b = strconv.AppendUint(append(b, `{"frame":`...), r.frame, 10)
	b = append(b, `,"file":`...)
	b = append(b, f.quoted(name)...)
	b = append(f.times.append(append(b, `,"ts":"`...), r.ts, r.digits), '"')
	b = append(f.addrs.append(append(b, `,"src":"`...), r.src), '"')
	b = append(f.addrs.append(append(b, `,"dst":"`...), r.dst), '"')
	b = strconv.AppendUint(append(b, `,"type":`...), uint64(r.typ), 10)
	b = append(append(b, `,"type_name":`...), jsonTypeName(r.typ)...)
	b = append(b, `,"seid":`...)
	if r.hasSEID {
		b = appendSEID(b, r.seid)
	} else {
		b = append(b, "null"...)
	}
	b = strconv.AppendUint(append(b, `,"seq":`...), uint64(r.seq), 10)
	b = append(b, `,"fseids":[`...)
	for i := 0; i < r.nFSEIDs; i++ {
		f := &r.fseids[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = appendSEID(append(b, `{"seid":`...), f.SEID)
		b = appendJSONAddr(append(b, `,"ipv4":`...), f.IPv4)
		b = append(appendJSONAddr(append(b, `,"ipv6":`...), f.IPv6), '}')
	}
	b = append(b, `],"cause":`...)
	if r.hasCause {
		b = strconv.AppendUint(b, uint64(r.cause), 10)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"session":`...)
	mid := len(b)
	b = strconv.AppendInt(append(b, `,"messages":`...), int64(r.messages), 10)
	if r.err != nil {
		b = appendJSONString(append(b, `,"malformed":`...), r.err.Error())
	} else {
		b = append(b, `,"malformed":null`...)
	}
	return append(b, "}\n"...), mid
}

// csvLine formats r as one CSV row of csvColumns.
func (f *formatter) csvLine(b []byte, r *record, name string) ([]byte, int) {
	b = strconv.AppendUint(b, r.frame, 10)
	b = appendCSVField(append(b, ','), name)
	b = f.times.append(append(b, ','), r.ts, r.digits)
	b = f.addrs.append(append(b, ','), r.src)
	b = f.addrs.append(append(b, ','), r.dst)
	b = strconv.AppendUint(append(b, ','), uint64(r.typ), 10)
	b = appendCSVField(append(b, ','), typeName(r.typ))
	b = append(b, ',')
	if r.hasSEID {
		b = appendHex(b, r.seid)
	}
	b = strconv.AppendUint(append(b, ','), uint64(r.seq), 10)
	b = append(b, ',')
	for i := 0; i < r.nFSEIDs; i++ {
		if i > 0 {
			b = append(b, ';')
		}
		b = appendFSEID(b, &r.fseids[i])
	}
	b = append(b, ',')
	if r.hasCause {
		b = strconv.AppendUint(b, uint64(r.cause), 10)
	}
	b = append(b, ',')
	mid := len(b)
	b = strconv.AppendInt(append(b, ','), int64(r.messages), 10)
	b = append(b, ',')
	if r.err != nil {
		b = appendCSVField(b, r.err.Error())
	}
	return append(b, '\n'), mid
}
