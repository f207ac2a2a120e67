package input

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Entry is one input file found by ExpandEntries.
type Entry struct {
	// Path is the file's path, usable with os.Open ("-" for stdin).
	Path string
	// Key names the file independently of where the archive is mounted:
	// for a file found below a directory argument, its slash-separated path
	// relative to that directory; otherwise the path as given. Shard hashes it.
	Key string
}

// Expand resolves paths to the inputs of a run, in run order; see
// ExpandEntries for the rules.
func Expand(paths []string) ([]string, error) {
	es, err := ExpandEntries(paths)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Path
	}
	return out, nil
}

// ExpandEntries resolves paths to the inputs of a run, in run order:
//
//   - "-" stands for standard input;
//   - an existing file stands for itself;
//   - a directory for every regular file below it, walked recursively in
//     lexical order, skipping names that start with a dot;
//   - a path that does not exist but holds glob metacharacters (* ? [) for
//     its matches in lexical order (each match expanded as above); a glob
//     that matches nothing is an error;
//   - "@FILE" for the paths listed in FILE, one per line, blank lines and
//     lines starting with # ignored; relative paths in a list are relative
//     to the list's directory, and may be files, directories or globs.
//
// Format is decided later from magic bytes, not from names. A missing path
// is an error wrapping fs.ErrNotExist.
func ExpandEntries(paths []string) ([]Entry, error) {
	var out []Entry
	for _, p := range paths {
		var err error
		if list, ok := strings.CutPrefix(p, "@"); ok && p != "@" {
			out, err = expandList(out, list)
		} else {
			out, err = expandOne(out, p)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// expandList appends the inputs named in the list file.
func expandList(out []Entry, list string) ([]Entry, error) {
	f, err := os.Open(list)
	if err != nil {
		return nil, fmt.Errorf("input list: %w", err)
	}
	defer f.Close()
	base := filepath.Dir(list)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		p := strings.TrimSpace(sc.Text())
		if p == "" || strings.HasPrefix(p, "#") {
			continue
		}
		if strings.HasPrefix(p, "@") || p == "-" {
			return nil, fmt.Errorf("%s:%d: a list may name files, directories and globs, not %q", list, line, p)
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		if out, err = expandOne(out, p); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", list, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", list, err)
	}
	return out, nil
}

// expandOne appends the inputs one path stands for.
func expandOne(out []Entry, p string) ([]Entry, error) {
	if p == "-" {
		return append(out, Entry{Path: p, Key: p}), nil
	}
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) && strings.ContainsAny(p, "*?[") {
		matches, gerr := filepath.Glob(p)
		if gerr != nil {
			return nil, fmt.Errorf("bad glob %q: %w", p, gerr)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("%s: no file matches the pattern: %w", p, fs.ErrNotExist)
		}
		for _, m := range matches {
			if out, err = expandOne(out, m); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return append(out, Entry{Path: p, Key: filepath.ToSlash(filepath.Clean(p))}), nil
	}
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != p && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			// A link is followed when it names a regular file.
			st, err := os.Stat(path)
			if err != nil || !st.Mode().IsRegular() {
				return nil
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		rel, rerr := filepath.Rel(p, path)
		if rerr != nil {
			rel = path
		}
		out = append(out, Entry{Path: path, Key: filepath.ToSlash(rel)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading directory %s: %w", p, err)
	}
	return out, nil
}
