package testcap

import "encoding/binary"

// FragmentIPv6 splits IPv6 packet pkt (its 40-byte fixed header directly
// followed by the fragmentable part: no extension headers) into fragments
// of at most size bytes of that part each (size a multiple of 8), each
// with a fragment header of identification id, in order. A packet that
// fits in one fragment becomes one fragment of offset 0 without the
// more-fragments flag (an atomic fragment).
func FragmentIPv6(pkt []byte, size int, id uint32) [][]byte {
	payload := pkt[40:]
	var out [][]byte
	for off := 0; off == 0 || off < len(payload); off += size {
		end := min(off+size, len(payload))
		f := append(append(make([]byte, 0, 48+end-off), pkt[:40]...), make([]byte, 8)...)
		f[6], f[40] = 44, pkt[6]
		fo := uint16(off)
		if end < len(payload) {
			fo |= 1
		}
		binary.BigEndian.PutUint16(f[42:], fo)
		binary.BigEndian.PutUint32(f[44:], id)
		f = append(f, payload[off:end]...)
		binary.BigEndian.PutUint16(f[4:], uint16(len(f)-40))
		out = append(out, f)
	}
	return out
}
