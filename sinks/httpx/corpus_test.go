package httpx

import (
	"context"
	"fmt"
	"github.com/pcapflow/pcapflow/internal/testcap"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/internal/golden"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
)

// TestCorpusMatchesTshark compares the exchanges of the two HTTP captures
// with tshark's http fields (testdata/truth, made by
// scripts/follow-truth.sh): every request with its frame, stream, method,
// host, URI and version; every response with its frame, stream, status,
// Content-Length, content type, transfer coding and the frame of the
// request it answers.
func TestCorpusMatchesTshark(t *testing.T) {
	dir := corpus.Dir(t)
	for _, name := range []string{"http-wireshark-sample.cap", "ipv6-http-streams-rawip.pcap"} {
		t.Run(name, func(t *testing.T) {
			want := testcap.TsharkHTTP(t, filepath.Join("testdata", "truth", name+".tsv"))
			recs := exchanges(t, filepath.Join(dir, name), "")
			var got []string
			for _, r := range recs {
				if !r.Complete {
					t.Errorf("incomplete exchange %+v", r)
				}
				got = append(got, fmt.Sprintf("%d\t%d\trequest\t%s\t%s\t%s\t%s", r.RequestFrame, r.Stream, r.Method, r.Host, r.URI, r.Version))
				cl := ""
				if r.ResponseLength >= 0 {
					cl = strconv.FormatInt(r.ResponseLength, 10)
				}
				got = append(got, fmt.Sprintf("%d\t%d\tresponse\t%d\t%s\t%s\t%s\t%d", r.ResponseFrame, r.Stream, r.Status, cl, r.ContentType, r.TransferEncoding, r.RequestFrame))
			}
			sort.Strings(got)
			if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
				t.Errorf("exchanges differ from tshark's:\n%s", golden.Diff(w, g))
			}
		})
	}
}

// exchanges runs the sink over a capture.
func exchanges(t *testing.T, path, extract string) []Record {
	t.Helper()
	src, err := input.NewSource([]string{path}, input.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var recs []Record
	s, err := New(Options{ExtractDir: extract, Emit: func(x *Exchange) error { recs = append(recs, RecordOf(x)); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	g := &pipeline.Graph{Source: src, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{})}, Sinks: []pipeline.Sink{s}, Workers: 2}
	if _, err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestExtractCorpus(t *testing.T) {
	dir := t.TempDir()
	recs := exchanges(t, filepath.Join(corpus.Dir(t), "ipv6-http-streams-rawip.pcap"), dir)
	for _, r := range recs {
		if r.ResponseFile == "" {
			t.Errorf("stream %d %s: body not saved", r.Stream, r.URI)
			continue
		}
		st, err := os.Stat(r.ResponseFile)
		if err != nil || st.Size() != r.ResponseBody {
			t.Errorf("%s: %v, size %v, want %d", r.ResponseFile, err, st, r.ResponseBody)
		}
		if filepath.Dir(r.ResponseFile) != dir {
			t.Errorf("%s saved outside %s", r.ResponseFile, dir)
		}
	}
}
