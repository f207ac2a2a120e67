package flows

import "time"

// Default timeouts, in packet time, after Zeek's tcp_inactivity_timeout,
// udp_inactivity_timeout and icmp_inactivity_timeout.
const (
	DefaultTCPIdle   = 5 * time.Minute
	DefaultUDPIdle   = time.Minute
	DefaultICMPIdle  = time.Minute
	DefaultOtherIdle = time.Minute
	// DefaultMaxFlows caps the flows tracked at once; the least recently
	// seen flow is evicted (and emitted) first.
	DefaultMaxFlows = 1 << 20
)

// Options configure a Table. Zero values select the defaults.
type Options struct {
	// TCPIdle, UDPIdle, ICMPIdle and OtherIdle end a flow that saw no packet
	// for that long.
	TCPIdle, UDPIdle, ICMPIdle, OtherIdle time.Duration
	// Active, when positive, ends a flow that has lasted that long and
	// starts a new one on its next packet (NetFlow-style active timeout).
	Active time.Duration
	// MaxFlows caps the number of flows tracked at once.
	MaxFlows int
	// CommunitySeed is the Community ID seed (0 for interoperability).
	CommunitySeed uint16
	// Emit receives every finished flow. The Record is only valid during
	// the call. Nil discards records.
	Emit func(*Record)
}

func (o *Options) fill() {
	if o.TCPIdle <= 0 {
		o.TCPIdle = DefaultTCPIdle
	}
	if o.UDPIdle <= 0 {
		o.UDPIdle = DefaultUDPIdle
	}
	if o.ICMPIdle <= 0 {
		o.ICMPIdle = DefaultICMPIdle
	}
	if o.OtherIdle <= 0 {
		o.OtherIdle = DefaultOtherIdle
	}
	if o.MaxFlows <= 0 {
		o.MaxFlows = DefaultMaxFlows
	}
}
