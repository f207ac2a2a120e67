package input

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Sniff reports the capture format ("pcap" or "pcapng") and compression
// ("", "gzip" or "zstd") of a stream from its first bytes, reading as
// little as it can: the 4-byte magic, or for a compressed stream its header
// and the start of its first block. For a readable capture it answers like
// NewReader's Format and Compression, without NewReader's read buffers or
// header parsing; anything else is a *pipeline.Damage at frame 1, offset 0.
// Commands use it to look at every input before a run.
func Sniff(r io.Reader) (format, compression string, err error) {
	br := bufio.NewReaderSize(r, 16)
	head, perr := br.Peek(4)
	var src io.Reader = br
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		zr, zerr := gzip.NewReader(br)
		if zerr != nil {
			return "", "", newDamage(1, 0, fmt.Errorf("gzip header: %w", zerr))
		}
		defer zr.Close()
		src, compression = zr, "gzip"
	case len(head) == 4 && binary.LittleEndian.Uint32(head) == 0xfd2fb528:
		zr, zerr := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxWindow(256<<20))
		if zerr != nil {
			return "", "", newDamage(1, 0, fmt.Errorf("zstd: %w", zerr))
		}
		defer zr.Close()
		src, compression = zr, "zstd"
	case len(head) < 4 && perr != nil && perr != io.EOF:
		return "", "", newDamage(1, 0, perr)
	}
	var magic [4]byte
	n, err := io.ReadFull(src, magic[:])
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return "", compression, newDamage(1, 0, notCapture(magic[:n]))
		}
		return "", compression, newDamage(1, 0, err)
	}
	switch binary.BigEndian.Uint32(magic[:]) {
	case magicMicro, magicMicroSwapped, magicNano, magicNanoSwapped, magicModified, magicModifiedSwapped:
		return "pcap", compression, nil
	case blockSHB:
		return "pcapng", compression, nil
	}
	return "", compression, newDamage(1, 0, notCapture(magic[:]))
}
