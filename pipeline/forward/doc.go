// Package forward holds the stages that turn a live graph into a bridge or
// a router between two interfaces:
//
//	live.Source(IF1, IF2) ──► decode ──► Bridge or Router ──► live.Transmit
//	                                                    └──► Tap ──► pcap writer
//
// The live source tags each packet with its ingress port in
// CaptureInfo.Interface (0 for the first interface, 1 for the second). The
// Bridge and Router stages rewrite Interface to the egress port (and the
// Router rewrites the frame: MAC addresses, TTL, IPv4 header checksum) and
// drop from the batch what must not be forwarded, so a Transmit sink sends
// every packet left out of the port it names and a Tap sink records what
// went through.
//
// Bridge applies per-direction drop filters (pcap-filter expressions) and
// counts what it forwards and drops per direction. Router forwards IPv4
// between connected subnets (and static routes): it decrements the TTL with
// an incremental checksum update (RFC 1624), answers an expiring packet
// with an ICMP time exceeded message from the ingress address, finds the
// next hop's MAC in its own cache fed by ARP seen on the wire, in the
// kernel's neighbour table, or by sending an ARP request itself while
// holding a few packets for that next hop.
//
// Stages never allocate per forwarded packet; building an ICMP error or an
// ARP request appends one frame to the batch arena.
package forward
