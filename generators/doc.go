// Package generators synthesises Ethernet traffic as pipeline Sources: a
// SYN flood, a benchmark traffic mix, HTTP-over-TCP sessions with loss and
// retransmission, and ICMP/UDP traceroutes.
//
// Every generator is a plain config struct whose zero fields mean
// documented defaults; the struct itself implements pipeline.Source, so the
// same value can be run any number of times. Output is a pure function of
// the config: timestamps start at a fixed instant (never the wall clock) and
// every random choice comes from a generator seeded with Seed, so the same
// config yields byte-identical frames on every machine and Go version.
//
// Frames are link type 1 (Ethernet), at least 60 bytes (padded to the
// Ethernet minimum; CapLen = OrigLen), with correct IPv4 header checksums
// and TCP, UDP and ICMP checksums (with the pseudo-header for IPv4 and IPv6)
// on every packet. Timestamps are nanoseconds (TsDigits 9) and frames are
// numbered from 1.
//
// Each generator also has Expect, which returns an Expectation: the counts
// (packets, flows, SYNs, half-open connections...) a correct analysis of its
// output must find, for self-checking CI pipelines.
package generators
