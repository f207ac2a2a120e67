//go:build !unix

package main

// maxRSS is not available on this OS.
func maxRSS() int64 { return 0 }
