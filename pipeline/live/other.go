//go:build !linux

package live

import (
	"context"
	"net"
	"time"

	"github.com/pcapflow/pcapflow/pipeline"
)

// Handle is one AF_PACKET socket; on this OS none can be opened.
type Handle struct{}

// Open returns ErrNotSupported on this OS.
func Open(iface string, o Options) (*Handle, error) { return nil, ErrNotSupported }

// Name returns "".
func (h *Handle) Name() string { return "" }

// Index returns 0.
func (h *Handle) Index() int { return 0 }

// HardwareAddr returns nil.
func (h *Handle) HardwareAddr() net.HardwareAddr { return nil }

// LinkType returns 0.
func (h *Handle) LinkType() uint16 { return 0 }

// Snaplen returns 0.
func (h *Handle) Snaplen() int { return 0 }

// Read returns ErrNotSupported.
func (h *Handle) Read() (Frame, error) { return Frame{}, ErrNotSupported }

// ReadNow returns ErrNotSupported.
func (h *Handle) ReadNow() (Frame, error) { return Frame{}, ErrNotSupported }

// SetReadDeadline returns ErrNotSupported.
func (h *Handle) SetReadDeadline(time.Time) error { return ErrNotSupported }

// WritePacket returns ErrNotSupported.
func (h *Handle) WritePacket([]byte) error { return ErrNotSupported }

// Stats returns ErrNotSupported.
func (h *Handle) Stats() (Stats, error) { return Stats{}, ErrNotSupported }

// Close does nothing.
func (h *Handle) Close() error { return nil }

// Source reads live interfaces; on this OS it fails at once.
type Source struct{}

// NewSource returns a source whose Run returns ErrNotSupported.
func NewSource(handles []*Handle, o SourceOptions) *Source { return &Source{} }

// Stop does nothing.
func (s *Source) Stop() {}

// Packets returns 0.
func (s *Source) Packets() int64 { return 0 }

// Run returns ErrNotSupported.
func (s *Source) Run(context.Context, *pipeline.Emitter) error { return ErrNotSupported }

// Transmit sends packets to live interfaces; on this OS it fails at once.
type Transmit struct{}

// NewTransmit returns a sink whose Consume returns ErrNotSupported.
func NewTransmit(handles []*Handle) *Transmit { return &Transmit{} }

// Name returns "transmit".
func (t *Transmit) Name() string { return "transmit" }

// Consume returns ErrNotSupported.
func (t *Transmit) Consume(context.Context, *pipeline.Batch) error { return ErrNotSupported }

// Close does nothing.
func (t *Transmit) Close(bool) error { return nil }

// Stats returns zero counters.
func (t *Transmit) Stats() TransmitStats { return TransmitStats{} }
