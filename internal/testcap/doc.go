// Package testcap reads captures for tests: every frame through the
// project's own reader (pipeline/input), and the UDP datagrams on chosen
// ports through gopacket's layers.
//
// It is test support only. It imports pipeline and pipeline/input but never
// the decoders, so the tests of decoders and of its sub-packages may use it
// without an import cycle.
package testcap
