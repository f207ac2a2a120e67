// Package gtpu decodes GTPv1 headers (3GPP TS 29.281 user plane on UDP 2152,
// and the same header as used by GTPv1-C, TS 29.060, on UDP 2123) straight
// from a byte slice, without allocating and without keeping any state between
// packets.
//
// Parse fills a Header (resetting every field first), walks the extension
// header chain by its 4-octet length units, keeps the PDU Session Container
// (5G QFI), and returns the offset of what follows the header. Only a G-PDU
// (message type 255) carries a tunnelled IPv4/IPv6 packet there; for the
// other messages the offset is where their information elements start, which
// IEs iterates (see also ParseErrorIndication).
package gtpu
