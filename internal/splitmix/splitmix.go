// Package splitmix holds the SplitMix64 finaliser, the one bit mixer the
// generators' random streams and the Parquet sink's dictionary tables
// share.
package splitmix

// Mix scrambles x bijectively so that every bit of the result depends on
// every bit of x (SplitMix64's finaliser).
func Mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
