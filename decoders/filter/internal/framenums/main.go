// Command framenums prints the frame numbers of an original capture whose
// records appear in a second capture that tcpdump wrote from it with a
// filter ("tcpdump -r ORIG -w MATCHED EXPR"). scripts/filter-verdicts.sh
// uses it because tcpdump's -# numbers the packets it prints, not the
// frames of the file.
//
// Usage:
//
//	framenums ORIGINAL MATCHED
//
// The matched records form a subsequence of the original ones. Frames are
// paired greedily by captured bytes and original length: two frames with the
// same bytes and length get the same verdict from any BPF program, so the
// greedy pairing gives the right numbers. The output is one line of
// comma-separated 1-based frame numbers (empty when nothing matched).
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
)

type record struct {
	data    []byte
	origLen uint32
}

// readAll returns every record of the capture at path.
func readAll(path string) ([]record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rd, err := input.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer rd.Close()
	b := pipeline.NewBatch(1024, 1<<20)
	var out []record
	flush := func() {
		for i := range b.Packets {
			out = append(out, record{data: bytes.Clone(b.Data(i)), origLen: b.Packets[i].OrigLen})
		}
		b.Reset()
	}
	for {
		err := rd.ReadPacket(b, 0)
		switch {
		case err == nil:
		case errors.Is(err, input.ErrBatchFull):
			flush()
		case err == io.EOF:
			flush()
			return out, nil
		default:
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
}

func run(args []string, stdout io.Writer) error {
	if len(args) != 2 {
		return errors.New("usage: framenums ORIGINAL MATCHED")
	}
	orig, err := readAll(args[0])
	if err != nil {
		return err
	}
	matched, err := readAll(args[1])
	if err != nil {
		return err
	}
	var nums []string
	j := 0
	for i, r := range orig {
		if j < len(matched) && r.origLen == matched[j].origLen && bytes.Equal(r.data, matched[j].data) {
			nums = append(nums, strconv.Itoa(i+1))
			j++
		}
	}
	if j != len(matched) {
		return fmt.Errorf("%d of %d matched records not found in %s", len(matched)-j, len(matched), args[0])
	}
	_, err = fmt.Fprintln(stdout, strings.Join(nums, ","))
	return err
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "framenums:", err)
		os.Exit(1)
	}
}
