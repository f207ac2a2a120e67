package testcap

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

// TsharkHTTP reads a tshark HTTP truth file (sinks/httpx/testdata/truth/*.tsv,
// written by scripts/follow-truth.sh) into sorted comparable lines, one per
// HTTP message:
//
//	FRAME	STREAM	request	METHOD	HOST	URI	VERSION
//	FRAME	STREAM	response	CODE	CONTENT_LENGTH	CONTENT_TYPE	TRANSFER_ENCODING	REQUEST_FRAME
//
// It fails the test when the file cannot be read, a line is short, or it
// holds no message.
func TsharkHTTP(tb testing.TB, path string) []string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 14 {
			tb.Fatalf("%s: short line %q", path, sc.Text())
		}
		if c[2] == "1" {
			out = append(out, fmt.Sprintf("%s\t%s\trequest\t%s\t%s\t%s\t%s", c[0], c[1], c[3], c[4], c[5], c[6]))
		} else {
			out = append(out, fmt.Sprintf("%s\t%s\tresponse\t%s\t%s\t%s\t%s\t%s", c[0], c[1], c[7], c[8], c[12], c[13], c[9]))
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	if len(out) == 0 {
		tb.Fatalf("%s: no messages", path)
	}
	sort.Strings(out)
	return out
}
