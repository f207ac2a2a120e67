package input

import (
	"errors"
	"fmt"
	"io"

	"github.com/pcapflow/pcapflow/pipeline"
)

// ErrBatchFull is returned by Reader.ReadPacket when the next frame does not
// fit in the batch. Nothing is consumed: emit the batch and call ReadPacket
// again with an empty one.
var ErrBatchFull = errors.New("input: batch full")

// MaxCapLen is the largest captured length accepted for one frame; a record
// claiming more is damage.
const MaxCapLen = 256 << 20

// Reasons for damage. They are wrapped in a *pipeline.Damage that says where.
var (
	errEmpty           = errors.New("empty input: not a pcap or pcapng file")
	errTruncFileHeader = errors.New("truncated pcap file header")
	errTruncRecordHdr  = errors.New("truncated packet record header")
	errTruncData       = errors.New("truncated packet data")
	errTruncBlock      = errors.New("truncated pcapng block")
	errNoInterface     = errors.New("simple packet block before any interface description block")
	errBadByteOrder    = errors.New("bad pcapng byte-order magic")
	errTrailerMismatch = errors.New("pcapng block trailing length differs from its leading length")
	errIDBTooLong      = errors.New("pcapng interface description block longer than 1 MiB")
	errCapLenOverBlock = errors.New("captured length runs past the end of its pcapng block")
)

// newDamage returns the damage for frame at byte offset off.
func newDamage(frame uint64, off int64, reason error) *pipeline.Damage {
	return &pipeline.Damage{Frame: frame, Offset: off, Err: reason}
}

// notCapture is the reason given for input that has no capture magic.
func notCapture(magic []byte) error {
	if len(magic) == 0 {
		return errEmpty
	}
	return fmt.Errorf("not a pcap or pcapng file (magic 0x%x)", magic)
}

// streamError turns a read error met inside a record into a reason: a short
// read is truncation (of the compressed stream when there is one), anything
// else (a corrupt gzip or zstd stream, an I/O error) is kept as it is.
func (r *Reader) streamError(err, truncated error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		if r.compression != "" {
			return fmt.Errorf("%w (%s stream ends early)", truncated, r.compression)
		}
		return truncated
	}
	if r.compression != "" {
		return fmt.Errorf("%s stream: %w", r.compression, err)
	}
	return err
}

// boundaryError is streamError for a read at a record boundary: a clean
// io.EOF there is the end of the input, not damage.
func (r *Reader) boundaryError(got int, err, truncated error) error {
	if got == 0 && err == io.EOF {
		return io.EOF
	}
	if got == 0 && r.compression != "" {
		return r.streamFailure(err)
	}
	return r.streamError(err, truncated)
}

// streamFailure is the reason for a read error between records: the
// decompressor (or the device) failed, or the compressed stream was cut.
func (r *Reader) streamFailure(err error) error {
	if r.compression == "" {
		return err
	}
	if err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%s stream ends early", r.compression)
	}
	return fmt.Errorf("%s stream: %w", r.compression, err)
}
