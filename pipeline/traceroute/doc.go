// Package traceroute traces the routers on the way to a host (Run: probes
// with TTL 1, 2, … sent on a raw IPv4 socket, each answered by an ICMP time
// exceeded from a router or by the target itself) and reconstructs the
// traceroutes contained in a capture (Hops, a pipeline.Sink: every ICMP time
// exceeded, destination unreachable or echo reply is matched to the probe
// it answers through the probe's header quoted in the error, or the echo
// identifier and sequence number).
//
// Both use the same matching rules (Classify and ProbeKeyOf): a probe is an
// ICMP/ICMPv6 echo request, identified by (source, destination, identifier,
// sequence), or a UDP datagram, identified by (source, destination, source
// port, destination port); the hop number is the probe's TTL (hop limit)
// as captured at the probing host.
package traceroute
