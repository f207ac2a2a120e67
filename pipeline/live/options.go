package live

import (
	"context"
	"errors"
	"time"
)

// ErrNotSupported is returned by Open on systems without AF_PACKET.
var ErrNotSupported = errors.New("live capture is not supported on this OS (Linux AF_PACKET only)")

// DefaultSnaplen is the number of bytes kept of each frame when
// Options.Snaplen is 0.
const DefaultSnaplen = 262144

// Options configure a Handle. The zero value captures every frame in full,
// incoming and outgoing, without promiscuous mode.
type Options struct {
	// Snaplen is the number of bytes kept of each frame (default DefaultSnaplen).
	Snaplen int
	// Promisc puts the interface in promiscuous mode while the handle is open.
	Promisc bool
	// IgnoreOutgoing drops frames sent on the interface (by this host or by
	// this handle): a bridge or router must not see its own transmissions.
	IgnoreOutgoing bool
	// ReceiveBuffer sets the socket receive buffer in bytes (SO_RCVBUFFORCE,
	// or SO_RCVBUF up to net.core.rmem_max without CAP_NET_ADMIN; 0 keeps
	// the system default). Bursts larger than the buffer are dropped by the
	// kernel and counted in Stats.Dropped.
	ReceiveBuffer int
}

// DefaultCaptureBuffer is the receive buffer the capture command asks for.
const DefaultCaptureBuffer = 4 << 20

// Stats are a handle's kernel counters since it was opened.
type Stats struct {
	// Received counts frames the socket accepted, Dropped those the kernel
	// dropped because the socket buffer was full (PACKET_STATISTICS).
	Received, Dropped uint64
	// Skipped counts frames read but not delivered (outgoing frames when
	// IgnoreOutgoing is set on a kernel without PACKET_IGNORE_OUTGOING).
	Skipped uint64
}

// SourceOptions say when a Source stops.
type SourceOptions struct {
	// Stop ends the capture cleanly when done (the run still completes, so
	// sinks write complete output). Nil means never.
	Stop context.Context
	// Duration stops after this long (0: no limit).
	Duration time.Duration
	// InputName is the prefix of the input names registered in the run's
	// Inputs table (default "live:"), followed by the interface name.
	InputName string
}
