package seids

import (
	"strconv"
	"sync"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
)

// columnTexts holds, for every message type and cause value, the text of
// their columns in each format, with the separators around them, so that
// a line appends one string where it would format a number, a name and
// its quoting or padding.
type columnTexts struct {
	// textType is the type name padded to 33 columns and "  seid=";
	// jsonType is `,"type":N,"type_name":"NAME","seid":`; csvType is
	// ",N,NAME," (the name quoted if it needs to be).
	textType, jsonType, csvType [256]string
	// textCause is "  cause=N (NAME)".
	textCause [256]string
}

// columns returns the column texts, built on first use (into one
// string: the run's every command would otherwise pay a thousand
// allocations at start).
var columns = sync.OnceValue(func() *columnTexts {
	c := &columnTexts{}
	var b []byte
	var ends [4 * 256]int
	for i := range 256 {
		t, n := pfcp.MessageType(i), strconv.Itoa(i)
		name := t.String()
		start := len(b)
		b = append(pad(append(b, name...), start, 33), "  seid="...)
		ends[4*i] = len(b)
		b = append(append(append(b, `,"type":`...), n...), `,"type_name":`...)
		b = append(appendJSONString(b, name), `,"seid":`...)
		ends[4*i+1] = len(b)
		b = append(append(append(b, ','), n...), ',')
		b = append(appendCSVField(b, name), ',')
		ends[4*i+2] = len(b)
		b = append(append(append(b, "  cause="...), n...), " ("...)
		b = append(append(b, pfcp.Cause(i).String()...), ')')
		ends[4*i+3] = len(b)
	}
	all, start := string(b), 0
	for i := range 256 {
		for k, dst := range []*string{&c.textType[i], &c.jsonType[i], &c.csvType[i], &c.textCause[i]} {
			*dst, start = all[start:ends[4*i+k]], ends[4*i+k]
		}
	}
	return c
})
