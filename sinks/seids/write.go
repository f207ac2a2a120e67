package seids

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
		return appendUint(b, uint64(id))
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
	b = f.times.append(append(b, "  "...), r.ts, r.digits)
	b = f.pairs.append(append(b, "  "...), r.src, r.dst)      // padded, "src → dst"
	b = append(append(b, "  "...), f.cols.textType[r.typ]...) // padded, then "  seid="
	c := len(b)
	if r.hasSEID {
		b = appendHex(b, r.seid)
	} else {
		b = append(b, '-')
	}
	b = pad(b, c, 18)
	b = append(b, "  seq="...)
	c = len(b)
	b = appendSmall(b, r.seq)
	b = pad(b, c, 8)
	for i := range r.fseids {
		b = appendFSEID(append(b, "  fseid="...), &r.fseids[i], &f.ips)
	}
	if r.hasCause {
		b = append(b, f.cols.textCause[r.cause]...)
	}
	b = append(b, "  session="...)
	mid := len(b)
	if r.messages > 1 {
		b = appendInt(append(b, "  messages="...), r.messages)
	}
	if r.err != nil {
		b = append(append(b, "  malformed: "...), r.err.Error()...)
	}
	return append(b, '\n'), mid
}

// jsonLine formats r as one JSON object.
func (f *formatter) jsonLine(b []byte, r *record, name string) ([]byte, int) {
	b = appendUint(append(b, `{"frame":`...), r.frame)
	b = append(append(b, `,"file":`...), f.fileName(name)...)
	b = append(f.times.append(append(b, `,"ts":"`...), r.ts, r.digits), '"')
	b = f.pairs.append(b, r.src, r.dst)      // `,"src":"…","dst":"…"`
	b = append(b, f.cols.jsonType[r.typ]...) // through `,"seid":`
	if r.hasSEID {
		b = appendUint(b, r.seid)
	} else {
		b = append(b, "null"...)
	}
	b = appendSmall(append(b, `,"seq":`...), r.seq)
	b = append(b, `,"fseids":[`...)
	for i := range r.fseids {
		fs := &r.fseids[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = appendUint(append(b, `{"seid":`...), fs.SEID)
		b = appendJSONAddr(append(b, `,"ipv4":`...), fs.IPv4, &f.ips)
		b = append(appendJSONAddr(append(b, `,"ipv6":`...), fs.IPv6, &f.ips), '}')
	}
	b = append(b, `],"cause":`...)
	if r.hasCause {
		b = appendSmall(b, uint32(r.cause))
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"session":`...)
	mid := len(b)
	if r.messages == 1 && r.err == nil {
		return append(b, `,"messages":1,"malformed":null}`+"\n"...), mid
	}
	b = appendInt(append(b, `,"messages":`...), r.messages)
	if r.err != nil {
		b = appendJSONString(append(b, `,"malformed":`...), r.err.Error())
	} else {
		b = append(b, `,"malformed":null`...)
	}
	return append(b, "}\n"...), mid
}

// csvLine formats r as one CSV row of csvColumns.
func (f *formatter) csvLine(b []byte, r *record, name string) ([]byte, int) {
	b = appendUint(b, r.frame)
	b = append(append(b, ','), f.fileName(name)...)
	b = f.times.append(append(b, ','), r.ts, r.digits)
	b = f.pairs.append(b, r.src, r.dst)     // ",src,dst"
	b = append(b, f.cols.csvType[r.typ]...) // ",N,NAME,"
	if r.hasSEID {
		b = appendHex(b, r.seid)
	}
	b = appendSmall(append(b, ','), r.seq)
	b = append(b, ',')
	for i := range r.fseids {
		if i > 0 {
			b = append(b, ';')
		}
		b = appendFSEID(b, &r.fseids[i], &f.ips)
	}
	b = append(b, ',')
	if r.hasCause {
		b = appendSmall(b, uint32(r.cause))
	}
	b = append(b, ',')
	mid := len(b)
	if r.messages == 1 && r.err == nil {
		return append(b, ",1,\n"...), mid
	}
	b = appendInt(append(b, ','), r.messages)
	b = append(b, ',')
	if r.err != nil {
		b = appendCSVField(b, r.err.Error())
	}
	return append(b, '\n'), mid
}
