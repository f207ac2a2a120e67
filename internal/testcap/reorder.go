package testcap

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// FirstFragmentsLast returns the little-endian classic pcap capture (of
// Ethernet frames) with the first fragment of each fragmented IP datagram
// moved after the later fragments that directly follow it, as a network
// that reorders fragments delivers them; the records' times stay where
// they were. IPv4, and IPv6 with the fragment header right after the fixed
// header, are recognised. It fails the test when nothing was moved.
func FirstFragmentsLast(tb testing.TB, capture []byte) []byte {
	tb.Helper()
	le := binary.LittleEndian
	if m := le.Uint32(capture); m != 0xa1b2c3d4 && m != 0xa1b23c4d || le.Uint32(capture[20:]) != 1 {
		tb.Fatal("FirstFragmentsLast: not a little-endian Ethernet pcap")
	}
	type record struct {
		ts   []byte // seconds and fraction
		rest []byte // lengths and frame
	}
	var recs []record
	for b := capture[24:]; len(b) >= 16; {
		n := 16 + int(le.Uint32(b[8:]))
		recs = append(recs, record{ts: b[:8], rest: b[8:n]})
		b = b[n:]
	}
	moved := 0
	for i := 0; i < len(recs); {
		id, off, ok := fragmentOf(recs[i].rest[8:])
		j := i + 1
		if ok && off == 0 {
			for j < len(recs) {
				id2, off2, ok2 := fragmentOf(recs[j].rest[8:])
				if !ok2 || off2 == 0 || !bytes.Equal(id2, id) {
					break
				}
				j++
			}
			if j > i+1 {
				first := recs[i].rest
				for k := i; k < j-1; k++ {
					recs[k].rest = recs[k+1].rest
				}
				recs[j-1].rest = first
				moved++
			}
		}
		i = j
	}
	if moved == 0 {
		tb.Fatal("FirstFragmentsLast: no fragmented datagram to reorder")
	}
	out := append([]byte(nil), capture[:24]...)
	for _, r := range recs {
		out = append(append(out, r.ts...), r.rest...)
	}
	return out
}

// fragmentOf returns the identity (addresses and identification) and
// fragment offset of Ethernet frame f when it is an IP fragment.
func fragmentOf(f []byte) (id []byte, off int, ok bool) {
	if len(f) < 14 {
		return nil, 0, false
	}
	ip := f[14:]
	switch binary.BigEndian.Uint16(f[12:]) {
	case 0x0800:
		if len(ip) < 20 {
			return nil, 0, false
		}
		fo := binary.BigEndian.Uint16(ip[6:])
		if fo&0x3fff == 0 {
			return nil, 0, false
		}
		return append(append([]byte(nil), ip[12:20]...), ip[4:6]...), int(fo&0x1fff) * 8, true
	case 0x86dd:
		if len(ip) < 48 || ip[6] != 44 {
			return nil, 0, false
		}
		return append(append([]byte(nil), ip[8:40]...), ip[44:48]...), int(binary.BigEndian.Uint16(ip[42:]) &^ 7), true
	}
	return nil, 0, false
}
