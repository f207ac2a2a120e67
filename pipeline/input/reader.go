package input

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/pcapflow/pcapflow/pipeline"
)

// bufSize is the size of the read buffers (compressed and decompressed).
const bufSize = 256 << 10

// bigFrame is the captured length above which a frame is read in steps into
// a scratch buffer that grows only as data actually arrives, so a corrupt
// length cannot make the reader allocate hundreds of MiB up front.
const bigFrame = 4 << 20

// Reader parses one capture stream, frame by frame.
type Reader struct {
	br          *bufio.Reader
	closeFn     func()
	format      string
	compression string

	off   int64  // decompressed offset of the next unread byte
	frame uint64 // frames delivered so far
	err   error  // sticky: io.EOF or a *pipeline.Damage

	pcap pcapState
	ng   ngState
	isNG bool

	big     []byte // scratch for frames over bigFrame
	scratch []byte // scratch for interface description blocks
	resync  bool   // read on after damage (see SetResync)
}

// NewReader detects the compression (gzip 1f8b, zstd 28b52ffd) and then the
// capture format of r by magic bytes, and reads the file header. Input that
// is not a capture, or whose header is broken, gives a *pipeline.Damage at
// frame 1, offset 0.
func NewReader(r io.Reader) (*Reader, error) {
	raw := bufio.NewReaderSize(r, bufSize)
	rd := &Reader{br: raw}
	head, err := raw.Peek(4)
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		zr, zerr := gzip.NewReader(raw)
		if zerr != nil {
			return nil, newDamage(1, 0, fmt.Errorf("gzip header: %w", zerr))
		}
		rd.compression = "gzip"
		rd.closeFn = func() { _ = zr.Close() }
		rd.br = bufio.NewReaderSize(zr, bufSize)
	case len(head) == 4 && binary.LittleEndian.Uint32(head) == 0xfd2fb528:
		zr, zerr := zstd.NewReader(raw, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(256<<20))
		if zerr != nil {
			return nil, newDamage(1, 0, fmt.Errorf("zstd: %w", zerr))
		}
		rd.compression = "zstd"
		rd.closeFn = zr.Close
		rd.br = bufio.NewReaderSize(zr, bufSize)
	case len(head) < 4 && err != nil && err != io.EOF:
		return nil, newDamage(1, 0, err)
	}
	if rd.compression != "" {
		head, err = rd.br.Peek(4)
	}
	if len(head) < 4 {
		rd.Close()
		if err != nil && err != io.EOF {
			return nil, newDamage(1, 0, rd.streamFailure(err))
		}
		return nil, newDamage(1, 0, notCapture(head))
	}
	var herr error
	switch binary.BigEndian.Uint32(head) {
	case magicMicro, magicMicroSwapped, magicNano, magicNanoSwapped, magicModified, magicModifiedSwapped:
		rd.format = "pcap"
		herr = rd.readPcapHeader()
	case blockSHB:
		rd.format = "pcapng"
		rd.isNG = true
		herr = rd.readSHB()
	default:
		herr = newDamage(1, 0, notCapture(head))
	}
	if herr != nil {
		rd.Close()
		return nil, herr
	}
	return rd, nil
}

// Format returns "pcap" or "pcapng".
func (r *Reader) Format() string { return r.format }

// Compression returns "", "gzip" or "zstd".
func (r *Reader) Compression() string { return r.compression }

// Snaplen returns the snap length the file header declares: the pcap
// header's, or for pcapng the largest of the interfaces described so far
// (0 when none sets one).
func (r *Reader) Snaplen() uint32 {
	if !r.isNG {
		return r.pcap.snaplen
	}
	return r.ng.snaplen
}

// Frames returns the number of frames read so far.
func (r *Reader) Frames() uint64 { return r.frame }

// Offset returns the decompressed byte offset of the next record.
func (r *Reader) Offset() int64 { return r.off }

// Close releases the decompressor, if any. It does not close the io.Reader
// given to NewReader.
func (r *Reader) Close() {
	if r.closeFn != nil {
		r.closeFn()
		r.closeFn = nil
	}
}

// ReadPacket appends the next frame to b with Input set to id. It returns
// io.EOF at the clean end of the input, ErrBatchFull (consuming nothing) when
// the frame does not fit in b, and a *pipeline.Damage when the input is
// broken; after io.EOF or damage it keeps returning the same error, except
// after damage it read on from (Skipped > 0, see SetResync).
func (r *Reader) ReadPacket(b *pipeline.Batch, id pipeline.InputID) error {
	if r.err != nil {
		return r.err
	}
	if r.isNG {
		return r.nextPcapng(b, id)
	}
	return r.nextPcap(b, id)
}

// fail records damage at the record that starts at off and returns it.
func (r *Reader) fail(off int64, reason error) error {
	r.err = newDamage(r.frame+1, off, reason)
	return r.err
}

// readData appends a frame of n bytes to b and fills it from the stream. On
// a short read the frame is removed again and the reason returned.
func (r *Reader) readData(b *pipeline.Batch, ci pipeline.CaptureInfo, n int) error {
	if n <= bigFrame {
		dst := b.Add(ci, n)
		if _, err := io.ReadFull(r.br, dst); err != nil {
			b.Truncate(b.Len() - 1)
			return r.streamError(err, errTruncData)
		}
		return nil
	}
	r.big = r.big[:0]
	for len(r.big) < n {
		step := min(n-len(r.big), 1<<20)
		have := len(r.big)
		r.big = append(r.big, make([]byte, step)...)
		if _, err := io.ReadFull(r.br, r.big[have:]); err != nil {
			r.big = nil
			return r.streamError(err, errTruncData)
		}
	}
	b.AddCopy(ci, r.big)
	if cap(r.big) > 4*bigFrame {
		r.big = nil
	}
	return nil
}
