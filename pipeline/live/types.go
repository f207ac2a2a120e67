package live

import (
	"errors"
	"fmt"
)

// Frame is what one receive returned.
type Frame struct {
	// Data is the captured bytes; it aliases the handle's buffer and is
	// valid until the next read.
	Data []byte
	// OrigLen is the frame's length on the wire.
	OrigLen uint32
	// Timestamp is the kernel's receive time in ns since the Unix epoch.
	Timestamp int64
	// Outgoing is true for frames sent on the interface.
	Outgoing bool
}

// ErrNoFrame is returned by ReadNow when no frame is queued.
var ErrNoFrame = errors.New("live: no frame queued")

// TransmitStats count what a Transmit did.
type TransmitStats struct {
	// Sent and Bytes count frames transmitted; Failed frames the kernel
	// refused; Unroutable frames for no handle or of the wrong link type.
	Sent, Bytes, Failed, Unroutable int64
	// LastError is the last send error, or nil.
	LastError error
}

// String summarizes the counters.
func (s TransmitStats) String() string {
	return fmt.Sprintf("%d sent (%d bytes), %d failed, %d unroutable", s.Sent, s.Bytes, s.Failed, s.Unroutable)
}
