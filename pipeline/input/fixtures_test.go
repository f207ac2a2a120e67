package input

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// endian reads and appends integers in one byte order.
type endian interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// rec is one hand-built frame.
type rec struct {
	sec, frac uint32
	orig      uint32 // 0: len(data)
	data      []byte
}

// frame returns n bytes of recognisable content.
func frame(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i)
	}
	return b
}

// pcapFile builds a pcap file with the given magic (as it reads big-endian
// in order o), snaplen and link-type field.
func pcapFile(o endian, magic, snaplen, link uint32, recs ...rec) []byte {
	b := o.AppendUint32(nil, magic)
	b = o.AppendUint16(b, 2)
	b = o.AppendUint16(b, 4)
	b = o.AppendUint32(b, 0)
	b = o.AppendUint32(b, 0)
	b = o.AppendUint32(b, snaplen)
	b = o.AppendUint32(b, link)
	for _, r := range recs {
		orig := r.orig
		if orig == 0 {
			orig = uint32(len(r.data))
		}
		b = o.AppendUint32(b, r.sec)
		b = o.AppendUint32(b, r.frac)
		b = o.AppendUint32(b, uint32(len(r.data)))
		b = o.AppendUint32(b, orig)
		if magic == magicModified {
			b = append(b, make([]byte, 8)...)
		}
		b = append(b, r.data...)
	}
	return b
}

// ngFile builds pcapng files block by block. offs records where each
// packet block starts.
type ngFile struct {
	o    endian
	b    []byte
	offs []int64
}

func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// block appends a block with a correct length and trailer.
func (w *ngFile) block(typ uint32, body []byte) {
	body = pad4(body)
	total := uint32(12 + len(body))
	w.b = w.o.AppendUint32(w.b, typ)
	w.b = w.o.AppendUint32(w.b, total)
	w.b = append(w.b, body...)
	w.b = w.o.AppendUint32(w.b, total)
}

// shb starts a section in byte order o.
func (w *ngFile) shb(o endian) *ngFile {
	w.o = o
	body := o.AppendUint32(nil, byteOrderMagic)
	body = o.AppendUint16(body, 1)
	body = o.AppendUint16(body, 0)
	body = o.AppendUint64(body, ^uint64(0))
	// An shb_userappl option, to be skipped.
	body = o.AppendUint16(body, 4)
	body = o.AppendUint16(body, 5)
	body = pad4(append(body, "tests"...))
	body = o.AppendUint32(body, 0)
	w.block(blockSHB, body)
	return w
}

// opt is one IDB option.
type opt struct {
	code uint16
	val  []byte
}

func (w *ngFile) idb(link uint16, snaplen uint32, opts ...opt) *ngFile {
	body := w.o.AppendUint16(nil, link)
	body = w.o.AppendUint16(body, 0)
	body = w.o.AppendUint32(body, snaplen)
	for _, op := range opts {
		body = w.o.AppendUint16(body, op.code)
		body = w.o.AppendUint16(body, uint16(len(op.val)))
		body = pad4(append(body, op.val...))
	}
	if len(opts) > 0 {
		body = w.o.AppendUint32(body, 0)
	}
	w.block(blockIDB, body)
	return w
}

func (w *ngFile) epb(iface uint32, ts uint64, data []byte, orig uint32) *ngFile {
	w.offs = append(w.offs, int64(len(w.b)))
	body := w.o.AppendUint32(nil, iface)
	body = w.o.AppendUint32(body, uint32(ts>>32))
	body = w.o.AppendUint32(body, uint32(ts))
	body = w.o.AppendUint32(body, uint32(len(data)))
	body = w.o.AppendUint32(body, orig)
	body = pad4(append(body, data...))
	// An opt_comment, to be skipped.
	body = w.o.AppendUint16(body, 1)
	body = w.o.AppendUint16(body, 3)
	body = pad4(append(body, "abc"...))
	body = w.o.AppendUint32(body, 0)
	w.block(blockEPB, body)
	return w
}

// pb appends an obsolete packet block.
func (w *ngFile) pb(iface uint16, ts uint64, data []byte) *ngFile {
	w.offs = append(w.offs, int64(len(w.b)))
	body := w.o.AppendUint16(nil, iface)
	body = w.o.AppendUint16(body, 0)
	body = w.o.AppendUint32(body, uint32(ts>>32))
	body = w.o.AppendUint32(body, uint32(ts))
	body = w.o.AppendUint32(body, uint32(len(data)))
	body = w.o.AppendUint32(body, uint32(len(data)))
	w.block(blockPB, append(body, data...))
	return w
}

func (w *ngFile) spb(orig uint32, data []byte) *ngFile {
	w.offs = append(w.offs, int64(len(w.b)))
	w.block(blockSPB, append(w.o.AppendUint32(nil, orig), data...))
	return w
}

// other appends a block that carries no frames (NRB, ISB, custom, unknown).
func (w *ngFile) other(typ uint32, body []byte) *ngFile {
	w.block(typ, body)
	return w
}

func u8(v uint8) []byte { return []byte{v} }

func i64(o endian, v int64) []byte { return o.AppendUint64(nil, uint64(v)) }

func gzipped(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func zstded(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw, err := zstd.NewWriter(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := zw.Write(b); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
