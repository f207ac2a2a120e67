package httpx

import (
	"net/url"
	"path"
	"strings"
)

// maxNameLen caps the part of a saved body's file name taken from its URI.
const maxNameLen = 80

// SafeName turns a request URI into a file name that is safe everywhere:
// the last element of its path (query dropped), with every character other
// than ASCII letters, digits, '.', '-' and '_' replaced by '_', no leading
// dot, at most 80 characters; "index" when nothing is left. It can never
// name a parent directory or a hidden file.
func SafeName(uri string) string {
	p := uri
	if u, err := url.Parse(uri); err == nil && u.Path != "" {
		p = u.Path
	} else if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	base := path.Base("/" + p)
	var b strings.Builder
	for _, r := range base {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	name := strings.TrimLeft(b.String(), ".")
	if len(name) > maxNameLen {
		name = name[len(name)-maxNameLen:]
		name = strings.TrimLeft(name, ".")
	}
	if name == "" || strings.Trim(name, "_") == "" {
		return "index"
	}
	return name
}
