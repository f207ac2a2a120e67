//go:build !unix

package split

import "os"

// outFile is an open flow file.
type outFile struct{ *os.File }

// openOut opens path for writing with os-style flags.
func openOut(path string, flag int) (outFile, error) {
	f, err := os.OpenFile(path, flag, 0o644)
	return outFile{f}, err
}
