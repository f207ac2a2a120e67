package split

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/pcapflow/pcapflow/pipeline"
)

// SpillName is the pending log's spill file in the output directory,
// removed by Close.
const SpillName = ".pcapflow-pending.partial"

// Pending log record header:
//
//	0 flow u32 | 4 caplen u32 | 8 prev offset i64 | 16 ts i64 |
//	24 origlen u32 | 28 link type u16 | 30 ts digits u8 | 31 zero |
//	32 frame u64 | 40 input u32 | 44 zero u32
const logHeader = 48

var errBadLog = errors.New("split: pending log corrupted")

// pendingLog is an append-only log of the packets of flows that have not
// reached MinPackets yet (and of other). Each record links to the previous
// record of its flow, so a flow's packets can be replayed in order. Recent
// records are in memory; older ones are spilled to a file.
type pendingLog struct {
	dir     string
	mem     []byte
	base    int64 // log offset of mem[0]
	limit   int
	spill   *os.File
	chain   []int64
	hdr     [logHeader]byte
	scratch []byte
	spilled int64
}

func (l *pendingLog) init(dir string, limit int64) {
	l.dir = dir
	l.limit = int(limit)
}

// append adds a record and returns its offset.
func (l *pendingLog) append(flowIdx int32, prev int64, ci *pipeline.CaptureInfo, data []byte) (int64, error) {
	if len(l.mem) > 0 && len(l.mem)+logHeader+len(data) > l.limit {
		if err := l.spillMem(); err != nil {
			return 0, err
		}
	}
	off := l.base + int64(len(l.mem))
	var h [logHeader]byte
	binary.LittleEndian.PutUint32(h[0:], uint32(flowIdx))
	binary.LittleEndian.PutUint32(h[4:], uint32(len(data)))
	binary.LittleEndian.PutUint64(h[8:], uint64(prev))
	binary.LittleEndian.PutUint64(h[16:], uint64(ci.Timestamp))
	binary.LittleEndian.PutUint32(h[24:], ci.OrigLen)
	binary.LittleEndian.PutUint16(h[28:], ci.LinkType)
	h[30] = ci.TsDigits
	binary.LittleEndian.PutUint64(h[32:], ci.Frame)
	binary.LittleEndian.PutUint32(h[40:], uint32(ci.Input))
	l.mem = append(l.mem, h[:]...)
	l.mem = append(l.mem, data...)
	return off, nil
}

func (l *pendingLog) spillMem() error {
	if l.spill == nil {
		f, err := os.OpenFile(filepath.Join(l.dir, SpillName), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return fmt.Errorf("split: pending log: %w", err)
		}
		l.spill = f
	}
	if _, err := l.spill.WriteAt(l.mem, l.base); err != nil {
		return fmt.Errorf("split: pending log %s: %w", l.spill.Name(), err)
	}
	l.spilled += int64(len(l.mem))
	l.base += int64(len(l.mem))
	l.mem = l.mem[:0]
	return nil
}

func decodeHeader(h []byte) (flowIdx int32, capLen int, prev int64, ci pipeline.CaptureInfo) {
	flowIdx = int32(binary.LittleEndian.Uint32(h[0:]))
	capLen = int(binary.LittleEndian.Uint32(h[4:]))
	prev = int64(binary.LittleEndian.Uint64(h[8:]))
	ci.Timestamp = int64(binary.LittleEndian.Uint64(h[16:]))
	ci.OrigLen = binary.LittleEndian.Uint32(h[24:])
	ci.LinkType = binary.LittleEndian.Uint16(h[28:])
	ci.TsDigits = h[30]
	ci.Frame = binary.LittleEndian.Uint64(h[32:])
	ci.Input = pipeline.InputID(binary.LittleEndian.Uint32(h[40:]))
	ci.CapLen = uint32(capLen)
	return
}

// read returns the record at off. data is valid until the next read.
func (l *pendingLog) read(off int64) (int32, int64, pipeline.CaptureInfo, []byte, error) {
	if off >= l.base {
		m := l.mem[off-l.base:]
		if len(m) < logHeader {
			return 0, 0, pipeline.CaptureInfo{}, nil, errBadLog
		}
		idx, n, prev, ci := decodeHeader(m)
		if len(m) < logHeader+n {
			return 0, 0, ci, nil, errBadLog
		}
		return idx, prev, ci, m[logHeader : logHeader+n], nil
	}
	if _, err := l.spill.ReadAt(l.hdr[:], off); err != nil {
		return 0, 0, pipeline.CaptureInfo{}, nil, fmt.Errorf("split: pending log: %w", err)
	}
	idx, n, prev, ci := decodeHeader(l.hdr[:])
	if cap(l.scratch) < n {
		l.scratch = make([]byte, n)
	}
	data := l.scratch[:n]
	if _, err := l.spill.ReadAt(data, off+logHeader); err != nil {
		return 0, 0, ci, nil, fmt.Errorf("split: pending log: %w", err)
	}
	return idx, prev, ci, data, nil
}

// replay calls fn for every record of the chain ending at last, oldest first.
func (l *pendingLog) replay(last int64, fn func(ci *pipeline.CaptureInfo, data []byte) error) error {
	l.chain = l.chain[:0]
	for off := last; off != noLog; {
		l.chain = append(l.chain, off)
		_, prev, _, _, err := l.read(off)
		if err != nil {
			return err
		}
		if prev >= off {
			return errBadLog
		}
		off = prev
	}
	for i := len(l.chain) - 1; i >= 0; i-- {
		_, _, ci, data, err := l.read(l.chain[i])
		if err != nil {
			return err
		}
		if err := fn(&ci, data); err != nil {
			return err
		}
	}
	return nil
}

// scan calls fn for every record in log order.
func (l *pendingLog) scan(fn func(flowIdx int32, ci *pipeline.CaptureInfo, data []byte) error) error {
	if l.base > 0 {
		br := bufio.NewReaderSize(io.NewSectionReader(l.spill, 0, l.base), 1<<20)
		var h [logHeader]byte
		for read := int64(0); read < l.base; {
			if _, err := io.ReadFull(br, h[:]); err != nil {
				return fmt.Errorf("split: pending log: %w", err)
			}
			idx, n, _, ci := decodeHeader(h[:])
			if cap(l.scratch) < n {
				l.scratch = make([]byte, n)
			}
			data := l.scratch[:n]
			if _, err := io.ReadFull(br, data); err != nil {
				return fmt.Errorf("split: pending log: %w", err)
			}
			if err := fn(idx, &ci, data); err != nil {
				return err
			}
			read += int64(logHeader + n)
		}
	}
	for m := l.mem; len(m) > 0; {
		if len(m) < logHeader {
			return errBadLog
		}
		idx, n, _, ci := decodeHeader(m)
		if len(m) < logHeader+n {
			return errBadLog
		}
		if err := fn(idx, &ci, m[logHeader:logHeader+n]); err != nil {
			return err
		}
		m = m[logHeader+n:]
	}
	return nil
}

// empty reports whether the log holds no record.
func (l *pendingLog) empty() bool { return l.base == 0 && len(l.mem) == 0 }

// remove deletes the spill file and forgets the log.
func (l *pendingLog) remove() error {
	l.mem = nil
	if l.spill == nil {
		return nil
	}
	name := l.spill.Name()
	err := l.spill.Close()
	l.spill = nil
	if rerr := os.Remove(name); rerr != nil && err == nil {
		err = rerr
	}
	return err
}
