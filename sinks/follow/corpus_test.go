package follow

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
)

// TestCorpusMatchesTshark compares every directed stream of every corpus
// capture with tshark's follow,tcp,raw (hashes in testdata/truth, made by
// scripts/follow-truth.sh). There are no exceptions: TCP inside GTP-U
// (gtp-open5gs-srsenb-s1-gtpu.pcapng, with fragmented tunnelled packets),
// inside fragmented outer GTP-U datagrams
// (gtpu-zeek-gn-outer-fragmentation.pcap) and holes never acknowledged are
// followed as tshark does.
func TestCorpusMatchesTshark(t *testing.T) {
	for _, path := range corpus.Captures(t) {
		name := filepath.Base(path)
		truth := filepath.Join("testdata", "truth", name+".txt")
		want, err := readTruth(truth)
		if os.IsNotExist(err) {
			continue // tshark sees no TCP in it
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) {
			got := follow(t, path)
			missing, extra := diff(want, got)
			for _, m := range missing {
				t.Errorf("tshark stream missing: %s", m)
			}
			for _, x := range extra {
				t.Errorf("pcapflow stream not in tshark: %s", x)
			}
		})
	}
}

// streamKey identifies a directed stream: tshark's tcp.stream number,
// endpoints, length and hash.
type streamKey string

func readTruth(path string) (map[streamKey]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[streamKey]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		fs := strings.Split(line, "\t")
		if len(fs) != 6 {
			return nil, fmt.Errorf("%s: bad line %q", path, line)
		}
		out[streamKey(fs[0]+" "+fs[1]+" "+fs[2]+" "+fs[3]+" "+fs[4])]++
	}
	return out, sc.Err()
}

func follow(t *testing.T, path string) map[streamKey]int {
	t.Helper()
	src, err := input.NewSource([]string{path}, input.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s, err := New(Options{Format: FormatRaw, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	g := &pipeline.Graph{Source: src, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{})}, Sinks: []pipeline.Sink{s}, Workers: 2}
	if _, err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[streamKey]int{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.IsDir() || len(b) == 0 {
			t.Errorf("%s: empty file or directory left in the output", e.Name())
			continue
		}
		id, src, dst := endpointsOf(e.Name())
		h := sha256.Sum256(b)
		out[streamKey(fmt.Sprintf("%d %s %s %d %s", id, src, dst, len(b), hex.EncodeToString(h[:])))]++
	}
	return out
}

// endpointsOf turns "NNNNNN-c2s-ADDR.PORT-ADDR.PORT.raw" back into the
// connection number and tshark's "ADDR:PORT" notation.
func endpointsOf(name string) (int, string, string) {
	parts := strings.SplitN(strings.TrimSuffix(name, ".raw"), "-", 4)
	id, _ := strconv.Atoi(parts[0])
	conv := func(s string) string {
		i := strings.LastIndexByte(s, '.')
		addr := strings.ReplaceAll(s[:i], "_", ":")
		if strings.Contains(addr, ":") {
			addr = "[" + addr + "]"
		}
		return addr + ":" + s[i+1:]
	}
	return id, conv(parts[2]), conv(parts[3])
}

func diff(want, got map[streamKey]int) (missing, extra []string) {
	for k, n := range want {
		for i := got[k]; i < n; i++ {
			missing = append(missing, string(k))
		}
	}
	for k, n := range got {
		for i := want[k]; i < n; i++ {
			extra = append(extra, string(k))
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra
}
