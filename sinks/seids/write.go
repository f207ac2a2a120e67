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

// writeRecord writes one message line in the sink's format.
func (s *Sink) writeRecord(r *record) error {
	var b []byte
	switch s.format {
	case fmtJSON:
		b = s.jsonLine(s.line[:0], r)
	case fmtCSV:
		if !s.headerDone {
			if err := s.writeCSVHeader(); err != nil {
				return err
			}
		}
		b = s.csvLine(s.line[:0], r)
	default:
		if !s.anyLine || r.input != s.lastInput {
			if name := s.inputName(r.input); name != "" {
				if _, err := s.w.WriteString("# " + name + "\n"); err != nil {
					return err
				}
			}
		}
		s.anyLine, s.lastInput = true, r.input
		b = s.textLine(s.line[:0], r)
	}
	s.line = b[:0]
	_, err := s.w.Write(b)
	return err
}

// textLine formats r in aligned columns:
//
//	frame  time  src → dst  type  seid=…  seq=…  [fseid=…]  [cause=…]  session=…
func (s *Sink) textLine(b []byte, r *record) []byte {
	b = appendRight(b, r.frame, 6)
	b = append(b, "  "...)
	b = appendTime(b, r.ts, r.digits)
	b = append(b, "  "...)
	c := len(b)
	b = r.src.AppendTo(b)
	b = pad(b, c, 21)
	b = append(b, " → "...)
	c = len(b)
	b = r.dst.AppendTo(b)
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
	if r.session > 0 {
		b = strconv.AppendInt(b, int64(r.session), 10)
	} else {
		b = append(b, '-')
	}
	if r.messages > 1 {
		b = strconv.AppendInt(append(b, "  messages="...), int64(r.messages), 10)
	}
	if r.err != nil {
		b = append(append(b, "  malformed: "...), r.err.Error()...)
	}
	return append(b, '\n')
}

// jsonLine formats r as one JSON object.
func (s *Sink) jsonLine(b []byte, r *record) []byte {
	b = strconv.AppendUint(append(b, `{"frame":`...), r.frame, 10)
	b = appendJSONString(append(b, `,"file":`...), s.inputName(r.input))
	b = append(appendTime(append(b, `,"ts":"`...), r.ts, r.digits), '"')
	b = append(r.src.AppendTo(append(b, `,"src":"`...)), '"')
	b = append(r.dst.AppendTo(append(b, `,"dst":"`...)), '"')
	b = strconv.AppendUint(append(b, `,"type":`...), uint64(r.typ), 10)
	b = appendJSONString(append(b, `,"type_name":`...), typeName(r.typ))
	b = append(b, `,"seid":`...)
	if r.hasSEID {
		b = strconv.AppendUint(b, r.seid, 10)
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
		b = strconv.AppendUint(append(b, `{"seid":`...), f.SEID, 10)
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
	if r.session > 0 {
		b = strconv.AppendInt(b, int64(r.session), 10)
	} else {
		b = append(b, "null"...)
	}
	b = strconv.AppendInt(append(b, `,"messages":`...), int64(r.messages), 10)
	if r.err != nil {
		b = appendJSONString(append(b, `,"malformed":`...), r.err.Error())
	} else {
		b = append(b, `,"malformed":null`...)
	}
	return append(b, "}\n"...)
}

// csvLine formats r as one CSV row of csvColumns.
func (s *Sink) csvLine(b []byte, r *record) []byte {
	b = strconv.AppendUint(b, r.frame, 10)
	b = appendCSVField(append(b, ','), s.inputName(r.input))
	b = appendTime(append(b, ','), r.ts, r.digits)
	b = r.src.AppendTo(append(b, ','))
	b = r.dst.AppendTo(append(b, ','))
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
	if r.session > 0 {
		b = strconv.AppendInt(b, int64(r.session), 10)
	}
	b = strconv.AppendInt(append(b, ','), int64(r.messages), 10)
	b = append(b, ',')
	if r.err != nil {
		b = appendCSVField(b, r.err.Error())
	}
	return append(b, '\n')
}
