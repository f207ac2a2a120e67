//go:build !unix

package split

// fileLimit returns 0: the limit is unknown on this system.
func fileLimit() uint64 { return 0 }
