package tcpreasm

import "time"

// Defaults of Options.
const (
	DefaultIdle          = 5 * time.Minute
	DefaultClosedIdle    = 30 * time.Second
	DefaultMaxConns      = 1 << 18
	DefaultMaxBuffered   = 4 << 20
	DefaultMaxTotal      = 256 << 20
	DefaultHistory       = 4096
	DefaultMaxTimeline   = 64
	defaultStallMin      = 200 * time.Millisecond
	defaultStallRTTTimes = 4
)

// Options configure an Assembler. Zero values select the defaults.
type Options struct {
	// Idle ends a connection that saw no packet for that long (packet time).
	Idle time.Duration
	// ClosedIdle ends a connection that saw both FINs or a RST and then no
	// packet for that long.
	ClosedIdle time.Duration
	// MaxConns caps the connections tracked at once; the least recently
	// active one is ended first.
	MaxConns int
	// MaxBuffered caps the out-of-order bytes one direction may hold; a
	// segment that does not fit closes the oldest hole as a gap.
	MaxBuffered int
	// MaxTotal caps the bytes held by all connections (buffers, history and
	// per-connection state); over it, the least recently active connections
	// release their buffers (holes become gaps) and history.
	MaxTotal int64
	// History is how many delivered bytes each direction remembers to
	// compare retransmitted copies with (0 picks DefaultHistory, negative
	// disables the comparison).
	History int
	// Timeline records per-connection events (handshake, retransmission
	// episodes, stalls, zero windows) in Conn.Timeline.
	Timeline bool
	// MaxTimeline caps the events kept per connection (the rest are counted).
	MaxTimeline int
	// Handler receives the connections' bytes. It must not be nil.
	Handler Handler
}

func (o *Options) fill() {
	if o.Idle <= 0 {
		o.Idle = DefaultIdle
	}
	if o.ClosedIdle <= 0 {
		o.ClosedIdle = DefaultClosedIdle
	}
	if o.MaxConns <= 0 {
		o.MaxConns = DefaultMaxConns
	}
	if o.MaxBuffered <= 0 {
		o.MaxBuffered = DefaultMaxBuffered
	}
	if o.MaxTotal <= 0 {
		o.MaxTotal = DefaultMaxTotal
	}
	if o.History == 0 {
		o.History = DefaultHistory
	}
	if o.History < 0 {
		o.History = 0
	}
	if o.MaxTimeline <= 0 {
		o.MaxTimeline = DefaultMaxTimeline
	}
}
