package follow

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/pcapflow/pcapflow/decoders/tcpreasm"
)

// Formats of the output.
const (
	FormatRaw   = "raw"
	FormatHex   = "hex"
	FormatASCII = "ascii"
	FormatJSON  = "json"
)

// Formats lists the output formats.
var Formats = []string{FormatRaw, FormatHex, FormatASCII, FormatJSON}

// ext returns the file extension of a format.
func ext(format string) string {
	switch format {
	case FormatHex:
		return ".hex"
	case FormatASCII:
		return ".txt"
	case FormatJSON:
		return ".jsonl"
	}
	return ".raw"
}

// header is the line that introduces a chunk in the hex and text forms.
func appendHeader(b []byte, c *tcpreasm.Conn, d tcpreasm.Dir, at tcpreasm.Chunk, what string) []byte {
	src, dst := ends(c, d)
	b = append(b, "# stream "...)
	b = strconv.AppendUint(b, c.ID, 10)
	b = append(b, ' ')
	b = append(b, d.String()...)
	b = append(b, ' ')
	b = src.AppendTo(b)
	b = append(b, " > "...)
	b = dst.AppendTo(b)
	b = append(b, " frame "...)
	b = strconv.AppendUint(b, at.Frame, 10)
	b = append(b, " offset "...)
	b = strconv.AppendUint(b, at.Offset, 10)
	b = append(b, ' ')
	b = append(b, what...)
	return append(b, '\n')
}

func ends(c *tcpreasm.Conn, d tcpreasm.Dir) (netip.AddrPort, netip.AddrPort) {
	if d == tcpreasm.ServerToClient {
		return c.Server, c.Client
	}
	return c.Client, c.Server
}

const hexDigits = "0123456789abcdef"

// appendHex appends a hex dump of data (16 bytes a line, stream offsets on
// the left, printable characters on the right).
func appendHex(b []byte, data []byte, offset uint64) []byte {
	for i := 0; i < len(data); i += 16 {
		line := data[i:min(i+16, len(data))]
		o := offset + uint64(i)
		for s := 28; s >= 0; s -= 4 {
			b = append(b, hexDigits[(o>>uint(s))&15])
		}
		b = append(b, "  "...)
		for j := 0; j < 16; j++ {
			if j < len(line) {
				b = append(b, hexDigits[line[j]>>4], hexDigits[line[j]&15], ' ')
			} else {
				b = append(b, "   "...)
			}
			if j == 7 {
				b = append(b, ' ')
			}
		}
		b = append(b, " |"...)
		for _, c := range line {
			b = append(b, printable(c))
		}
		b = append(b, "|\n"...)
	}
	return b
}

func printable(c byte) byte {
	if c >= 0x20 && c < 0x7f {
		return c
	}
	return '.'
}

// appendASCII appends data with non-printable bytes (other than line
// breaks and tabs) as '.', like tshark's ASCII view.
func appendASCII(b []byte, data []byte) []byte {
	for _, c := range data {
		switch {
		case c == '\n' || c == '\t':
			b = append(b, c)
		case c == '\r':
		default:
			b = append(b, printable(c))
		}
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		b = append(b, '\n')
	}
	return b
}

// appendJSONChunk appends one JSON line for data (or a gap of n bytes when
// data is nil).
func appendJSONChunk(b []byte, c *tcpreasm.Conn, d tcpreasm.Dir, at tcpreasm.Chunk, data []byte, gap uint64) []byte {
	src, dst := ends(c, d)
	b = append(b, `{"stream":`...)
	b = strconv.AppendUint(b, c.ID, 10)
	b = append(b, `,"dir":"`...)
	b = append(b, d.String()...)
	b = append(b, `","src":"`...)
	b = src.AppendTo(b)
	b = append(b, `","dst":"`...)
	b = dst.AppendTo(b)
	b = append(b, `","ts":"`...)
	b = time.Unix(0, at.Timestamp).UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","frame":`...)
	b = strconv.AppendUint(b, at.Frame, 10)
	b = append(b, `,"offset":`...)
	b = strconv.AppendUint(b, at.Offset, 10)
	if data == nil {
		b = append(b, `,"gap":`...)
		b = strconv.AppendUint(b, gap, 10)
	} else {
		b = append(b, `,"len":`...)
		b = strconv.AppendInt(b, int64(len(data)), 10)
		b = append(b, `,"data":"`...)
		b = base64.StdEncoding.AppendEncode(b, data)
		b = append(b, '"')
	}
	return append(b, "}\n"...)
}

// fileName is the name of the file of direction d of c: the stream number,
// the direction and both endpoints, with ':' of IPv6 addresses as '_'.
func fileName(c *tcpreasm.Conn, d tcpreasm.Dir, format string) string {
	src, dst := ends(c, d)
	return fmt.Sprintf("%06d-%s-%s.%d-%s.%d%s", c.ID, d, safeAddr(src.Addr()), src.Port(), safeAddr(dst.Addr()), dst.Port(), ext(format))
}

func safeAddr(a netip.Addr) string {
	s := []byte(a.Unmap().String())
	for i, c := range s {
		if c == ':' || c == '%' {
			s[i] = '_'
		}
	}
	return string(s)
}
