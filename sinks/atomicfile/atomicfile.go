// Package atomicfile writes a file under a temporary name in its final
// directory and renames it into place only when the writer commits, so a
// reader never sees a half-written file under the final name.
//
// The temporary name is ".NAME.partial-XXXXXX" (hidden on Unix, in the same
// directory so the rename is atomic on one file system). Abort removes it.
package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
)

// File is an output file being written under a temporary name.
type File struct {
	f    *os.File
	path string
	temp string
	sync bool
	// sealed: closed by Seal, not renamed yet; done: committed or aborted.
	sealed bool
	done   bool
	perm   os.FileMode
}

// Create starts writing path: it creates a temporary file beside it.
func Create(path string) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".partial-*")
	if err != nil {
		return nil, err
	}
	return &File{f: f, path: path, temp: f.Name(), perm: 0o644}, nil
}

// SetSync makes Commit fsync the file before renaming it (durable against a
// power cut, slower). Off by default.
func (a *File) SetSync(on bool) { a.sync = on }

// SetMode sets the permission bits of the committed file (default 0644,
// where os.CreateTemp would leave 0600).
func (a *File) SetMode(perm os.FileMode) { a.perm = perm }

// Name returns the final path.
func (a *File) Name() string { return a.path }

// TempName returns the temporary path being written.
func (a *File) TempName() string { return a.temp }

// Write writes to the temporary file.
func (a *File) Write(p []byte) (int, error) { return a.f.Write(p) }

// File returns the underlying temporary file (for Seek, Stat...).
func (a *File) File() *os.File { return a.f }

var errDone = errors.New("atomicfile: already committed or aborted")

// Seal ends the writing: it sets the file's mode, fsyncs it (SetSync) and
// closes it, leaving it under its temporary name for Commit to rename. A
// writer of several files seals them all before committing any, so that a
// failure (a full disk) leaves none in place. On any error the temporary
// file is removed.
func (a *File) Seal() error {
	if a.done {
		return errDone
	}
	if a.sealed {
		return nil
	}
	a.sealed = true
	err := a.f.Chmod(a.perm)
	if err == nil && a.sync {
		err = a.f.Sync()
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		a.done = true
		os.Remove(a.temp)
	}
	return err
}

// Commit seals the file (unless Seal was called) and renames it to the
// final path. On any error the temporary file is removed.
func (a *File) Commit() error {
	if err := a.Seal(); err != nil {
		return err
	}
	a.done = true
	if err := os.Rename(a.temp, a.path); err != nil {
		os.Remove(a.temp)
		return err
	}
	return nil
}

// Abort closes (unless sealed) and removes the temporary file. It is a
// no-op after Commit, so `defer f.Abort()` is safe.
func (a *File) Abort() error {
	if a.done {
		return nil
	}
	a.done = true
	var err error
	if !a.sealed {
		err = a.f.Close()
	}
	if rerr := os.Remove(a.temp); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		return rerr
	}
	return err
}
